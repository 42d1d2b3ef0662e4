"""Consequences of a ranked result: 约谈, 接管 (附件第八条) and incentives or penalties (附件第九条)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict

from scoring.annual.result import AssessmentResult
from scoring.rubric.schema import Grade, Rubric


class ConsequenceKind(str, Enum):
    """Kind of consequence the bureau acts on."""

    SUMMONS = "summons"  # 约谈
    TAKEOVER = "takeover"  # 接管（建议）
    INCENTIVE = "incentive"  # 激励
    SUPERVISION = "supervision"  # 督促提升
    SCALE_REDUCTION = "scale_reduction"  # 减少供热规模


class Consequence(BaseModel):
    """One consequence, with the article it rests on and why it applies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ConsequenceKind
    title: str
    rule_ref: str
    reason: str


INCENTIVE_TEXT = (
    "可以优先新建热源项目和增加供热面积，开辟绿色审批通道；管网施工涉及路面恢复等情况按有关规定享受优惠政策"
)


def decide_consequences(
    result: AssessmentResult,
    rank: int,
    behind: int,
    ordered: Sequence[AssessmentResult],
    keys: Mapping[str, Any],
    rubric: Rubric,
) -> list[Consequence]:
    """Decide the consequences of one company's grade, rank and earlier results."""
    consequences = []
    rules = rubric.ranking

    if result.grade is Grade.FAIL:
        consequences.append(
            Consequence(
                kind=ConsequenceKind.SUMMONS,
                title="约谈",
                rule_ref="附件第八条第（一）项",
                reason="当年考核结果为不达标，予以约谈",
            )
        )
        takeover = _takeover(result, rules.takeover_consecutive_fail_years)
        if takeover:
            consequences.append(takeover)
        consequences.append(
            Consequence(
                kind=ConsequenceKind.SCALE_REDUCTION,
                title="减少供热规模",
                rule_ref="附件第九条",
                reason="年度考核不达标，减少其供热规模；逾期未整改或者整改仍不达标的依法清退",
            )
        )
        return consequences

    if result.grade is Grade.PASS:
        bottom = _bottom_places(result, behind, ordered, keys, rules.bottom_scope)
        if bottom is not None and bottom < rules.bottom_count:
            scope = "全部参评单位" if rules.bottom_scope == "all" else "达标单位"
            consequences.append(
                Consequence(
                    kind=ConsequenceKind.SUMMONS,
                    title="约谈",
                    rule_ref="附件第八条第（一）项",
                    reason=f"考核结果为达标，排名第 {rank} 名，位于{scope}的后 {rules.bottom_count} 位，予以约谈",
                )
            )
        consequences.append(
            Consequence(
                kind=ConsequenceKind.SUPERVISION,
                title="督促提升",
                rule_ref="附件第九条",
                reason="考核结果为达标，督促其提升供热质量和服务水平",
            )
        )
        return consequences

    consequences.append(
        Consequence(
            kind=ConsequenceKind.INCENTIVE,
            title="激励",
            rule_ref="附件第九条",
            reason=f"考核结果为{result.grade.value}，{INCENTIVE_TEXT}",
        )
    )
    return consequences


def _bottom_places(
    result: AssessmentResult,
    behind: int,
    ordered: Sequence[AssessmentResult],
    keys: Mapping[str, Any],
    scope: str,
) -> int | None:
    """Return how many companies in scope rank strictly after this one."""
    if scope == "all":
        return behind
    key = keys[result.company_id]
    return sum(1 for other in ordered if other.grade is Grade.PASS and keys[other.company_id] > key)


def _takeover(result: AssessmentResult, years: int) -> Consequence | None:
    """Recommend takeover when this and the previous years-1 seasons were all 不达标."""
    grades = {past.season_start_year: past.grade for past in result.inputs.past_results}
    needed = [result.season_start_year - offset for offset in range(1, years)]
    if not all(grades.get(season) is Grade.FAIL for season in needed):
        return None

    seasons = "、".join(f"{season}—{season + 1}" for season in [*reversed(needed), result.season_start_year])
    return Consequence(
        kind=ConsequenceKind.TAKEOVER,
        title="建议由属地政府供热行政主管部门接管",
        rule_ref="附件第八条第（一）项",
        reason=f"连续 {years} 年考核不达标（{seasons} 供暖期），由属地政府供热行政主管部门进行接管",
    )
