"""Season indicators from real InfluxDB rollups, with hand-computed answers.

A six-day season (2030-11-01 to 2030-11-06) of one heating unit with hourly readings:
- S1 (10,000 m²) heats throughout but is interrupted for 3 h, 5 h, 9 h and 30 h, the
  30-hour outage running from 11-04 12:00 across midnight to 11-05 18:00;
- S2 (10,000 m²) starts one day late (cold on 11-01) and its device misses the last
  12 readings of 11-06;
- 11-03 is extreme cold (outdoor −20 °C, design −16.6 °C) and is excluded;
- H1 (S1) keeps 20 °C but its sensor flags 20 of 24 readings as faults on 11-02;
- H2 (S1) keeps 19 °C except 17 °C on 11-04, with readings at 23:30 and 00:30 around
  local midnight that a UTC day would put together;
- H3 (S2) keeps 25 °C; H4 (S1, self-regulating) keeps 10 °C and is excluded.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scoring.household_day import day_number, local_day_start_ms
from scoring.jobs import roll_up_range
from scoring.season import compute_season_report, unit_daily_series
from settings import Settings
from storage.influx import InfluxClient
from storage.points import Point, to_line
from storage.registry import (
    create_device,
    create_heating_unit,
    create_household,
    create_season,
    create_station,
    session_scope,
    upgrade_database,
)

pytestmark = pytest.mark.services

ZONE = ZoneInfo("Asia/Shanghai")
START = date(2030, 11, 1)
END = date(2030, 11, 6)
COLD_DAY = date(2030, 11, 3)
HOUR_MS = 3_600_000
THRESHOLDS = {"room_interval_min": 60, "station_interval_min": 60, "heated_reading_share": 0.2}
# S1 outages as (local day, first abnormal hour, hours).
OUTAGES = [(date(2030, 11, 1), 2, 3), (date(2030, 11, 1), 12, 5), (date(2030, 11, 2), 6, 9), (date(2030, 11, 4), 12, 30)]


def hour_ms(day: date, hour: float) -> int:
    """Return the UTC milliseconds of a local hour of a day."""
    return local_day_start_ms(day_number(day), ZONE) + int(hour * HOUR_MS)


def season_days(first: date, last: date) -> list[date]:
    """Return every day from first to last inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def room_points(unit: str, station: str, household: str, day: date, temp_c: float, faults: int = 0) -> list[Point]:
    """Return 24 hourly readings at half past each local hour; the first ``faults`` are flagged."""
    tags = {"unit": unit, "station": station, "device": f"R-{household}", "household": household}
    return [
        Point("room_reading", tags, {"temp_c": temp_c, "sensor_fault": float(hour < faults)}, hour_ms(day, hour + 0.5))
        for hour in range(24)
    ]


def station_points(unit: str, station: str, days: list[date], off: set[int], missing: set[int]) -> list[Point]:
    """Return hourly station readings; hours in ``off`` are cold, hours in ``missing`` absent."""
    tags = {"unit": unit, "station": station, "device": f"D-{station}"}
    points = []
    total = 1000.0
    for day in days:
        for hour in range(24):
            moment = hour_ms(day, hour)
            total += 1.0
            if moment in missing:
                continue
            supply, back = (35.0, 34.0) if moment in off else (60.0, 45.0)
            outdoor = -20.0 if day == COLD_DAY else -5.0
            fields = {"secondary_supply_temp_c": supply, "secondary_return_temp_c": back, "flow_m3h": 100.0,
                      "heat_total_gj": total, "outdoor_temp_c": outdoor}
            points.append(Point("station_reading", tags, fields, moment))
    return points


def outage_hours(outages: list[tuple[date, int, int]]) -> set[int]:
    """Return the UTC milliseconds of every abnormal hourly reading."""
    return {hour_ms(day, first) + i * HOUR_MS for day, first, hours in outages for i in range(hours)}


@pytest.fixture
def season_world(service_settings: Settings) -> tuple[Settings, str, str]:
    """Register the unit and season, write the readings and roll up 10-31 to 11-06."""
    upgrade_database(service_settings.database_url)
    unit = f"U{uuid.uuid4().hex[:6]}"
    s1, s2 = f"{unit}-S1", f"{unit}-S2"
    with session_scope(service_settings.database_url) as session:
        create_heating_unit(session, code=unit, name="测试供热单位", actor="test")
        for station in (s1, s2):
            create_station(session, code=station, unit_code=unit, name=station, heated_area_m2=10_000,
                           household_count=10, actor="test")
            create_device(session, code=f"D-{station}", kind="station", station_code=station, actor="test")
        for household, station in (("H1", s1), ("H2", s1), ("H3", s2)):
            create_household(session, code=f"{unit}-{household}", station_code=station, measured=True, actor="test")
        create_household(session, code=f"{unit}-H4", station_code=s1, measured=True, excluded=True,
                         exclusion_reason="self_regulating", actor="test")
        create_season(session, code="2030-2031", official_start=START, official_end=END, rubric_version="baotou-2024",
                      thresholds=THRESHOLDS, actor="test")

    days = season_days(START - timedelta(days=1), END)
    points = station_points(unit, s1, days, outage_hours(OUTAGES), set())
    s2_cold = {hour_ms(day, h) for day in days[:2] for h in range(24)}
    s2_missing = {hour_ms(END, h) for h in range(12, 24)}
    points += station_points(unit, s2, days, s2_cold, s2_missing)
    for day in season_days(START, END):
        points += room_points(unit, s1, f"{unit}-H1", day, 20.0, faults=20 if day == date(2030, 11, 2) else 0)
        points += room_points(unit, s1, f"{unit}-H2", day, 17.0 if day == date(2030, 11, 4) else 19.0)
        points += room_points(unit, s2, f"{unit}-H3", day, 25.0)
        points += room_points(unit, s1, f"{unit}-H4", day, 10.0)
    with InfluxClient.from_settings(service_settings) as influx:
        influx.write_lines([to_line(point) for point in points])

    roll_up_range(service_settings, days[0], days[-1])
    return service_settings, unit, "2030-2031"


