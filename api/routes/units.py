"""Heating units and their indicators."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import InfluxDep, SettingsDep
from api.errors import ApiError
from scoring.compliance import unit_compliance
from scoring.rollup import UNIT_DAY_MEASUREMENT

router = APIRouter(prefix="/api/v1/units", tags=["供热单位"])

UnitCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$", description="供热单位编号")]


class UnitPublic(BaseModel):
    """供热单位"""

    code: str = Field(description="供热单位编号")


class UnitsPublic(BaseModel):
    """供热单位列表"""

    data: list[UnitPublic]
    count: int = Field(description="数量")


class RoomComplianceIndicator(BaseModel):
    """室温达标率及其计算依据"""

    rate: float | None = Field(description="室温达标率 = 达标户日数 ÷ 有效户日数（0–1）；无有效户日时为 null")
    reason: str | None = Field(None, description="rate 为 null 时的原因")
    household_days: int = Field(description="有读数的户日数")
    valid_household_days: int = Field(description="有效户日数（当日有效读数覆盖率达标）")
    compliant_household_days: int = Field(description="达标户日数（日均室温 ≥ 18 °C）")


class UnitIndicators(BaseModel):
    """供热单位在某日期范围内的自动指标"""

    unit: str = Field(description="供热单位编号")
    date_from: date = Field(description="开始日期（含，当地日期）")
    date_to: date = Field(description="结束日期（含，当地日期）")
    room_compliance: RoomComplianceIndicator = Field(description="室温达标率")


@router.get("", response_model=UnitsPublic, summary="列出供热单位")
def list_units(influx: InfluxDep) -> UnitsPublic:
    """列出已有日汇总数据的供热单位。"""
    series = influx.query(f'SHOW TAG VALUES FROM {UNIT_DAY_MEASUREMENT} WITH KEY = "unit"')
    codes = sorted({row[1] for item in series for row in item.values})
    return UnitsPublic(data=[UnitPublic(code=code) for code in codes], count=len(codes))


@router.get("/{unit}/indicators", response_model=UnitIndicators, summary="查询供热单位指标")
def read_unit_indicators(
    unit: UnitCode,
    influx: InfluxDep,
    settings: SettingsDep,
    date_from: Annotated[date, Query(alias="from", description="开始日期（含），YYYY-MM-DD")],
    date_to: Annotated[date, Query(alias="to", description="结束日期（含），YYYY-MM-DD")],
) -> UnitIndicators:
    """返回室温达标率（达标户日 ÷ 有效户日）及其背后的户日计数。"""
    if date_to < date_from:
        raise ApiError(422, "date_range_reversed", f"日期范围无效：结束日期 {date_to} 早于开始日期 {date_from}")
    if (date_to - date_from).days > 366:
        raise ApiError(422, "date_range_too_long", "日期范围不能超过 366 天")

    results = unit_compliance(influx, date_from, date_to, ZoneInfo(settings.timezone))
    found = results.get(unit)
    if found is None:
        known = list_units(influx)
        if unit not in {item.code for item in known.data}:
            raise ApiError(404, "unit_not_found", f"供热单位 '{unit}' 不存在或尚无数据")
        indicator = RoomComplianceIndicator(rate=None, reason="该日期范围内没有户日汇总数据",
                                            household_days=0, valid_household_days=0, compliant_household_days=0)
    else:
        indicator = RoomComplianceIndicator(
            rate=found.rate,
            reason=None if found.rate is not None else "该日期范围内没有有效户日",
            household_days=found.household_days,
            valid_household_days=found.valid_household_days,
            compliant_household_days=found.compliant_household_days,
        )
    return UnitIndicators(unit=unit, date_from=date_from, date_to=date_to, room_compliance=indicator)
