"""Bonuses (附件第五条) and deductions (附件第六条) with per-kind and total caps."""

from __future__ import annotations

from decimal import Decimal

from scoring.annual.entries import select_entries
from scoring.annual.evaluate import Context, Evaluation, describe_entries, evaluate_automatic
from scoring.annual.result import Basis, ExplanationLine, LineKind
from scoring.rubric.checks import label
from scoring.rubric.points import ZERO, format_points, to_points
from scoring.rubric.schema import AdjustmentKind, DeductionKind, Mode, Rubric


def score_bonuses(rubric: Rubric, ctx: Context) -> list[ExplanationLine]:
    """Score every bonus kind, then take back whatever exceeds the total bonus cap."""
    lines = []
    for kind in rubric.bonuses:
        evaluation = _evaluate_kind(kind, ctx, "不加分", "加")
        lines.append(_line(LineKind.BONUS, kind, evaluation, evaluation.points, evaluation.reason, ctx))

    total = sum((line.points for line in lines), ZERO)
    if total > rubric.bonus_total_cap:
        excess = total - rubric.bonus_total_cap
        reason = (
            f"加分合计 {format_points(total)} 分，超过加分总上限 {format_points(rubric.bonus_total_cap)} 分，"
            f"核减 {format_points(excess)} 分"
        )
        lines.append(_cap_line(LineKind.BONUS_CAP, "加分总上限", -excess, rubric.bonus_total_cap, reason))
    return lines


def score_deductions(
    rubric: Rubric, ctx: Context, item_points: dict[str, Decimal]
) -> list[ExplanationLine]:
    """Score every deduction kind; item-targeted ones stop at the item's zero, then the total cap applies."""
    remaining = dict(item_points)
    lines = []

    for kind in rubric.deductions:
        evaluation = _evaluate_kind(kind, ctx, "暂不扣分", "扣")
        amount = evaluation.points
        reason = evaluation.reason
        if kind.target != "total" and amount > 0:
            amount, reason = _stop_at_item_zero(kind, amount, remaining, reason, rubric)
        lines.append(_line(LineKind.DEDUCTION, kind, evaluation, -amount, reason, ctx))

    total = -sum((line.points for line in lines), ZERO)
    if total > rubric.deduction_total_cap:
        excess = total - rubric.deduction_total_cap
        reason = (
            f"扣分合计 {format_points(total)} 分，超过扣分总上限 {format_points(rubric.deduction_total_cap)} 分，"
            f"退回 {format_points(excess)} 分"
        )
        lines.append(_cap_line(LineKind.DEDUCTION_CAP, "扣分总上限", excess, rubric.deduction_total_cap, reason))
    return lines


def _stop_at_item_zero(
    kind: DeductionKind, amount: Decimal, remaining: dict[str, Decimal], reason: str, rubric: Rubric
) -> tuple[Decimal, str]:
    item = rubric.item(kind.target)
    assert item is not None
    available = remaining[kind.target]
    applied = min(amount, available)
    remaining[kind.target] = available - applied
    reason += f"；从考核项「{item.name}」中扣减"
    if applied < amount:
        reason += (
            f"，该项仅余 {format_points(available)} 分，扣至 0 分为止，"
            f"应扣 {format_points(amount)} 分，实扣 {format_points(applied)} 分"
        )
    return applied, reason


def _evaluate_kind(kind: AdjustmentKind, ctx: Context, missing_outcome: str, verb: str) -> Evaluation:
    if kind.mode is Mode.AUTOMATIC:
        assert kind.curve is not None
        return evaluate_automatic(kind, kind.curve, kind.cap, ctx, label(kind), missing_outcome, verb)

    selection = select_entries(ctx.inputs.manual_entries, kind.code, kind, single=False)
    notes = "".join(f"；{note}" for note in selection.notes)
    ignored = [e.entry_id for e in selection.ignored]
    if not selection.used:
        return Evaluation(ZERO, Basis.MANUAL, f"未录入该情形{notes}", None, [], ignored)

    raw = ZERO
    counted = []
    for entry in selection.used:
        if entry.points is not None:
            raw += entry.points
            counted.append(f"{entry.entry_id} 计 {format_points(entry.points)} 分")
        else:
            assert kind.points_per_event is not None
            count = int(entry.value) if entry.value is not None else 1
            raw += to_points(kind.points_per_event * count)
            counted.append(f"{entry.entry_id} 计 {count} 次×{format_points(kind.points_per_event)} 分")

    points = min(raw, kind.cap)
    capped = f"，超过本项上限，按 {format_points(kind.cap)} 分计" if raw > kind.cap else ""
    unverified = "；采用自评录入，尚未经检查或抽查核实" if selection.self_assessed_only else ""
    reason = (
        f"{describe_entries(selection.used)}；{'，'.join(counted)}；"
        f"合计{verb} {format_points(raw)} 分{capped}{unverified}{notes}"
    )
    return Evaluation(points, Basis.MANUAL, reason, None, [e.entry_id for e in selection.used], ignored)


def _line(
    kind_of_line: LineKind,
    kind: AdjustmentKind,
    evaluation: Evaluation,
    points: Decimal,
    reason: str,
    ctx: Context,
) -> ExplanationLine:
    return ExplanationLine(
        kind=kind_of_line,
        code=kind.code,
        name=kind.name,
        rule_ref=kind.rule_ref,
        basis=evaluation.basis,
        indicator=kind.indicator,
        indicator_value=evaluation.indicator_value,
        window=ctx.inputs.indicators.window if kind.indicator else None,
        entry_ids=evaluation.entry_ids,
        ignored_entry_ids=evaluation.ignored_entry_ids,
        points=points,
        max_points=kind.cap,
        reason=reason,
    )


def _cap_line(kind: LineKind, name: str, points: Decimal, cap: Decimal, reason: str) -> ExplanationLine:
    return ExplanationLine(
        kind=kind,
        code=kind.value,
        name=name,
        rule_ref="评分细则 总上限",
        basis=Basis.RULE,
        points=points,
        max_points=cap,
        reason=reason,
    )
