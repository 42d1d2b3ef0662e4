"""Manual entries: checking them against the rubric and choosing the ones that count.

Precedence: an inspection (检查) or spot-check (抽查) entry overrides self-assessment (自评)
entries for the same code. Items, vetoes and overrides of automatic kinds take one value, so
only the latest of the highest-precedence entries counts. Manual bonus and deduction kinds
add up events, so every highest-precedence entry counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.annual.inputs import SOURCE_ZH, EntrySource, ManualEntry
from scoring.rubric.checks import label
from scoring.rubric.schema import AdjustmentKind, Item, Mode, Rubric, Veto

PRECEDENCE = {EntrySource.SELF_ASSESSMENT: 0, EntrySource.INSPECTION: 1, EntrySource.SPOT_CHECK: 1}


class AssessmentInputError(ValueError):
    """Manual entries or inputs that do not fit the rubric; ``problems`` lists each in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("考核输入无效：" + "；".join(problems))


@dataclass(frozen=True, slots=True)
class Selection:
    """The entries that count for one code and the ones set aside, with why."""

    used: list[ManualEntry] = field(default_factory=list)
    ignored: list[ManualEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def self_assessed_only(self) -> bool:
        """Return True when every used entry is a self-assessment."""
        return bool(self.used) and all(e.source is EntrySource.SELF_ASSESSMENT for e in self.used)


def rules_by_code(rubric: Rubric) -> dict[str, Item | AdjustmentKind | Veto]:
    """Return every item, bonus, deduction and veto of the rubric by code."""
    rules: dict[str, Item | AdjustmentKind | Veto] = {item.code: item for _, item in rubric.items()}
    for rule in [*rubric.bonuses, *rubric.deductions, *rubric.vetoes]:
        rules[rule.code] = rule
    return rules


def entry_problems(rubric: Rubric, entries: list[ManualEntry]) -> list[str]:
    """List entries that name unknown codes or carry values their target cannot take."""
    rules = rules_by_code(rubric)
    problems: list[str] = []
    seen_ids: set[str] = set()

    for entry in entries:
        if entry.entry_id in seen_ids:
            problems.append(f"录入编号 {entry.entry_id} 重复")
        seen_ids.add(entry.entry_id)

        rule = rules.get(entry.target)
        if rule is None:
            problems.append(f"录入 {entry.entry_id} 的对象 {entry.target} 不是本评分细则中的编码")
            continue
        problems += _value_problems(entry, rule)

    return problems


def _value_problems(entry: ManualEntry, rule: Item | AdjustmentKind | Veto) -> list[str]:
    name = f"录入 {entry.entry_id}（{label(rule)}）"
    automatic = rule.mode is Mode.AUTOMATIC

    if automatic and not rule.manual_override:
        return [f"{name}：该项为自动评分，不接受人工录入"]
    if isinstance(rule, Veto):
        if entry.points is not None or entry.value not in (0, 1):
            return [f"{name}：否决项只能录入 value=1（存在）或 value=0（不存在）"]
        return []

    limit = rule.max_points if isinstance(rule, Item) else rule.cap
    if entry.points is not None and entry.points > limit:
        return [f"{name}：录入 {entry.points} 分，超过上限 {limit} 分"]

    needs_value = isinstance(rule, Item) and not automatic and rule.curve is not None
    if needs_value and entry.value is None:
        return [f"{name}：该项按曲线计分，必须录入 value（如满意率 0.93）"]
    if isinstance(rule, Item) and not automatic and rule.curve is None and entry.points is None:
        return [f"{name}：必须录入 points"]
    if isinstance(rule, AdjustmentKind) and not automatic:
        if entry.points is None and rule.points_per_event is None:
            return [f"{name}：该项没有每次分值，必须录入 points"]
        if entry.value is not None and (entry.value < 0 or entry.value != int(entry.value)):
            return [f"{name}：value 表示次数，必须是非负整数，实际为 {entry.value:g}"]
    if entry.points is None and entry.value is None and (automatic or isinstance(rule, Item)):
        return [f"{name}：必须录入 points 或 value"]
    return []


def select_entries(
    entries: list[ManualEntry], code: str, rule: Item | AdjustmentKind | Veto, single: bool
) -> Selection:
    """Choose the entries that count for one code, by source precedence and entry time."""
    mine = [entry for entry in entries if entry.target == code]
    notes: list[str] = []
    ignored: list[ManualEntry] = []

    if not rule.self_assessment:
        refused = [e for e in mine if e.source is EntrySource.SELF_ASSESSMENT]
        if refused:
            ignored += refused
            notes.append(f"本项不接受自评，自评录入 {_ids(refused)} 不计")
        mine = [e for e in mine if e.source is not EntrySource.SELF_ASSESSMENT]
    if rule.mode is Mode.AUTOMATIC:
        overridden = [e for e in mine if e.source is EntrySource.SELF_ASSESSMENT]
        if overridden:
            ignored += overridden
            notes.append(f"自动评分只能由检查或抽查改定，自评录入 {_ids(overridden)} 不计")
        mine = [e for e in mine if e.source is not EntrySource.SELF_ASSESSMENT]
    if not mine:
        return Selection(ignored=ignored, notes=notes)

    top = max(PRECEDENCE[e.source] for e in mine)
    used = [e for e in mine if PRECEDENCE[e.source] == top]
    lower = [e for e in mine if PRECEDENCE[e.source] < top]
    if lower:
        ignored += lower
        notes.append(f"自评录入 {_ids(lower)} 被{_sources(used)}结果覆盖")

    if single and len(used) > 1:
        used = sorted(used, key=lambda e: e.entered_at)
        earlier, used = used[:-1], used[-1:]
        ignored += earlier
        notes.append(f"同级录入以最后一次 {used[0].entry_id} 为准，{_ids(earlier)} 不计")

    return Selection(used=used, ignored=ignored, notes=notes)


def _ids(entries: list[ManualEntry]) -> str:
    return "、".join(entry.entry_id for entry in entries)


def _sources(entries: list[ManualEntry]) -> str:
    names = sorted({SOURCE_ZH[entry.source] for entry in entries}, key=["检查", "抽查"].index)
    return "/".join(names)
