"""Content checks of a parsed rubric, each problem reported in Chinese naming the item."""

from __future__ import annotations

from decimal import Decimal

from scoring.rubric.curves import curve_problems
from scoring.rubric.indicators import INDICATORS
from scoring.rubric.schema import (
    AdjustmentKind,
    BonusKind,
    DeductionKind,
    Grade,
    Item,
    Mode,
    Rubric,
    Veto,
)

ITEMS_TOTAL = Decimal("100.00")


def label(rule: Item | AdjustmentKind | Veto) -> str:
    """Return the Chinese label of a rubric line, e.g. '考核项「达标供热」(quality_compliance)'."""
    if isinstance(rule, Item):
        kind = "考核项"
    elif isinstance(rule, BonusKind):
        kind = "加分项"
    elif isinstance(rule, DeductionKind):
        kind = "扣分项"
    else:
        kind = "否决项"
    return f"{kind}「{rule.name}」({rule.code})"


def rubric_problems(rubric: Rubric) -> list[str]:
    """List every content problem of the rubric; an empty list means it is valid."""
    problems: list[str] = []
    problems += _total_problems(rubric)
    problems += _duplicate_code_problems(rubric)
    for _, item in rubric.items():
        problems += _item_problems(item)
    for kind in [*rubric.bonuses, *rubric.deductions]:
        problems += _adjustment_problems(kind, rubric)
    for veto in rubric.vetoes:
        problems += _veto_problems(veto)
    problems += _grade_band_problems(rubric)
    for breaker in rubric.ranking.tie_breakers:
        if breaker.indicator not in INDICATORS:
            problems.append(f"排名并列规则引用了未知指标编码 {breaker.indicator}")
    return problems


def _total_problems(rubric: Rubric) -> list[str]:
    total = rubric.items_max_total()
    if total == ITEMS_TOTAL:
        return []
    areas = "，".join(f"{area.name} {area.max_points()} 分" for area in rubric.areas)
    return [f"各考核项满分合计为 {total} 分，应为 100 分（{areas}）"]


def _duplicate_code_problems(rubric: Rubric) -> list[str]:
    seen: dict[str, str] = {}
    problems: list[str] = []
    labelled = [(area.code, f"考核方面「{area.name}」({area.code})") for area in rubric.areas]
    rules = [item for _, item in rubric.items()] + [*rubric.bonuses, *rubric.deductions, *rubric.vetoes]
    labelled += [(rule.code, label(rule)) for rule in rules]
    for code, text in labelled:
        if code in seen:
            problems.append(f"编码 {code} 重复：{seen[code]} 与 {text}")
        else:
            seen[code] = text
    return problems


def _indicator_problems(rule: Item | AdjustmentKind | Veto) -> list[str]:
    if rule.indicator is None or rule.indicator in INDICATORS:
        return []
    return [f"{label(rule)} 引用了未知指标编码 {rule.indicator}"]


def _item_problems(item: Item) -> list[str]:
    problems = _indicator_problems(item)

    if item.mode is Mode.AUTOMATIC and (item.indicator is None or item.curve is None):
        problems.append(f"{label(item)} 为自动评分，必须指定 indicator 和 curve")
    if item.mode is Mode.MANUAL and item.indicator is not None:
        problems.append(f"{label(item)} 为人工评分，不应指定 indicator")
    if item.mode is Mode.MANUAL and item.manual_override:
        problems.append(f"{label(item)} 为人工评分，manual_override 只适用于自动评分")
    if item.curve is not None:
        problems += [f"{label(item)}：{text}" for text in curve_problems(item.curve, item.max_points)]

    return problems


def _adjustment_problems(kind: AdjustmentKind, rubric: Rubric) -> list[str]:
    problems = _indicator_problems(kind)

    if kind.mode is Mode.AUTOMATIC and (kind.indicator is None or kind.curve is None):
        problems.append(f"{label(kind)} 为自动判定，必须指定 indicator 和 curve")
    if kind.mode is Mode.MANUAL and (kind.indicator is not None or kind.curve is not None):
        problems.append(f"{label(kind)} 为人工录入，不应指定 indicator 或 curve")
    if kind.curve is not None:
        problems += [f"{label(kind)}：{text}" for text in curve_problems(kind.curve, kind.cap)]
    if kind.points_per_event is not None and kind.points_per_event > kind.cap:
        problems.append(f"{label(kind)} 的每次分值 {kind.points_per_event} 超过单项上限 {kind.cap}")
    if isinstance(kind, DeductionKind) and kind.target != "total" and rubric.item(kind.target) is None:
        problems.append(f"{label(kind)} 的扣分对象 {kind.target} 既不是 total 也不是考核项编码")

    return problems


def _veto_problems(veto: Veto) -> list[str]:
    problems = _indicator_problems(veto)
    if veto.mode is Mode.AUTOMATIC and (veto.indicator is None or veto.condition is None):
        problems.append(f"{label(veto)} 为自动判定，必须指定 indicator 和 condition")
    if veto.mode is Mode.MANUAL and (veto.indicator is not None or veto.condition is not None):
        problems.append(f"{label(veto)} 为人工判定，不应指定 indicator 或 condition")
    return problems


def _grade_band_problems(rubric: Rubric) -> list[str]:
    grades = [band.grade for band in rubric.grade_bands]
    if sorted(grades, key=list(Grade).index) != grades or set(grades) != set(Grade):
        return ["等级划分必须依次列出 优秀、良好、达标、不达标 各一次"]

    minimums = [band.min_total for band in rubric.grade_bands]
    if any(later >= earlier for earlier, later in zip(minimums, minimums[1:])):
        return [f"等级下限必须严格递减，实际为 {[str(m) for m in minimums]}"]
    if minimums[-1] != 0:
        return [f"「不达标」的下限必须为 0 分，实际为 {minimums[-1]}"]
    return []