def test_season_indicators_known_answers(season_world: tuple[Settings, str, str]) -> None:
    settings, unit, season = season_world
    with session_scope(settings.database_url) as session:
        report = compute_season_report(settings, session, season)
    values = {code: item.value for code, item in report.snapshots[unit].values.items()}

    assert report.cold_days == (COLD_DAY,)
    # 15 household-days off the cold day; H1's fault day is invalid; H2's 11-04 is low; H3 is high.
    assert values["room_compliance_rate"] == pytest.approx(13 / 14)
    assert values["low_temp_rate"] == pytest.approx(1 / 14)
    assert values["high_temp_rate"] == pytest.approx(5 / 14)
    assert values["comfort_rate"] == pytest.approx(4 / 14)
    assert values["room_compliance_household_rate"] == pytest.approx(2 / 3)
    assert values["measured_household_ratio"] == pytest.approx(3 / 20)


def test_season_station_indicators(season_world: tuple[Settings, str, str]) -> None:
    settings, unit, season = season_world
    with session_scope(settings.database_url) as session:
        report = compute_season_report(settings, session, season)
    values = {code: item.value for code, item in report.snapshots[unit].values.items()}

    assert values["late_station_days"] == 1
    assert values["early_stop_station_days"] == 0
    assert values["early_or_extended_days"] == 1  # S1 heated on 10-31
    assert values["interruptions_4h"] == 3
    assert values["interruptions_8h"] == 2
    assert values["interruptions_24h"] == 1
    assert values["interruption_index"] == pytest.approx(47 * 10_000 / (6 * 24 * 20_000))
    assert values["long_low_temp"] == 0


def test_season_energy_and_completeness(season_world: tuple[Settings, str, str]) -> None:
    settings, unit, season = season_world
    with session_scope(settings.database_url) as session:
        report = compute_season_report(settings, session, season)
    values = {code: item.value for code, item in report.snapshots[unit].values.items()}

    # 1 GJ per hour; the step into 11-01 comes from 10-31, and S2 books nothing after 11-06 11:00.
    assert values["heat_per_m2_gj"] == pytest.approx(276 / 20_000)
    assert values["heat_per_hdd_gj_m2"] == pytest.approx(276 / 20_000 / (5 * 23 + 38))
    assert values["meter_coverage"] == 1.0
    assert values["meter_online_rate"] == pytest.approx(276 / 288)
    assert values["data_completeness"] == pytest.approx(276 / 288)


def test_season_series_per_day(season_world: tuple[Settings, str, str]) -> None:
    settings, unit, season = season_world
    with session_scope(settings.database_url) as session:
        series = unit_daily_series(settings, session, season, unit)[unit]

    assert [day.day for day in series] == season_days(START, END)
    by_day = {day.day: day for day in series}
    assert by_day[date(2030, 11, 4)].low_rate == pytest.approx(1 / 3)
    assert by_day[date(2030, 11, 5)].compliance_rate == 1.0
    assert by_day[date(2030, 11, 2)].valid_household_days == 2
    assert by_day[COLD_DAY].extreme_cold
    assert by_day[date(2030, 11, 4)].interruption_hours == pytest.approx(12)
    assert by_day[date(2030, 11, 5)].interruption_hours == pytest.approx(18)
    assert by_day[date(2030, 11, 1)].heat_per_m2_gj == pytest.approx(48 / 20_000)


def test_household_day_straddling_midnight(season_world: tuple[Settings, str, str]) -> None:
    settings, unit, _season = season_world
    with InfluxClient.from_settings(settings) as influx:
        series = influx.query(
            f"SELECT mean_temp_c, readings FROM household_day WHERE \"household\" = '{unit}-H2' "
            f"AND time >= {hour_ms(date(2030, 11, 4), 0)}ms AND time < {hour_ms(date(2030, 11, 6), 0)}ms"
        )
    rows = series[0].values
    assert [datetime.fromtimestamp(row[0] / 1000, UTC).astimezone(ZONE).date() for row in rows] == [
        date(2030, 11, 4), date(2030, 11, 5)]
    assert [row[1] for row in rows] == [17.0, 19.0]
    assert [row[2] for row in rows] == [24, 24]
