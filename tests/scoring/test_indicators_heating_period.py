"""Known-answer tests of heated station-days, 按时供热 and 提前供热或延长供热."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.indicators import StationReadings, compute_station_days, early_extended_heating, on_time_heating
from scoring.thresholds import IndicatorThresholds, SeasonCalendar

ZONE = ZoneInfo("Asia/Shanghai")
THRESHOLDS = IndicatorThresholds()
# A short season keeps the expected numbers visible: 10-15 to 10-20, six days.
SEASON = SeasonCalendar(official_start=date(2025, 10, 15), official_end=date(2025, 10, 20))
STATIONS = ["A", "B", "C"]


def hourly_day(station: int, day: date, hot_hours: int) -> list[tuple[int, int, float, float]]:
    """Return 24 hourly readings of one local day, the first ``hot_hours`` of them heated."""
    start = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    rows = []
    for hour in range(24):
        moment = int((start + timedelta(hours=hour)).timestamp() * 1000)
        supply, return_temp = (55.0, 45.0) if hour < hot_hours else (25.0, 24.0)
        rows.append((station, moment, supply, return_temp))
    return rows


def build_station_days():
    rows = []
    # A: a test day on 10-10, then heated 10-13 to 10-22 (2 early days, 2 extended days).
    rows += hourly_day(0, date(2025, 10, 10), 24)
    for offset in range(13, 23):
        rows += hourly_day(0, date(2025, 10, offset), 24)
    # B: cold on 10-15, heated 10-16 to 10-19, cold on 10-20: one day late, one day early stop.
    rows += hourly_day(1, date(2025, 10, 15), 0)
    for offset in range(16, 20):
        rows += hourly_day(1, date(2025, 10, offset), 24)
    rows += hourly_day(1, date(2025, 10, 20), 0)
    # C: 10-15 has 19 of 24 hot hours (79 %, not heated), 10-16 has 20 (exactly 80 %, heated);
    # heated to 10-18, then no data on 10-19 and 10-20.
    rows += hourly_day(2, date(2025, 10, 15), 19)
    rows += hourly_day(2, date(2025, 10, 16), 20)
    rows += hourly_day(2, date(2025, 10, 17), 24)
    rows += hourly_day(2, date(2025, 10, 18), 24)

    station, time_ms, supply, return_temp = zip(*rows, strict=True)
    readings = StationReadings(
        station_ids=STATIONS,
        station=np.array(station, dtype=np.int32),
        time_ms=np.array(time_ms, dtype=np.int64),
        secondary_supply_temp_c=np.array(supply),
        secondary_return_temp_c=np.array(return_temp),
    )
    return compute_station_days(readings, ZONE, THRESHOLDS)


@pytest.fixture(scope="module")
def station_days():
    return build_station_days()


def test_heated_share_boundary(station_days):
    c = station_days.station == 2

    assert station_days.heating_readings[c].tolist() == [19, 20, 24, 24]
    assert station_days.heated[c].tolist() == [False, True, True, True]


def test_station_on_time(station_days):
    a = on_time_heating(station_days, SEASON, THRESHOLDS).stations[0]

    assert a.first_heated_day == date(2025, 10, 10)
    assert a.established_day == date(2025, 10, 15)
    assert a.days_late == 0
    assert a.days_stopped_early == 0
    assert a.heated_days_in_season == 6
    assert a.on_time is True


def test_station_one_day_late(station_days):
    b = on_time_heating(station_days, SEASON, THRESHOLDS).stations[1]

    assert b.established_day == date(2025, 10, 16)
    assert b.days_late == 1
    assert b.last_heated_day == date(2025, 10, 19)
    assert b.days_stopped_early == 1
    assert b.stopped_early_days_without_data == 0
    assert b.on_time is False


def test_stop_without_data(station_days):
    c = on_time_heating(station_days, SEASON, THRESHOLDS).stations[2]

    assert c.days_late == 1
    assert c.days_stopped_early == 2
    assert c.stopped_early_days_without_data == 2
    assert c.season_days_without_data == 2


def test_summary_counts(station_days):
    summary = on_time_heating(station_days, SEASON, THRESHOLDS)

    assert summary.late_stations == 2
    assert summary.late_station_days == 2
    assert summary.early_stop_stations == 2
    assert summary.early_stop_station_days == 3


def test_running_season_skips_stop(station_days):
    summary = on_time_heating(station_days, SEASON, THRESHOLDS, through=date(2025, 10, 17))
    b = summary.stations[1]

    assert b.season_days_evaluated == 3
    assert b.days_late == 1
    assert b.days_stopped_early is None


def test_established_needs_run(station_days):
    # With three consecutive days required, C (heated 10-16 to 10-18) still opens on 10-16.
    three_days = IndicatorThresholds(heating_established_days=3)
    summary = on_time_heating(station_days, SEASON, three_days)

    assert summary.stations[2].established_day == date(2025, 10, 16)
    assert summary.stations[1].established_day == date(2025, 10, 16)


def test_early_and_extended(station_days):
    a, b, c = early_extended_heating(station_days, SEASON)

    assert a.early_days == 2
    assert a.heated_days_before_start == 3
    assert a.extended_days == 2
    assert a.heated_days_after_end == 2
    assert (b.early_days, b.extended_days) == (0, 0)
    assert (c.heated_days_before_start, c.heated_days_after_end) == (0, 0)
