"""Boundary checks of household-day means that the indicators rely on."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from scoring.household_day import RoomReadings, compute_household_days
from scoring.indicators import OutdoorDays, room_temperature_indicators
from scoring.thresholds import IndicatorThresholds

ZONE = ZoneInfo("Asia/Shanghai")
THRESHOLDS = IndicatorThresholds(room_interval_min=360)  # four expected readings, three needed


def readings_of(values: list[float]) -> RoomReadings:
    """Return one household's readings, one every six hours from 02:00 local on 2025-01-06."""
    times = [int(datetime(2025, 1, 6, 2 + 6 * i, tzinfo=ZONE).timestamp() * 1000) for i in range(len(values))]
    return RoomReadings(
        household_ids=["H1"],
        household=np.zeros(len(values), dtype=np.int32),
        time_ms=np.array(times, dtype=np.int64),
        temp_c=np.array(values),
        sensor_fault=np.zeros(len(values), dtype=bool),
    )


def test_decimal_mean_at_floor_is_compliant():
    # 17.2, 17.9 and 18.9 sum to 54.0, but the binary mean is 17.999999999999996.
    days = compute_household_days(readings_of([17.2, 17.9, 18.9]), ZONE, THRESHOLDS)

    assert days.compliant.tolist() == [True]


def judge(values: list[float]):
    days = compute_household_days(readings_of(values), ZONE, THRESHOLDS)
    outdoor = OutdoorDays.from_dates({date(2025, 1, 6): -5.0})
    return room_temperature_indicators(days, np.array([0]), ["H1"], np.array([False]), outdoor, THRESHOLDS).groups[0]


def test_decimal_mean_at_upper_limit_not_high():
    # The four readings sum to 96.0, but the binary mean is 24.000000000000004.
    group = judge([23.0, 23.7, 24.6, 24.7])

    assert group.high_days == 0
    assert group.comfort_days == 1


def test_decimal_mean_at_comfort_floor():
    # The three readings sum to 60.0, but the binary mean is 19.999999999999996.
    group = judge([19.2, 19.9, 20.9])

    assert group.comfort_days == 1
