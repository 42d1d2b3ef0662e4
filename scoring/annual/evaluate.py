"""Shared steps of scoring one rubric line: from an indicator, from entries, or missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scoring.annual.entries import Selection, select_entries
from scoring.annual.inputs import SOURCE_ZH, AssessmentInput, ManualEntry
from scoring.annual.result import Basis
from scoring.rubric.curves import BooleanCurve, LinearCurve, StepCurve
from scoring.rubric.indicators import INDICATORS
from scoring.rubric.points import ZERO, format_points, to_indicator_decimal, to_points
from scoring.rubric.schema import AdjustmentKind, Item

CurveModel = LinearCurve | StepCurve | BooleanCurve


@dataclass
class Context:
    """The inputs of one assessment plus the review notes collected while scoring."""

    inputs: AssessmentInput
    needs_review: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Points of one line before caps, with where they came from and why."""

    points: Decimal
    basis: Basis
    reason: str
    indicator_value: float | None = None
    entry_ids: list[str] = field(default_factory=list)
    ignored_entry_ids: list[str] = field(default_factory=list)


def format_indicator(code: str, value: float) -> str:
    """Format an indicator value with its Chinese name and unit, rates as percentages."""
    info = INDICATORS[code]
    if info.unit.startswith("比例"):
        return f"{info.name_zh} {value * 100:.2f} %"
    return f"{info.name_zh} {value:g} {info.unit}"


def curve_points(curve: CurveModel, value: float, max_points: Decimal) -> Decimal:
    """Return the curve's points for a value, rounded to 0.01 and capped at max_points."""
    return min(to_points(curve.points(to_indicator_decimal(value), max_points)), max_points)


def describe_entries(entries: list[ManualEntry]) -> str:
    """Describe entries in Chinese: id, source, person and note."""
    parts = []
    for entry in entries:
        note = f"，说明：{entry.note}" if entry.note else ""
        evidence = f"，证明材料：{'、'.join(entry.evidence)}" if entry.evidence else ""
        parts.append(f"{SOURCE_ZH[entry.source]}录入 {entry.entry_id}（{entry.entered_by}{note}{evidence}）")
    return "；".join(parts)


def evaluate_automatic(
    rule: Item | AdjustmentKind,
    curve: CurveModel,
    max_points: Decimal,
    ctx: Context,
    subject: str,
    missing_outcome: str = "按 0 分计",
    verb: str = "得",
) -> Evaluation:
    """Score an automatic line from its indicator, unless an inspection entry overrides it."""
    assert rule.indicator is not None
    indicator = ctx.inputs.indicators.get(rule.indicator)
    selection = select_entries(ctx.inputs.manual_entries, rule.code, rule, single=True)

    if selection.used:
        return _override(rule, curve, max_points, indicator.value, selection, verb)

    ignored = [e.entry_id for e in selection.ignored]
    notes = "".join(f"；{note}" for note in selection.notes)
    if indicator.value is None:
        ctx.needs_review.append(
            f"{subject}：指标缺失（{indicator.missing_reason}），{missing_outcome}，请核实数据或由检查组录入"
        )
        name = INDICATORS[rule.indicator].name_zh
        reason = f"指标「{name}」缺失：{indicator.missing_reason}，{missing_outcome}{notes}"
        return Evaluation(ZERO, Basis.MISSING, reason, None, [], ignored)

    points = curve_points(curve, indicator.value, max_points)
    reason = (
        f"{format_indicator(rule.indicator, indicator.value)}"
        f"（数据窗口 {ctx.inputs.indicators.window.describe_zh()}）；{curve.describe_zh()}；"
        f"{verb} {format_points(points)} 分{notes}"
    )
    return Evaluation(points, Basis.AUTOMATIC, reason, indicator.value, [], ignored)


def _override(
    rule: Item | AdjustmentKind,
    curve: CurveModel,
    max_points: Decimal,
    automatic_value: float | None,
    selection: Selection,
    verb: str,
) -> Evaluation:
    entry = selection.used[0]
    points = entry_points(entry, curve, max_points)
    assert rule.indicator is not None
    was = "缺失" if automatic_value is None else format_indicator(rule.indicator, automatic_value)
    reason = (
        f"{describe_entries([entry])}改定本项为{verb} {format_points(points)} 分"
        f"（自动计算的指标值：{was}）" + "".join(f"；{note}" for note in selection.notes)
    )
    return Evaluation(
        points, Basis.MANUAL, reason, automatic_value, [entry.entry_id], [e.entry_id for e in selection.ignored]
    )


def entry_points(entry: ManualEntry, curve: CurveModel | None, max_points: Decimal) -> Decimal:
    """Return an entry's points: entered points, or its value through the curve."""
    if entry.points is not None:
        return min(entry.points, max_points)
    assert entry.value is not None and curve is not None
    return curve_points(curve, entry.value, max_points)

