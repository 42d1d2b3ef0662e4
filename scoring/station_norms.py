"""The interruption norm carried from one day's station rollup to the next.

The daily station rollup reads only the day and the ``norm_window_h`` before it. During an
outage that fills that history, the norm comes from the ``norm_*`` fields of the previous
day's ``station_day`` instead, so the outage is followed to its end. A norm is carried
only within the official season, only from heating inside the season and for at most
``norm_carry_days`` after that heating ended. So a trial run before the season is not
taken as the norm of the first season days, and the stop after the season ends is not an
interruption.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from scoring.indicators import TrailingNorm
from scoring.rollup import day_window
from scoring.thresholds import IndicatorThresholds, SeasonCalendar, default_season
from storage.influx import InfluxClient

STATION_DAY_MEASUREMENT = "station_day"
NORM_FIELDS = ("norm_supply_temp_c", "norm_flow_m3h", "norm_heated_until_ms")
MS_PER_DAY = 86_400_000
NO_NORM = 0.0  # norm_heated_until_ms of a station-day that ended without a norm
NO_FLOW = -1.0  # norm_flow_m3h of a station without a flow norm


def read_norm_seeds(
    influx: InfluxClient, day: date, zone: ZoneInfo, thresholds: IndicatorThresholds, season: SeasonCalendar
) -> dict[str, TrailingNorm]:
    """Return each station's norm at the end of the previous local day, where it may be carried into this day.

    NOTE: a station with no readings at all on the previous day wrote no station_day, so
    its norm is not carried past that day. And when late readings recompute the previous
    day, this day keeps the norm it started from until it is recomputed itself.
    """
    if not season.official_start <= day <= season.official_end:
        return {}
    start_ms, _ = day_window(day, zone)
    season_start_ms, _ = day_window(season.official_start, zone)
    previous_start_ms, previous_end_ms = day_window(day - timedelta(days=1), zone)

    series = influx.query(
        f"SELECT {', '.join(NORM_FIELDS)} FROM {STATION_DAY_MEASUREMENT} "
        f"WHERE time >= {previous_start_ms}ms AND time < {previous_end_ms}ms GROUP BY station"
    )
    seeds = {}
    for item in series:
        row = dict(zip(item.columns, item.values[-1])) if item.values else {}
        supply, flow = row.get("norm_supply_temp_c"), row.get("norm_flow_m3h")
        heated_until = row.get("norm_heated_until_ms")
        if heated_until is None or supply is None or heated_until < season_start_ms:
            continue
        if start_ms - heated_until > thresholds.norm_carry_days * MS_PER_DAY:
            continue
        seeds[item.tags.get("station", "")] = TrailingNorm(
            supply_temp_c=float(supply),
            flow_m3h=float(flow) if flow is not None and flow >= 0 else float("nan"),
            heated_until_ms=int(heated_until),
        )
    return seeds


def norm_fields(norm: TrailingNorm) -> dict[str, float]:
    """Return the station_day fields that carry the norm into the next day.

    Every field is written, with a sentinel where there is no value, because a recomputed
    station-day overwrites only the fields it writes and an old norm must not survive.
    """
    if norm.heated_until_ms is None or norm.supply_temp_c != norm.supply_temp_c:
        return {"norm_supply_temp_c": 0.0, "norm_flow_m3h": NO_FLOW, "norm_heated_until_ms": NO_NORM}
    return {
        "norm_supply_temp_c": norm.supply_temp_c,
        "norm_flow_m3h": norm.flow_m3h if norm.flow_m3h == norm.flow_m3h else NO_FLOW,
        "norm_heated_until_ms": float(norm.heated_until_ms),
    }


def season_of(day: date) -> SeasonCalendar:
    """Return the customary season (10-15 to 4-15) that the day's heating year belongs to."""
    return default_season(day.year if day.month >= 7 else day.year - 1)
