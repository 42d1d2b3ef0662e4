"""Annual results (年度考核结果): saved by the scoring job, then frozen for publication."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import check_text
from storage.registry.assessment_models import AnnualResult, Season
from storage.registry.audit import create_row, delete_row, update_row
from storage.registry.base import utc_now
from storage.registry.errors import FrozenResultError, NotFoundError, RegistryValidationError
from storage.registry.heating_units import get_heating_unit
from storage.registry.models import HeatingUnit
from storage.registry.seasons import get_season


def find_annual_result(session: Session, *, season_code: str, unit_code: str) -> AnnualResult | None:
    """Return the result of one unit in one season, or None."""
    query = (
        sa.select(AnnualResult)
        .join(Season, AnnualResult.season_id == Season.id)
        .join(HeatingUnit, AnnualResult.unit_id == HeatingUnit.id)
        .where(Season.code == season_code, HeatingUnit.code == unit_code)
    )
    return session.scalar(query)


def get_annual_result(session: Session, *, season_code: str, unit_code: str) -> AnnualResult:
    """Return the result of one unit in one season, raising NotFoundError when there is none."""
    result = find_annual_result(session, season_code=season_code, unit_code=unit_code)
    if result is None:
        raise NotFoundError(f"供热单位 '{unit_code}' 在供暖期 {season_code} 没有考核结果")
    return result


def list_annual_results(
    session: Session, *, season_code: str, frozen: bool | None = None
) -> list[AnnualResult]:
    """Return a season's results by rank (unranked last), then by unit code."""
    query = (
        sa.select(AnnualResult)
        .join(Season, AnnualResult.season_id == Season.id)
        .join(HeatingUnit, AnnualResult.unit_id == HeatingUnit.id)
        .where(Season.code == season_code)
        .order_by(AnnualResult.rank.is_(None), AnnualResult.rank, HeatingUnit.code)
    )
    if frozen is not None:
        query = query.where(AnnualResult.frozen == frozen)
    return list(session.scalars(query))


def _result_values(
    *,
    rubric_version: str,
    rubric_hash: str,
    total: float,
    grade: str,
    rank: int | None,
    vetoed: bool,
    consequences: dict[str, Any],
    explanation: dict[str, Any],
    indicator_values: dict[str, Any],
    computed_at: datetime,
) -> dict[str, Any]:
    if isinstance(total, bool) or not isinstance(total, int | float) or not math.isfinite(total):
        raise RegistryValidationError(f"总分 '{total}' 无效：应为有限的数值")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
        raise RegistryValidationError(f"排名 '{rank}' 无效：应为从 1 开始的整数")
    if computed_at.tzinfo is None:
        raise RegistryValidationError(f"计算时间 {computed_at} 缺少时区：请传入带时区的时间")
    return {
        "rubric_version": check_text(rubric_version, "考核细则版本", 64),
        "rubric_hash": check_text(rubric_hash, "考核细则哈希", 128),
        "total": float(total),
        "grade": check_text(grade, "等级", 32),
        "rank": rank,
        "vetoed": bool(vetoed),
        "consequences": dict(consequences),
        "explanation": dict(explanation),
        "indicator_values": dict(indicator_values),
        "computed_at": computed_at,
    }


def save_annual_result(
    session: Session,
    *,
    season_code: str,
    unit_code: str,
    rubric_version: str,
    rubric_hash: str,
    total: float,
    grade: str,
    rank: int | None,
    vetoed: bool,
    consequences: dict[str, Any],
    explanation: dict[str, Any],
    indicator_values: dict[str, Any],
    computed_at: datetime,
    actor: str,
) -> AnnualResult:
    """Insert or replace the unfrozen result of one unit in one season, raising FrozenResultError if frozen."""
    season = get_season(session, code=season_code)
    unit = get_heating_unit(session, code=unit_code)
    values = _result_values(
        rubric_version=rubric_version,
        rubric_hash=rubric_hash,
        total=total,
        grade=grade,
        rank=rank,
        vetoed=vetoed,
        consequences=consequences,
        explanation=explanation,
        indicator_values=indicator_values,
        computed_at=computed_at,
    )

    existing = find_annual_result(session, season_code=season_code, unit_code=unit_code)
    if existing is None:
        result = AnnualResult(season_id=season.id, unit_id=unit.id, frozen=False, **values)
        return create_row(session, result, actor=actor)

    if existing.frozen:
        raise FrozenResultError(
            f"供热单位 '{unit_code}' 在供暖期 {season_code} 的考核结果已冻结，不能覆盖"
        )
    update_row(session, existing, values, actor=actor)
    return existing


def freeze_annual_result(session: Session, *, season_code: str, unit_code: str, actor: str) -> AnnualResult:
    """Freeze one result so that it can never change again; raise if it is already frozen."""
    result = get_annual_result(session, season_code=season_code, unit_code=unit_code)
    if result.frozen:
        raise FrozenResultError(f"供热单位 '{unit_code}' 在供暖期 {season_code} 的考核结果已冻结")

    values = {"frozen": True, "frozen_at": utc_now(), "frozen_by": actor}
    update_row(session, result, values, actor=actor)
    return result


def freeze_season_results(session: Session, *, season_code: str, actor: str) -> int:
    """Freeze every unfrozen result of a season and return how many were frozen."""
    results = list_annual_results(session, season_code=season_code, frozen=False)
    for result in results:
        freeze_annual_result(session, season_code=season_code, unit_code=result.unit.code, actor=actor)
    return len(results)


def delete_annual_result(session: Session, *, season_code: str, unit_code: str, actor: str) -> None:
    """Delete an unfrozen result, raising FrozenResultError for a frozen one."""
    result = get_annual_result(session, season_code=season_code, unit_code=unit_code)
    if result.frozen:
        raise FrozenResultError(f"供热单位 '{unit_code}' 在供暖期 {season_code} 的考核结果已冻结，不能删除")

    delete_row(session, result, actor=actor, label=f"供热单位 '{unit_code}' 的考核结果")
