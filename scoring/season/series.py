"""Daily series per heating unit for charts: 室温达标率, 低温率, 高温率, interruptions and heat per m².

The series come from the ``unit_day``, ``station_day`` and ``outdoor_day`` rollups, so a
chart of a whole season costs a few small queries however many households there are.
Households the registry excludes are subtracted with one extra query per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from scoring.household_day import day_from_number, day_number, local_day_numbers
from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT, UNIT_DAY_MEASUREMENT
from scoring.season.indicators import season_window
from scoring.season.registry_view import load_registry_view, load_season, season_calendar, season_thresholds
from scoring.season.rollup_reader import chunks, window_clause, read_outdoor, read_station_days
from scoring.thresholds import IndicatorThresholds
from settings import Settings
from storage.influx import InfluxClient

EXCLUDED_PER_QUERY = 200


@dataclass(frozen=True, slots=True)
class UnitDay:
    """One heating unit on one local day; a rate is None when nothing backs it."""

    day: date
    household_days: int
    valid_household_days: int
    compliance_rate: float | None  # 室温达标率
    low_rate: float | None  # 低温率
    high_rate: float | None  # 高温率
    interruption_pieces: int  # interruption pieces of the day; an outage across midnight has two
    interruption_hours: float
    heat_gj: float | None
    heat_per_m2_gj: float | None  # heat of the reporting stations ÷ their heated area
    outdoor_mean_c: float | None  # city outdoor daily mean
    extreme_cold: bool  # excluded from the season's room-temperature indicators (the day's rates still show)


def unit_daily_series(
    settings: Settings, session: Session, season_code: str, unit_code: str | None = None,
    through: date | None = None,
) -> dict[str, list[UnitDay]]:
    """Return each unit's daily series over the season (or one unit's), oldest day first."""
    season = load_season(session, season_code)
    thresholds = season_thresholds(season)
    window = season_window(season_calendar(season), through)
    zone = ZoneInfo(settings.timezone)
    view = load_registry_view(session)
    units = [unit_code] if unit_code is not None else view.unit_codes

    with InfluxClient.from_settings(settings) as influx:
        room = _read_unit_days(influx, window.start, window.end, zone)
        excluded = [code for code, flag in zip(view.household_codes, view.household_excluded, strict=True) if flag]
        _subtract_excluded(influx, room, excluded, window.start, window.end, zone, thresholds)
        stations = read_station_days(influx, view, window.start, window.end, zone)
        outdoor = read_outdoor(influx, window.start, window.end, zone)

    outdoor_by_day = dict(zip(outdoor.day.tolist(), outdoor.mean_temp_c.tolist()))
    series: dict[str, list[UnitDay]] = {}
    for unit in units:
        unit_index = view.unit_codes.index(unit) if unit in view.unit_codes else -1
        own = view.station_unit[stations.station] == unit_index if stations.station.size else np.zeros(0, bool)
        days = []
        for number in range(day_number(window.start), day_number(window.end) + 1):
            counts = room.get((unit, number), {})
            today = own & (stations.day == number)
            heat = stations.fields["heat_gj"][today]
            reporting = np.isfinite(heat)
            area = float(view.station_area_m2[stations.station[today][reporting]].sum())
            outdoor_mean = outdoor_by_day.get(number)
            valid = int(counts.get("valid", 0))
            days.append(UnitDay(
                day=day_from_number(number),
                household_days=int(counts.get("households", 0)),
                valid_household_days=valid,
                compliance_rate=_share(counts.get("compliant", 0), valid),
                low_rate=_share(counts.get("low", 0), valid),
                high_rate=_share(counts.get("high", 0), valid),
                interruption_pieces=int(np.nansum(stations.fields["interruptions"][today])),
                interruption_hours=float(np.nansum(stations.fields["interruption_hours"][today])),
                heat_gj=float(heat[reporting].sum()) if reporting.any() else None,
                heat_per_m2_gj=float(heat[reporting].sum()) / area if reporting.any() and area > 0 else None,
                outdoor_mean_c=outdoor_mean,
                extreme_cold=outdoor_mean is not None and outdoor_mean < thresholds.design_outdoor_temp_c,
            ))
        series[unit] = days
    return series


def _subtract_excluded(
    influx: InfluxClient, room: dict[tuple[str, int], dict], households: list[str], first_day: date, last_day: date,
    zone: ZoneInfo, thresholds: IndicatorThresholds,
) -> None:
    """Remove the household-days of households the registry excludes from the unit-day counts."""
    # NOTE: one condition per excluded household; thousands of them make a long query text.
    for offset in range(0, len(households), EXCLUDED_PER_QUERY):
        condition = " OR ".join(f"\"household\" = '{code}'" for code in households[offset: offset + EXCLUDED_PER_QUERY])
        for start, end in chunks(first_day, last_day):
            for item in influx.query(
                f"SELECT valid, compliant, mean_temp_c FROM {HOUSEHOLD_DAY_MEASUREMENT} "
                f"WHERE {window_clause(start, end, zone)} AND ({condition}) GROUP BY unit"
            ):
                for time_ms, valid, compliant, mean in item.values:
                    day = int(local_day_numbers(np.array([time_ms], dtype=np.int64), zone)[0])
                    counts = room.get((item.tags.get("unit", ""), day))
                    if counts is None:
                        continue
                    rounded = round(mean, 2) if mean is not None else None
                    counts["households"] = counts.get("households", 0) - 1
                    counts["valid"] = counts.get("valid", 0) - (valid or 0)
                    counts["compliant"] = counts.get("compliant", 0) - (compliant or 0)
                    counts["low"] = counts.get("low", 0) - ((valid or 0) and not compliant)
                    counts["high"] = counts.get("high", 0) - bool(valid and rounded is not None
                                                                   and rounded > thresholds.high_temp_c)


def _share(part: float, whole: int) -> float | None:
    return float(part) / whole if whole > 0 else None


def _read_unit_days(influx: InfluxClient, first_day: date, last_day: date, zone: ZoneInfo) -> dict[tuple[str, int], dict]:
    found: dict[tuple[str, int], dict] = {}
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT households, valid, compliant, low, high FROM {UNIT_DAY_MEASUREMENT} "
            f"WHERE {window_clause(start, end, zone)} GROUP BY unit"
        ):
            for row in item.values:
                values = dict(zip(item.columns, row))
                day = int(local_day_numbers(np.array([values["time"]], dtype=np.int64), zone)[0])
                found[(item.tags.get("unit", ""), day)] = {k: v or 0 for k, v in values.items() if k != "time"}
    return found
