"""Daily indicator series of a heating unit, a station or a household, ready for charts and exports."""

from __future__ import annotations

from collections import defaultdict
import datetime as dt
from datetime import date
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from api.jsonsafe import finite_or_none
from api.timeseries import RoomDay, StationDay, day_range, room_days, station_days
from scoring.thresholds import IndicatorThresholds
from storage.influx import InfluxClient

NO_ROLLUP = "当日没有户日汇总数据"
NO_VALID = "当日没有有效户日"
NO_STATION_DATA = "尚无热力站日汇总数据（供热量、停热），该项暂不可用"
NO_AREA = "报送供热量的热力站缺少供热面积，无法计算单位面积耗热量"


class DailyIndicator(BaseModel):
    """一天的自动指标"""

    date: dt.date = Field(description="当地日期")
    household_days: int = Field(0, description="有读数的户日数")
    valid_household_days: int = Field(0, description="有效户日数")
    compliance_rate: float | None = Field(None, description="室温达标率（0–1）")
    low_rate: float | None = Field(None, description="低温率：有效但日均温低于达标下限的户日 ÷ 有效户日")
    high_rate: float | None = Field(None, description="高温率：日均温高于高温线的户日 ÷ 有效户日")
    mean_temp_c: float | None = Field(None, description="有效户日的平均室温（°C）")
    interruptions: float | None = Field(None, description="停热（供热中断）次数")
    interruption_hours: float | None = Field(None, description="停热时长（小时）")
    heat_gj_per_m2: float | None = Field(None, description="单位面积耗热量（GJ/m²）")
    reason: str | None = Field(None, description="室温类指标为 null 的原因")


class DailyIndicators(BaseModel):
    """某对象在日期范围内的每日指标"""

    scope: str = Field(description="对象类型：unit 供热单位、station 热力站")
    code: str = Field(description="对象编号")
    name: str | None = Field(None, description="对象名称")
    date_from: date = Field(description="开始日期（含）")
    date_to: date = Field(description="结束日期（含）")
    high_temp_c: float = Field(description="高温线（°C）")
    compliance_floor_c: float = Field(description="达标下限（°C）")
    days: list[DailyIndicator] = Field(description="每天一条，无数据的日子各项为 null")
    notes: list[str] = Field(default_factory=list, description="整列不可用的说明")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def _room_fields(found: RoomDay | None) -> dict:
    if found is None:
        return {"reason": NO_ROLLUP}
    fields = {
        "household_days": found.household_days,
        "valid_household_days": found.valid,
        "compliance_rate": _rate(found.compliant, found.valid),
        "low_rate": _rate(found.low, found.valid),
        "high_rate": _rate(found.high, found.valid),
        "mean_temp_c": finite_or_none(found.mean_temp_c),
    }
    if found.valid == 0:
        fields["reason"] = NO_VALID
    return fields


def _station_fields(found: list[StationDay], areas: dict[str, float | None]) -> dict:
    if not found:
        return {}
    heat = [(item.heat_gj, areas.get(item.station)) for item in found if item.heat_gj is not None]
    with_area = [(gj, area) for gj, area in heat if area]
    interruptions = [item.interruptions for item in found if item.interruptions is not None]
    hours = [item.interruption_hours for item in found if item.interruption_hours is not None]
    return {
        "interruptions": sum(interruptions) if interruptions else None,
        "interruption_hours": sum(hours) if hours else None,
        "heat_gj_per_m2": finite_or_none(
            sum(gj for gj, _ in with_area) / sum(area for _, area in with_area)) if with_area else None,
    }


def build_daily(
    influx: InfluxClient,
    *,
    scope: str,
    code: str,
    name: str | None,
    station_areas: dict[str, float | None],
    date_from: date,
    date_to: date,
    zone: ZoneInfo,
    thresholds: IndicatorThresholds | None = None,
) -> DailyIndicators:
    """Return one entry per day for a unit or a station; ``station_areas`` maps station code to m²."""
    limits = thresholds or IndicatorThresholds()
    rooms = room_days(influx, tag=scope, code=code, first_day=date_from, last_day=date_to, zone=zone,
                      high_temp_c=limits.high_temp_c)
    stations = station_days(influx, tag=scope, code=code, first_day=date_from, last_day=date_to, zone=zone)

    room_by_day = {item.day: item for item in rooms}
    station_by_day: dict[date, list[StationDay]] = defaultdict(list)
    for item in stations:
        station_by_day[item.day].append(item)

    days = [
        DailyIndicator(date=day, **_room_fields(room_by_day.get(day)), **_station_fields(station_by_day[day], station_areas))
        for day in day_range(date_from, date_to)
    ]
    notes = []
    if not stations:
        notes.append(NO_STATION_DATA)
    elif all(item.heat_gj_per_m2 is None for item in days) and any(item.heat_gj is not None for item in stations):
        notes.append(NO_AREA)
    return DailyIndicators(scope=scope, code=code, name=name, date_from=date_from, date_to=date_to,
                           high_temp_c=limits.high_temp_c, compliance_floor_c=limits.compliance_floor_c,
                           days=days, notes=notes)
