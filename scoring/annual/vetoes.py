"""Veto items (附件第七条): any one triggered makes the grade 不达标 whatever the points."""

from __future__ import annotations

from scoring.annual.entries import select_entries
from scoring.annual.evaluate import Context, describe_entries, format_indicator
from scoring.annual.result import Basis, ExplanationLine, LineKind
from scoring.rubric.checks import label
from scoring.rubric.indicators import INDICATORS
from scoring.rubric.points import ZERO, to_indicator_decimal
from scoring.rubric.schema import Mode, Veto


def evaluate_veto(veto: Veto, ctx: Context) -> ExplanationLine:
    """Decide whether one veto item applies; an undecidable automatic veto is flagged for review."""
    selection = select_entries(ctx.inputs.manual_entries, veto.code, veto, single=True)
    notes = "".join(f"；{note}" for note in selection.notes)
    automatic_value = None
    automatic_text = ""

    if veto.mode is Mode.AUTOMATIC:
        assert veto.indicator is not None and veto.condition is not None
        indicator = ctx.inputs.indicators.get(veto.indicator)
        automatic_value = indicator.value
        name = INDICATORS[veto.indicator].name_zh
        if indicator.value is None:
            automatic_text = f"指标「{name}」缺失（{indicator.missing_reason}），无法自动判定"
        else:
            holds = veto.condition.holds(to_indicator_decimal(indicator.value))
            verdict = "触发否决" if holds else "未触发"
            automatic_text = (
                f"{format_indicator(veto.indicator, indicator.value)}"
                f"（数据窗口 {ctx.inputs.indicators.window.describe_zh()}），"
                f"否决条件为{name}{veto.condition.describe_zh()}，{verdict}"
            )

    if selection.used:
        entry = selection.used[0]
        triggered = entry.value == 1
        verdict = "认定存在该情形，触发否决" if triggered else "认定不存在该情形"
        prior = f"（自动判定：{automatic_text}）" if automatic_text else ""
        reason = f"{describe_entries([entry])}{verdict}{prior}{notes}"
        basis = Basis.MANUAL
    elif veto.mode is Mode.AUTOMATIC and automatic_value is not None:
        assert veto.condition is not None
        triggered = veto.condition.holds(to_indicator_decimal(automatic_value))
        reason = automatic_text + notes
        basis = Basis.AUTOMATIC
    elif veto.mode is Mode.AUTOMATIC:
        triggered = False
        reason = f"{automatic_text}，暂按未触发处理，需检查组核定{notes}"
        basis = Basis.MISSING
        ctx.needs_review.append(f"{label(veto)}：{automatic_text}，需检查组核定")
    else:
        triggered = False
        reason = f"未录入该情形，视为不存在{notes}"
        basis = Basis.MANUAL

    return ExplanationLine(
        kind=LineKind.VETO,
        code=veto.code,
        name=veto.name,
        rule_ref=veto.rule_ref,
        basis=basis,
        indicator=veto.indicator,
        indicator_value=automatic_value,
        window=ctx.inputs.indicators.window if veto.indicator else None,
        entry_ids=[e.entry_id for e in selection.used],
        ignored_entry_ids=[e.entry_id for e in selection.ignored],
        points=ZERO,
        triggered=triggered,
        reason=reason,
    )
