"""Late-data check: find rolled-up days whose raw readings changed after the rollup.

For each day still inside the raw-retention window, one aggregate query per raw
measurement counts the day's readings, and one query per rollup measurement sums the
counts the rollup stored. A difference means readings arrived (or were rewritten) after
the rollup, so the day is dirty and the next run recomputes it. A station day that is
dirty also makes the next day dirty, because its last readings feed the next day's heat
step and interruption norm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT, ROOM_MEASUREMENT, day_window
from scoring.station_rollup import STATION_DAY_MEASUREMENT, STATION_MEASUREMENT
from storage.influx import InfluxClient

logger = logging.getLogger(__name__)

# InfluxDB 3 Core answers raw queries over about 72 hours, so older days cannot be checked.
DEFAULT_RAW_RETENTION_DAYS = 3


@dataclass(frozen=True, slots=True)
class DayCheck:
    """Raw reading counts of one day beside the counts its rollups stored."""

    day: date
    room_raw: int
    room_rolled_up: int
    station_raw: tuple[int, int]  # supply readings, heat-meter readings
    station_rolled_up: tuple[int, int]

    @property
    def room_dirty(self) -> bool:
        """Return True when the room rollup misses readings or counts ones that are gone."""
        return self.room_raw != self.room_rolled_up

    @property
    def station_dirty(self) -> bool:
        """Return True when the station rollup misses readings or counts ones that are gone."""
        return self.station_raw != self.station_rolled_up


def checkable_days(last_rolled_up: date, today: date, raw_retention_days: int) -> list[date]:
    """Return the rolled-up days whose raw readings are still inside the retention window."""
    first = today - timedelta(days=raw_retention_days)
    days = []
    day = first
    while day <= last_rolled_up:
        days.append(day)
        day += timedelta(days=1)
    return days


def check_day(influx: InfluxClient, day: date, zone: ZoneInfo) -> DayCheck:
    """Count one day's raw readings and the readings its rollups account for."""
    start_ms, end_ms = day_window(day, zone)
    window = f"time >= {start_ms}ms AND time < {end_ms}ms"

    room_raw = _numbers(influx, f"SELECT count(temp_c) AS n FROM {ROOM_MEASUREMENT} WHERE {window}", ("n",))
    room_rolled = _numbers(influx, f"SELECT sum(readings) AS n FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE {window}", ("n",))
    station_raw = _numbers(
        influx,
        f"SELECT count(secondary_supply_temp_c) AS supply, count(heat_total_gj) AS heat "
        f"FROM {STATION_MEASUREMENT} WHERE {window}",
        ("supply", "heat"),
    )
    station_rolled = _numbers(
        influx,
        f"SELECT sum(supply_readings) AS supply, sum(heat_readings) AS heat FROM {STATION_DAY_MEASUREMENT} WHERE {window}",
        ("supply", "heat"),
    )
    return DayCheck(day, room_raw[0], room_rolled[0], (station_raw[0], station_raw[1]),
                    (station_rolled[0], station_rolled[1]))


def find_dirty_days(influx: InfluxClient, days: list[date], zone: ZoneInfo) -> tuple[set[date], set[date]]:
    """Return the days whose room rollup and whose station rollup need recomputing."""
    room: set[date] = set()
    station: set[date] = set()
    for day in days:
        found = check_day(influx, day, zone)
        if found.room_dirty:
            logger.info("room readings of %s changed after the rollup: %d raw, %d rolled up",
                        day, found.room_raw, found.room_rolled_up)
            room.add(day)
        if found.station_dirty:
            logger.info("station readings of %s changed after the rollup: %s raw, %s rolled up",
                        day, found.station_raw, found.station_rolled_up)
            station.add(day)
            if day + timedelta(days=1) <= days[-1]:
                station.add(day + timedelta(days=1))
    return room, station


def _numbers(influx: InfluxClient, statement: str, names: tuple[str, ...]) -> list[int]:
    series = influx.query(statement)
    if not series or not series[0].values:
        return [0] * len(names)
    row = dict(zip(series[0].columns, series[0].values[0]))
    return [int(row.get(name) or 0) for name in names]
