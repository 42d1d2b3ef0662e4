"""Heating seasons and the rubric versions that score them (both public)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.deps import SessionDep
from api.errors import ApiError
from scoring.rubric import Rubric, RubricError, load_shipped_rubric, shipped_rubric_ids
from storage.registry import get_season, list_seasons

router = APIRouter(prefix="/api/v1", tags=["供暖期与评分细则"])

SeasonCode = Annotated[str, Path(pattern=r"^\d{4}-\d{4}$", description="供暖期编号，例如 2025-2026")]


class SeasonPublic(BaseModel):
    """供暖期"""

    code: str = Field(description="供暖期编号")
    official_start: date = Field(description="法定开始日期（含，当地日期）")
    official_end: date = Field(description="法定结束日期（含，当地日期）")
    rubric_version: str = Field(description="适用的评分细则版本")
    thresholds: dict[str, Any] = Field(description="本供暖期覆盖的指标阈值")


class RubricSummary(BaseModel):
    """评分细则版本"""

    rubric_id: str = Field(description="细则编号")
    version: str = Field(description="版本")
    title: str = Field(description="标题")
    unit_kind: str = Field(description="适用单位类型")
    season_start_year: int = Field(description="适用供暖期的开始年份")
    content_hash: str = Field(description="内容哈希，用于追溯结果所用的细则")


@functools.cache
def _rubric(rubric_id: str) -> Rubric:
    return load_shipped_rubric(rubric_id)


def _season(row) -> SeasonPublic:  # noqa: ANN001 - storage.registry.Season
    return SeasonPublic(code=row.code, official_start=row.official_start, official_end=row.official_end,
                        rubric_version=row.rubric_version, thresholds=row.thresholds or {})


@router.get("/seasons", response_model=list[SeasonPublic], summary="列出供暖期")
def read_seasons(session: SessionDep) -> list[SeasonPublic]:
    """按开始日期从新到旧列出供暖期（公开）。"""
    return [_season(row) for row in list_seasons(session)]


@router.get("/seasons/{season}", response_model=SeasonPublic, summary="供暖期详情")
def read_season(season: SeasonCode, session: SessionDep) -> SeasonPublic:
    """返回一个供暖期的日期、细则版本和阈值（公开）。"""
    return _season(get_season(session, code=season))


@router.get("/rubrics", response_model=list[RubricSummary], summary="列出评分细则")
def read_rubrics() -> list[RubricSummary]:
    """列出系统内置的评分细则版本（公开）。"""
    summaries = []
    for rubric_id in shipped_rubric_ids():
        rubric = _rubric(rubric_id)
        summaries.append(RubricSummary(
            rubric_id=rubric.rubric_id, version=rubric.version, title=rubric.title,
            unit_kind=rubric.unit_kind.value, season_start_year=rubric.season_start_year,
            content_hash=rubric.content_hash(),
        ))
    return summaries


@router.get("/rubrics/{rubric_id}", summary="评分细则全文")
def read_rubric(rubric_id: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="细则编号")]) -> dict:
    """返回细则的全部考核项、加分、扣分、否决项和等级划分（公开）。"""
    if rubric_id not in shipped_rubric_ids():
        raise ApiError(404, "rubric_not_found", f"评分细则 '{rubric_id}' 不存在")
    try:
        return _rubric(rubric_id).model_dump(mode="json")
    except RubricError as error:
        raise ApiError(500, "rubric_invalid", str(error)) from None
