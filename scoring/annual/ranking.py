"""Ranking of one season's results, separately per unit kind (供热单位, 热电联产热源单位).

Companies are ordered by total, highest first; vetoed companies come after every company
without a veto. Equal totals share a rank and the next rank skips (1, 1, 3), unless the
rubric names tie-breaking indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from scoring.annual.consequences import Consequence, decide_consequences
from scoring.annual.result import AssessmentResult
from scoring.rubric.indicators import INDICATORS
from scoring.rubric.points import Points, format_points, to_indicator_decimal
from scoring.rubric.schema import UNIT_KIND_ZH, Grade, Rubric, UnitKind


class RankingError(ValueError):
    """Results that cannot be ranked together."""


class RankedCompany(BaseModel):
    """One company's place in its group and what follows from it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    company_id: str
    company_name: str
    total: Points
    grade: Grade
    vetoed: bool
    rank: int
    behind_count: int  # companies ranked strictly after this one
    tied_with: list[str]
    rank_reason: str
    consequences: list[Consequence]


class GroupRanking(BaseModel):
    """The ranking of one unit kind for one season under one rubric."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit_kind: UnitKind
    season_start_year: int
    rubric_id: str
    rubric_version: str
    rubric_hash: str
    companies: list[RankedCompany]


def rank_group(results: Sequence[AssessmentResult], rubric: Rubric) -> GroupRanking:
    """Rank the results of one unit kind, all computed with this rubric, and decide consequences."""
    _check_group(results, rubric)
    keys = {result.company_id: _sort_key(result, rubric) for result in results}
    ordered = sorted(results, key=lambda r: (keys[r.company_id], r.company_name, r.company_id))

    companies = []
    for result in ordered:
        key = keys[result.company_id]
        ahead = sum(1 for other in ordered if keys[other.company_id] < key)
        behind = sum(1 for other in ordered if keys[other.company_id] > key)
        tied = [o for o in ordered if keys[o.company_id] == key and o.company_id != result.company_id]
        rank = ahead + 1
        reason = _rank_reason(result, rank, len(ordered), tied, ordered, keys, rubric)
        consequences = decide_consequences(result, rank, behind, ordered, keys, rubric)
        companies.append(
            RankedCompany(
                company_id=result.company_id,
                company_name=result.company_name,
                total=result.total,
                grade=result.grade,
                vetoed=result.vetoed,
                rank=rank,
                behind_count=behind,
                tied_with=[o.company_id for o in tied],
                rank_reason=reason,
                consequences=consequences,
            )
        )

    return GroupRanking(
        unit_kind=rubric.unit_kind,
        season_start_year=rubric.season_start_year,
        rubric_id=rubric.rubric_id,
        rubric_version=rubric.version,
        rubric_hash=rubric.content_hash(),
        companies=companies,
    )


def rank_season(results: Sequence[AssessmentResult], rubrics: Sequence[Rubric]) -> list[GroupRanking]:
    """Split results by unit kind and rank each group with the rubric whose hash they record."""
    by_hash = {rubric.content_hash(): rubric for rubric in rubrics}
    groups: dict[UnitKind, list[AssessmentResult]] = {}
    for result in results:
        groups.setdefault(result.unit_kind, []).append(result)

    rankings = []
    for unit_kind in UnitKind:
        group = groups.get(unit_kind)
        if not group:
            continue
        rubric = by_hash.get(group[0].rubric_hash)
        if rubric is None:
            raise RankingError(f"未提供{UNIT_KIND_ZH[unit_kind]}结果所用的评分细则（{group[0].rubric_version}）")
        rankings.append(rank_group(group, rubric))
    return rankings


def _check_group(results: Sequence[AssessmentResult], rubric: Rubric) -> None:
    rubric_hash = rubric.content_hash()
    ids = [result.company_id for result in results]
    if len(set(ids)) != len(ids):
        raise RankingError("同一排名中供热单位编号重复")
    for result in results:
        if result.rubric_hash != rubric_hash or result.unit_kind is not rubric.unit_kind:
            raise RankingError(
                f"{result.company_name} 的结果按评分细则 {result.rubric_id} {result.rubric_version} 计算，"
                f"不能与 {rubric.rubric_id} {rubric.version} 的结果一起排名"
            )
        if result.season_start_year != rubric.season_start_year:
            raise RankingError(f"{result.company_name} 的考核年度 {result.season_start_year} 与本次排名不一致")


SortKey = tuple[bool, Decimal, tuple[Decimal, ...]]


def _sort_key(result: AssessmentResult, rubric: Rubric) -> SortKey:
    """Return a key where smaller is better: no veto first, then higher total, then tie-breakers."""
    breakers = []
    for breaker in rubric.ranking.tie_breakers:
        value = result.inputs.indicators.get(breaker.indicator).value
        if value is None:
            breakers.append(Decimal("Infinity"))  # a missing value ranks last
        else:
            number = to_indicator_decimal(value)
            breakers.append(-number if breaker.higher_is_better else number)
    return (result.vetoed, -result.total, tuple(breakers))


def _rank_reason(
    result: AssessmentResult,
    rank: int,
    size: int,
    tied: list[AssessmentResult],
    ordered: list[AssessmentResult],
    keys: dict[str, SortKey],
    rubric: Rubric,
) -> str:
    reason = f"总分 {format_points(result.total)} 分，在{UNIT_KIND_ZH[rubric.unit_kind]}中排第 {rank} 名（共 {size} 家）"
    if result.vetoed:
        reason += "；触发否决项，排在所有未触发否决项的单位之后"
    if tied:
        names = "、".join(o.company_name for o in tied)
        reason += f"；与{names}总分相同，并列第 {rank} 名，其后名次顺延"

    same_total = [
        o for o in ordered
        if o.company_id != result.company_id and o.total == result.total and o.vetoed == result.vetoed
        and keys[o.company_id] != keys[result.company_id]
    ]
    if same_total and rubric.ranking.tie_breakers:
        names = "、".join(INDICATORS[b.indicator].name_zh for b in rubric.ranking.tie_breakers)
        reason += f"；与{'、'.join(o.company_name for o in same_total)}总分相同，按{names}区分先后"
    return reason
