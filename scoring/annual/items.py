"""Scoring of the rubric items (考核项), automatic and manual."""

from __future__ import annotations

from scoring.annual.entries import select_entries
from scoring.annual.evaluate import Context, Evaluation, describe_entries, entry_points, evaluate_automatic
from scoring.annual.result import Basis, ExplanationLine, LineKind
from scoring.rubric.checks import label
from scoring.rubric.points import ZERO, format_points
from scoring.rubric.schema import Area, Item, Mode


def score_item(area: Area, item: Item, ctx: Context) -> ExplanationLine:
    """Score one item and explain it; missing data or entries give 0 points, never an error."""
    if item.mode is Mode.AUTOMATIC:
        assert item.curve is not None
        evaluation = evaluate_automatic(item, item.curve, item.max_points, ctx, label(item))
    else:
        evaluation = _evaluate_manual(item, ctx)

    return ExplanationLine(
        kind=LineKind.ITEM,
        code=item.code,
        name=item.name,
        area=area.name,
        rule_ref=item.rule_ref,
        basis=evaluation.basis,
        indicator=item.indicator,
        indicator_value=evaluation.indicator_value,
        window=ctx.inputs.indicators.window if item.indicator else None,
        entry_ids=evaluation.entry_ids,
        ignored_entry_ids=evaluation.ignored_entry_ids,
        points=evaluation.points,
        max_points=item.max_points,
        reason=evaluation.reason,
    )


def _evaluate_manual(item: Item, ctx: Context) -> Evaluation:
    selection = select_entries(ctx.inputs.manual_entries, item.code, item, single=True)
    notes = "".join(f"；{note}" for note in selection.notes)
    ignored = [e.entry_id for e in selection.ignored]

    if not selection.used:
        ctx.needs_review.append(f"{label(item)}：尚无评分录入，按 0 分计")
        return Evaluation(ZERO, Basis.MISSING, f"尚无评分录入，按 0 分计{notes}", None, [], ignored)

    entry = selection.used[0]
    points = entry_points(entry, item.curve, item.max_points)
    how = f"录入值 {entry.value:g}，{item.curve.describe_zh()}，" if item.curve and entry.value is not None else ""
    unverified = "；采用自评分数，尚未经检查或抽查核实" if selection.self_assessed_only else ""
    reason = f"{describe_entries([entry])}：{how}得 {format_points(points)} 分{unverified}{notes}"
    return Evaluation(points, Basis.MANUAL, reason, None, [entry.entry_id], ignored)
