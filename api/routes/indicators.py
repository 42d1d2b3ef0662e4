"""Daily indicators of a heating unit, a heat station or one household, for charts and drill-down."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth.deps import PrincipalDep
from api.daily import DailyIndicators, build_daily
from api.deps import InfluxDep, SessionDep, SettingsDep
from api.jsonsafe import finite_or_none
from api.lookups import readable_household, readable_station, readable_unit, station_areas, thresholds_for_day
from api.ranges import CODE_REGEX, DateFrom, DateTo, check_range
from api.timeseries import day_range, household_days

router = APIRouter(prefix="/api/v1", tags=["自动指标"])

Code = Annotated[str, Path(pattern=CODE_REGEX, description="编号")]


class HouseholdDay(BaseModel):
    """一户一天的户日汇总"""

    date: dt.date = Field(description="当地日期")
    mean_temp_c: float | None = Field(None, description="日均室温（°C），只计可用读数")
    readings: int = Field(0, description="读数条数")
    usable_readings: int = Field(0, description="可用读数条数（无故障、在合理范围内）")
    fault_readings: int = Field(0, description="带故障标志的读数条数")
    coverage: float | None = Field(None, description="可用读数覆盖率（0–1）")
    valid: bool | None = Field(None, description="是否有效户日")
    compliant: bool | None = Field(None, description="是否达标户日")
    reason: str | None = Field(None, description="无数据时的原因")


class HouseholdDaily(BaseModel):
    """一户在日期范围内的每日数据"""

    household: str = Field(description="住户编号")
    station: str = Field(description="热力站编号")
    unit: str = Field(description="供热单位编号")
    date_from: date
    date_to: date
    days: list[HouseholdDay]


@router.get("/units/{unit}/daily", response_model=DailyIndicators, summary="供热单位每日指标")
def read_unit_daily(unit: Code, principal: PrincipalDep, session: SessionDep, influx: InfluxDep,
                    settings: SettingsDep, date_from: DateFrom, date_to: DateTo) -> DailyIndicators:
    """每日室温达标率、低温率、高温率、平均室温、停热次数与时长、单位面积耗热量。"""
    check_range(date_from, date_to)
    found = readable_unit(session, principal, unit)
    return build_daily(influx, scope="unit", code=found.code, name=found.name,
                       station_areas=station_areas(session, found.id), date_from=date_from, date_to=date_to,
                       zone=ZoneInfo(settings.timezone), thresholds=thresholds_for_day(session, date_from))


@router.get("/stations/{station}/daily", response_model=DailyIndicators, summary="热力站每日指标")
def read_station_daily(station: Code, principal: PrincipalDep, session: SessionDep, influx: InfluxDep,
                       settings: SettingsDep, date_from: DateFrom, date_to: DateTo) -> DailyIndicators:
    """与供热单位每日指标相同，范围限于一个热力站。"""
    check_range(date_from, date_to)
    found = readable_station(session, principal, station)
    return build_daily(influx, scope="station", code=found.code, name=found.name,
                       station_areas={found.code: found.heated_area_m2}, date_from=date_from, date_to=date_to,
                       zone=ZoneInfo(settings.timezone), thresholds=thresholds_for_day(session, date_from))


def _household_day(day: date, row: dict | None) -> HouseholdDay:
    if row is None:
        return HouseholdDay(date=day, reason="当日没有户日汇总数据（无读数）")
    return HouseholdDay(
        date=day, mean_temp_c=finite_or_none(row.get("mean_temp_c")), readings=int(row.get("readings") or 0),
        usable_readings=int(row.get("usable_readings") or 0), fault_readings=int(row.get("fault_readings") or 0),
        coverage=finite_or_none(row.get("coverage")), valid=bool(row.get("valid")),
        compliant=bool(row.get("compliant")),
        reason=None if row.get("mean_temp_c") is not None else "当日没有可用读数，无法计算日均室温",
    )


@router.get("/households/{household}/daily", response_model=HouseholdDaily, summary="住户每日室温")
def read_household_daily(household: Code, principal: PrincipalDep, session: SessionDep, influx: InfluxDep,
                         settings: SettingsDep, date_from: DateFrom, date_to: DateTo) -> HouseholdDaily:
    """一户每天的日均室温、读数条数、覆盖率及是否有效、是否达标。"""
    check_range(date_from, date_to)
    found = readable_household(session, principal, household)
    rows = household_days(influx, household=found.code, first_day=date_from, last_day=date_to,
                          zone=ZoneInfo(settings.timezone))
    by_day = {row["day"]: row for row in rows}
    return HouseholdDaily(household=found.code, station=found.station.code, unit=found.unit.code,
                          date_from=date_from, date_to=date_to,
                          days=[_household_day(day, by_day.get(day)) for day in day_range(date_from, date_to)])
