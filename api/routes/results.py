"""Annual scores, ranking with consequences, and the per-company explanation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, ValidationError

from api.auth.deps import PrincipalDep
from api.auth.principal import check_unit_access
from api.deps import SessionDep
from api.ranges import CODE_REGEX
from api.results_view import NO_RESULTS, ResultRow, can_see_result, result_row, visible_results
from scoring.annual.explanation import explain_result
from scoring.annual.result import AssessmentResult
from storage.registry import UnitKind, find_annual_result, get_heating_unit, get_season

router = APIRouter(prefix="/api/v1/seasons/{season}/results", tags=["年度考核结果"])

SeasonCode = Annotated[str, Path(pattern=r"^\d{4}-\d{4}$", description="供暖期编号，例如 2025-2026")]
UnitCode = Annotated[str, Path(pattern=CODE_REGEX, description="供热单位编号")]


class Ranking(BaseModel):
    """某供暖期的考核排名"""

    season: str = Field(description="供暖期编号")
    data: list[ResultRow] = Field(description="按排名排列；公众只看到已公布的结果")
    reason: str | None = Field(None, description="列表为空时的原因")


class ResultDetail(BaseModel):
    """一个供热单位的考核结果详情"""

    season: str
    unit: str
    name: str
    result: ResultRow | None = Field(None, description="结果；尚未计算时为 null")
    rubric_hash: str | None = Field(None, description="所用评分细则的内容哈希")
    indicator_values: dict[str, Any] = Field(default_factory=dict, description="计算所用的自动指标值")
    frozen_at: datetime | None = Field(None, description="冻结（公布）时间")
    reason: str | None = Field(None, description="result 为 null 的原因")


class Explanation(BaseModel):
    """逐条得分说明"""

    season: str
    unit: str
    text: str | None = Field(None, description="中文说明全文")
    lines: list[dict[str, Any]] = Field(default_factory=list, description="逐条得分：考核项、加分、扣分、否决项")
    reason: str | None = Field(None, description="没有说明时的原因")


@router.get("", response_model=Ranking, summary="考核排名")
def read_ranking(
    season: SeasonCode, principal: PrincipalDep, session: SessionDep,
    kind: Annotated[UnitKind | None, Query(description="单位类型；两类单位分别排名")] = None,
) -> Ranking:
    """返回总分、等级、排名和排名后果。未登录或公众用户只看到已公布的结果；供热单位另可看到本单位未公布的结果。"""
    get_season(session, code=season)
    rows = [result_row(result) for result in visible_results(session, principal, season, kind and kind.value)]
    return Ranking(season=season, data=rows, reason=None if rows else NO_RESULTS)


def _visible(session, principal, season: str, unit: str):  # noqa: ANN001, ANN202
    get_season(session, code=season)
    get_heating_unit(session, code=unit)
    result = find_annual_result(session, season_code=season, unit_code=unit)
    if result is None or not can_see_result(principal, result):
        check_unit_access(principal, unit)
    return result


@router.get("/{unit}", response_model=ResultDetail, summary="单位考核结果")
def read_result(season: SeasonCode, unit: UnitCode, principal: PrincipalDep, session: SessionDep) -> ResultDetail:
    """返回一个单位的总分、等级、排名、后果和所用指标值。"""
    result = _visible(session, principal, season, unit)
    name = get_heating_unit(session, code=unit).name
    if result is None:
        return ResultDetail(season=season, unit=unit, name=name, reason=NO_RESULTS)
    return ResultDetail(season=season, unit=unit, name=name, result=result_row(result), rubric_hash=result.rubric_hash,
                        indicator_values=result.indicator_values or {}, frozen_at=result.frozen_at)


def _rendered_text(stored: dict[str, Any]) -> str | None:
    """Render the Chinese text of a stored engine result, or return None for any other shape."""
    try:
        return explain_result(AssessmentResult.model_validate(stored))
    except ValidationError:
        return None


@router.get("/{unit}/explanation", response_model=Explanation, summary="得分说明")
def read_explanation(season: SeasonCode, unit: UnitCode, principal: PrincipalDep, session: SessionDep) -> Explanation:
    """返回逐条得分说明：每个考核项、加分、扣分和否决项的得分与理由。"""
    result = _visible(session, principal, season, unit)
    if result is None:
        return Explanation(season=season, unit=unit, reason=NO_RESULTS)
    stored = result.explanation or {}
    lines = [line for line in stored.get("lines", []) if isinstance(line, dict)]
    text = stored.get("text") if isinstance(stored.get("text"), str) else _rendered_text(stored)
    reason = None if (text or lines) else "考核结果中没有保存得分说明"
    return Explanation(season=season, unit=unit, text=text, lines=lines, reason=reason)
