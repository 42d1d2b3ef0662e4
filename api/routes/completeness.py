"""Device data completeness (数据完整率) of a heating unit, per heat station, with warnings."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth.deps import PrincipalDep
from api.deps import InfluxDep, SessionDep, SettingsDep
from api.lookups import readable_unit
from api.ranges import CODE_REGEX, DateFrom, DateTo, check_range
from api.timeseries import household_totals
from storage.registry import Household, Station

router = APIRouter(prefix="/api/v1", tags=["数据完整率"])

# A station whose valid household-days fall below this share of the expected ones is flagged.
WARN_BELOW = 0.8
# At most this many silent households are named one by one; the rest are counted.
MAX_NAMED_HOUSEHOLDS = 20


class StationCompleteness(BaseModel):
    """一个热力站的数据完整情况"""

    station: str = Field(description="热力站编号")
    name: str = Field(description="热力站名称")
    measured_households: int = Field(description="登记为测温户且参与考核的住户数")
    reporting_households: int = Field(description="期间内有读数的住户数")
    expected_household_days: int = Field(description="应有户日数 = 测温户数 × 天数")
    stored_household_days: int = Field(description="有读数的户日数")
    valid_household_days: int = Field(description="有效户日数")
    completeness: float | None = Field(None, description="数据完整率 = 有效户日 ÷ 应有户日（0–1）")
    coverage_mean: float | None = Field(None, description="有读数户日的平均覆盖率")
    reason: str | None = Field(None, description="完整率为 null 的原因")


class UnitCompleteness(BaseModel):
    """供热单位在日期范围内的数据完整情况"""

    unit: str
    date_from: date
    date_to: date
    days: int = Field(description="天数")
    completeness: float | None = Field(None, description="全单位数据完整率")
    stations: list[StationCompleteness]
    warnings: list[str] = Field(description="需要关注的问题（中文）")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


@router.get("/units/{unit}/completeness", response_model=UnitCompleteness, summary="设备数据完整率")
def read_completeness(unit: Annotated[str, Path(pattern=CODE_REGEX, description="供热单位编号")],
                      principal: PrincipalDep, session: SessionDep, influx: InfluxDep, settings: SettingsDep,
                      date_from: DateFrom, date_to: DateTo) -> UnitCompleteness:
    """按热力站比较应有户日与实际有效户日，并列出没有读数的测温户和未登记的上报住户。"""
    check_range(date_from, date_to)
    found = readable_unit(session, principal, unit)
    days = (date_to - date_from).days + 1

    stations = list(session.scalars(sa.select(Station).where(Station.unit_id == found.id).order_by(Station.code)))
    measured = session.execute(
        sa.select(Household.code, Station.code).join(Station, Household.station_id == Station.id)
        .where(Household.unit_id == found.id, Household.measured, Household.active, sa.not_(Household.excluded))
    ).all()
    totals = household_totals(influx, unit=found.code, first_day=date_from, last_day=date_to,
                              zone=ZoneInfo(settings.timezone))
    totals_by_household = {item.household: item for item in totals}
    station_of = dict(measured)

    rows = []
    for station in stations:
        members = [code for code, station_code in measured if station_code == station.code]
        reported = [totals_by_household[code] for code in members if code in totals_by_household]
        expected = len(members) * days
        valid = sum(item.valid for item in reported)
        coverages = [item.coverage_mean for item in reported if item.coverage_mean is not None]
        rows.append(StationCompleteness(
            station=station.code, name=station.name, measured_households=len(members),
            reporting_households=len(reported), expected_household_days=expected,
            stored_household_days=sum(item.household_days for item in reported), valid_household_days=valid,
            completeness=_rate(valid, expected), coverage_mean=sum(coverages) / len(coverages) if coverages else None,
            reason=None if expected else "该热力站没有登记测温户",
        ))

    warnings = [
        f"热力站 {row.station}（{row.name}）数据完整率 {row.completeness:.0%}，低于 {WARN_BELOW:.0%}"
        for row in rows if row.completeness is not None and row.completeness < WARN_BELOW
    ]
    silent = sorted(code for code in station_of if code not in totals_by_household)
    if silent:
        named = "、".join(silent[:MAX_NAMED_HOUSEHOLDS])
        more = f" 等共 {len(silent)} 户" if len(silent) > MAX_NAMED_HOUSEHOLDS else ""
        warnings.append(f"以下测温户在此期间没有任何读数：{named}{more}")
    unregistered = sorted(item.household for item in totals if item.household not in station_of)
    if unregistered:
        warnings.append(f"有 {len(unregistered)} 户上报了读数但未登记为参与考核的测温户，例如 {unregistered[0]}")

    expected_total = sum(row.expected_household_days for row in rows)
    valid_total = sum(row.valid_household_days for row in rows)
    return UnitCompleteness(unit=found.code, date_from=date_from, date_to=date_to, days=days,
                            completeness=_rate(valid_total, expected_total), stations=rows, warnings=warnings)
