"""Known-answer tests of 能耗监测: daily heat from cumulative meters, GJ/m², degree-days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.household_day import day_number
from scoring.indicators import OutdoorDays, StationReadings, daily_heat_from_cumulative, energy_indicators
from scoring.thresholds import IndicatorThresholds

ZONE = ZoneInfo("Asia/Shanghai")
THRESHOLDS = IndicatorThresholds()


def local_ms(day: int, hour: int) -> int:
    return int(datetime(2025, 12, day, hour, tzinfo=ZONE).timestamp() * 1000)


# Station A, cumulative GJ. Steps: 12-01 +0.5; 12-02 +0.5 (23:00→00:00, booked on 12-02),
# +0.5, reset to 0.2 (dropped), +0.5; 12-03 +1.0 (03:00→00:00), 500.0 is a jump of 498.3 GJ
# in one hour (about 138 MW, dropped), then +0.2. Total 3.2 GJ.
A_READINGS = [
    (local_ms(1, 22), 100.0),
    (local_ms(1, 23), 100.5),
    (local_ms(2, 0), 101.0),
    (local_ms(2, 1), 101.5),
    (local_ms(2, 2), 0.2),
    (local_ms(2, 3), 0.7),
    (local_ms(3, 0), 1.7),
    (local_ms(3, 1), 500.0),
    (local_ms(3, 2), 500.2),
]


def build_daily_heat():
    times = [t for t, _ in A_READINGS]
    totals = [v for _, v in A_READINGS]
    size = len(times)
    readings = StationReadings(
        station_ids=["A", "B", "C"],
        station=np.zeros(size, dtype=np.int32),
        time_ms=np.array(times, dtype=np.int64),
        secondary_supply_temp_c=np.full(size, 50.0),
        secondary_return_temp_c=np.full(size, 40.0),
        heat_total_gj=np.array(totals),
    )
    return daily_heat_from_cumulative(readings, ZONE, THRESHOLDS)


def test_daily_heat_with_reset_and_spike():
    daily = build_daily_heat()

    assert daily.day.tolist() == [day_number(date(2025, 12, d)) for d in (1, 2, 3)]
    assert daily.heat_gj.tolist() == pytest.approx([0.5, 1.5, 1.2])
    assert daily.readings.tolist() == [2, 4, 3]
    assert daily.resets.tolist() == [0, 1, 0]
    assert daily.rejected_steps.tolist() == [0, 0, 1]


def test_energy_per_unit():
    outdoor = OutdoorDays.from_dates({date(2025, 12, 1): -2.0, date(2025, 12, 2): -7.0, date(2025, 12, 3): 19.0})
    groups = energy_indicators(
        build_daily_heat(),
        station_group=np.array([0, 0, 0]),
        group_ids=["U1", "U2"],
        station_area_m2=np.array([1000.0, 2000.0, 500.0]),
        has_meter=np.array([True, True, False]),
        received_readings=np.array([9, 0, 0]),
        expected_readings=np.array([10, 10, 10]),
        outdoor=outdoor,
        first_day=date(2025, 12, 1),
        last_day=date(2025, 12, 3),
        thresholds=THRESHOLDS,
    )
    u1, u2 = groups

    assert (u1.stations, u1.metered_stations, u1.reporting_stations) == (3, 2, 1)
    assert u1.heat_gj == pytest.approx(3.2)
    assert u1.reporting_area_m2 == 1000.0
    assert u1.total_area_m2 == 3500.0
    assert u1.heat_per_m2_gj.value == pytest.approx(0.0032)
    # Degree-days, base 18 °C: 20 + 25 + 0 = 45 K·d.
    assert u1.degree_days == 45.0
    assert u1.outdoor_days == 3
    assert u1.heat_per_m2_degree_day_mj.value == pytest.approx(3.2 / 45)
    assert u1.meter_coverage.value == pytest.approx(2 / 3)
    # Online rate counts metered stations only: (9 + 0) / (10 + 10).
    assert u1.online_rate.value == pytest.approx(0.45)
    assert u1.meets_online_minimum is False
    assert (u1.resets, u1.rejected_steps) == (1, 1)
    # U2 has no stations: every rate is None with a reason.
    assert u2.heat_per_m2_gj.value is None
    assert u2.heat_per_m2_degree_day_mj.value is None
    assert u2.meter_coverage.value is None
    assert "没有热力站" in u2.meter_coverage.reason


def test_period_cuts_daily_heat():
    groups = energy_indicators(
        build_daily_heat(),
        np.array([0, 0, 0]),
        ["U1"],
        np.array([1000.0, 2000.0, 500.0]),
        np.array([True, True, False]),
        np.array([9, 0, 0]),
        np.array([10, 10, 10]),
        OutdoorDays.from_dates({}),
        first_day=date(2025, 12, 2),
        last_day=date(2025, 12, 2),
        thresholds=THRESHOLDS,
    )

    assert groups[0].heat_gj == pytest.approx(1.5)
    assert groups[0].degree_days == 0.0
    assert groups[0].heat_per_m2_degree_day_mj.value is None
    assert "采暖度日数为 0" in groups[0].heat_per_m2_degree_day_mj.reason
