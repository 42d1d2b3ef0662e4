"""Annual assessment engine: vetoes, items, bonuses, deductions, clamp and grade, all traced."""

from __future__ import annotations

import logging
from decimal import Decimal

from scoring.annual.adjustments import score_bonuses, score_deductions
from scoring.annual.entries import AssessmentInputError, entry_problems
from scoring.annual.evaluate import Context
from scoring.annual.inputs import AssessmentInput
from scoring.annual.items import score_item
from scoring.annual.result import AssessmentResult, Basis, ExplanationLine, LineKind
from scoring.annual.vetoes import evaluate_veto
from scoring.rubric.points import HUNDRED, ZERO, format_points
from scoring.rubric.schema import Grade, GradeBand, Rubric

logger = logging.getLogger(__name__)


class ReproducibilityError(ValueError):
    """A stored result cannot be recomputed with the rubric given."""


def grade_for(total: Decimal, bands: list[GradeBand]) -> Grade:
    """Return the grade of a total; each band's lower bound is inclusive (exactly 90 is 优秀)."""
    for band in bands:
        if total >= band.min_total:
            return band.grade
    return Grade.FAIL


def assess(rubric: Rubric, inputs: AssessmentInput) -> AssessmentResult:
    """Assess one company for one season and explain every point."""
    problems = entry_problems(rubric, inputs.manual_entries)
    if inputs.season_start_year != rubric.season_start_year:
        problems.append(
            f"考核年度 {inputs.season_start_year} 与评分细则 {rubric.rubric_id} 的年度 {rubric.season_start_year} 不一致"
        )
    if problems:
        raise AssessmentInputError(problems)
    ctx = Context(inputs=inputs)

    veto_lines = [evaluate_veto(veto, ctx) for veto in rubric.vetoes]
    item_lines = [score_item(area, item, ctx) for area, item in rubric.items()]
    bonus_lines = score_bonuses(rubric, ctx)
    item_points = {line.code: line.points for line in item_lines}
    deduction_lines = score_deductions(rubric, ctx, item_points)

    item_sum = _sum(item_lines)
    bonus_sum = _sum(bonus_lines)
    deduction_sum = -_sum(deduction_lines)
    clamp_lines = _clamp(item_sum + bonus_sum - deduction_sum)
    lines = veto_lines + item_lines + bonus_lines + deduction_lines + clamp_lines
    total = _sum(lines)

    triggered = [line for line in veto_lines if line.triggered]
    grade, grade_reason = _grade(total, triggered, rubric)
    logger.info(
        "Assessed company %s season %s: total %s grade %s vetoes %d",
        inputs.company_id, inputs.season_start_year, total, grade.value, len(triggered),
    )

    return AssessmentResult(
        rubric_id=rubric.rubric_id,
        rubric_version=rubric.version,
        rubric_hash=rubric.content_hash(),
        unit_kind=rubric.unit_kind,
        company_id=inputs.company_id,
        company_name=inputs.company_name,
        season_start_year=inputs.season_start_year,
        item_points=item_sum,
        bonus_points=bonus_sum,
        deduction_points=deduction_sum,
        clamp_points=_sum(clamp_lines),
        total=total,
        grade=grade,
        grade_reason=grade_reason,
        vetoed=bool(triggered),
        vetoes_triggered=[line.code for line in triggered],
        lines=lines,
        needs_review=ctx.needs_review,
        inputs=inputs,
    )


def recompute(result: AssessmentResult, rubric: Rubric) -> AssessmentResult:
    """Recompute a stored result from its recorded inputs; the rubric must have the recorded hash."""
    rubric_hash = rubric.content_hash()
    if rubric_hash != result.rubric_hash:
        raise ReproducibilityError(
            f"评分细则 {rubric.rubric_id} {rubric.version} 的内容哈希 {rubric_hash} "
            f"与结果记录的 {result.rubric_version}（{result.rubric_hash}）不一致，无法复算"
        )
    return assess(rubric, result.inputs)


def _sum(lines: list[ExplanationLine]) -> Decimal:
    return sum((line.points for line in lines), ZERO)


def _clamp(subtotal: Decimal) -> list[ExplanationLine]:
    if ZERO <= subtotal <= HUNDRED:
        return []
    if subtotal > HUNDRED:
        points = HUNDRED - subtotal
        reason = f"考核项、加分和扣分合计 {format_points(subtotal)} 分，超过 100 分，按 100 分计"
    else:
        points = -subtotal
        reason = f"考核项、加分和扣分合计 {format_points(subtotal)} 分，低于 0 分，按 0 分计"
    return [
        ExplanationLine(
            kind=LineKind.CLAMP,
            code="clamp",
            name="总分限定在0至100分",
            rule_ref="附件第一条 百分制",
            basis=Basis.RULE,
            points=points,
            reason=reason,
        )
    ]


def _grade(total: Decimal, triggered: list[ExplanationLine], rubric: Rubric) -> tuple[Grade, str]:
    by_points = grade_for(total, rubric.grade_bands)
    points_reason = _points_reason(total, by_points, rubric.grade_bands)
    if not triggered:
        return by_points, points_reason

    names = "、".join(f"{line.name}（{line.rule_ref}）" for line in triggered)
    return Grade.FAIL, f"触发否决项：{names}，直接确定为不达标；按分数本应为「{by_points.value}」（{points_reason}）"


def _points_reason(total: Decimal, grade: Grade, bands: list[GradeBand]) -> str:
    if grade is not Grade.FAIL:
        band = next(b for b in bands if b.grade is grade)
        return f"总分 {format_points(total)} 分，不低于「{grade.value}」的下限 {format_points(band.min_total)} 分"
    passing = next(b for b in bands if b.grade is Grade.PASS)
    return f"总分 {format_points(total)} 分，低于「达标」的下限 {format_points(passing.min_total)} 分"
