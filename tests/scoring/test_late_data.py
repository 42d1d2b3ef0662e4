"""Late readings and missed days reach the rollups through the real InfluxDB."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from scoring.compliance import unit_compliance
from scoring.household_day import day_number, local_day_start_ms
from scoring.jobs import RollupState, run_daily_rollup, state_path
from scoring.late_data import check_day, checkable_days
from settings import Settings
from storage.influx import InfluxClient
from storage.points import Point, to_line

pytestmark = pytest.mark.services

ZONE = ZoneInfo("Asia/Shanghai")
HOUR_MS = 3_600_000


def write_room_hours(settings: Settings, unit: str, day: date, hours: range, temp_c: float = 20.0) -> None:
    """Write one household's readings every 15 minutes over the given local hours of a day."""
    tags = {"unit": unit, "station": f"{unit}-S1", "device": f"{unit}-R1", "household": f"{unit}-H1"}
    start = local_day_start_ms(day_number(day), ZONE)
    points = [
        Point("room_reading", tags, {"temp_c": temp_c, "sensor_fault": 0.0}, start + hour * HOUR_MS + quarter * 900_000)
        for hour in hours for quarter in range(4)
    ]
    with InfluxClient.from_settings(settings) as influx:
        influx.write_lines([to_line(point) for point in points])


def compliance_of(settings: Settings, unit: str, day: date) -> float | None:
    """Return the unit's 室温达标率 of one day from the household_day rollup."""
    with InfluxClient.from_settings(settings) as influx:
        found = unit_compliance(influx, day, day, ZONE).get(unit)
    return found.rate if found else None


def test_late_reading_recomputes_day(service_settings: Settings) -> None:
    unit = f"L{uuid.uuid4().hex[:6]}"
    day = date(2031, 1, 10)
    write_room_hours(service_settings, unit, day, range(0, 16))  # 64 of 96: not a valid household-day
    run_daily_rollup(service_settings, today=day + timedelta(days=1))
    assert compliance_of(service_settings, unit, day) is None

    write_room_hours(service_settings, unit, day, range(16, 24))  # the gateway uploads its backlog
    with InfluxClient.from_settings(service_settings) as influx:
        before = check_day(influx, day, ZONE)
    assert before.room_dirty

    run_daily_rollup(service_settings, today=day + timedelta(days=2))
    assert compliance_of(service_settings, unit, day) == 1.0
    with InfluxClient.from_settings(service_settings) as influx:
        assert not check_day(influx, day, ZONE).room_dirty
    assert RollupState.load(state_path(service_settings)).dirty_room == set()


def test_missed_days_caught_up(service_settings: Settings) -> None:
    unit = f"M{uuid.uuid4().hex[:6]}"
    first = date(2031, 2, 10)
    for offset in range(5):
        write_room_hours(service_settings, unit, first + timedelta(days=offset), range(24))
    state = RollupState(state_path(service_settings), last_day=first)
    state.save()

    # The scheduler was down for three nights; the next run rolls up 02-11 to 02-14.
    run_daily_rollup(service_settings, today=first + timedelta(days=5))

    document = json.loads(state_path(service_settings).read_text("utf-8"))
    assert document["last_day"] == "2031-02-14"
    assert compliance_of(service_settings, unit, first) is None
    for offset in range(1, 5):
        assert compliance_of(service_settings, unit, first + timedelta(days=offset)) == 1.0


def test_checkable_days_within_retention() -> None:
    days = checkable_days(date(2031, 3, 9), date(2031, 3, 10), raw_retention_days=3)
    assert days == [date(2031, 3, 7), date(2031, 3, 8), date(2031, 3, 9)]
    assert checkable_days(date(2031, 3, 1), date(2031, 3, 10), raw_retention_days=3) == []
