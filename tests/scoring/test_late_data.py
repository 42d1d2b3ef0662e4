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


def test_late_reading_changes_season_figure(service_settings: Settings) -> None:
    from scoring.season import compute_season_indicators
    from storage.registry import create_heating_unit, create_household, create_season, create_station, session_scope
    from storage.registry import upgrade_database

    unit = f"S{uuid.uuid4().hex[:6]}"
    first, second = date(2031, 3, 1), date(2031, 3, 2)
    url = service_settings.database_url
    upgrade_database(url)
    with session_scope(url) as session:
        create_heating_unit(session, code=unit, name="迟到数据单位", actor="test")
        create_station(session, code=f"{unit}-S1", unit_code=unit, name="一站", household_count=1, actor="test")
        create_household(session, code=f"{unit}-H1", station_code=f"{unit}-S1", measured=True, actor="test")
        create_season(session, code="2030-2031", official_start=first, official_end=second,
                      rubric_version="baotou-2024", actor="test")
    write_room_hours(service_settings, unit, first, range(24), temp_c=20.0)
    write_room_hours(service_settings, unit, second, range(0, 16), temp_c=20.0)  # 64 of 96: invalid for now

    def season_rate() -> float | None:
        with session_scope(url) as session:
            return compute_season_indicators(service_settings, session, "2030-2031")[unit].get("room_compliance_rate").value

    run_daily_rollup(service_settings, today=second + timedelta(days=1))
    assert season_rate() == 1.0  # one valid, compliant household-day

    # The backlog of the second day arrives cold: (64 × 20 + 32 × 10) ÷ 96 = 16.67 °C.
    write_room_hours(service_settings, unit, second, range(16, 24), temp_c=10.0)
    assert season_rate() == 1.0  # nothing changes until the next run

    run_daily_rollup(service_settings, today=second + timedelta(days=2))
    assert season_rate() == 0.5  # now two valid household-days, one compliant
