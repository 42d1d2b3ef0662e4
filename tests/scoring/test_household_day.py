from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.household_day import (
    RoomReadings,
    compute_household_days,
    day_from_number,
    day_number,
    local_day_numbers,
    local_day_start_ms,
    round_to_hundredth,
)
from scoring.thresholds import IndicatorThresholds

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Four readings a day make the arithmetic visible: 6-hour interval, 3 of 4 needed.
FOUR_A_DAY = IndicatorThresholds(room_interval_min=360, min_day_coverage=0.75)


def ms(year, month, day, hour, minute=0, zone=SHANGHAI):
    return int(datetime(year, month, day, hour, minute, tzinfo=zone).timestamp() * 1000)


def readings(rows, households=("H1", "H2")):
    return RoomReadings(
        household_ids=list(households),
        household=np.array([row[0] for row in rows], dtype=np.int32),
        time_ms=np.array([row[1] for row in rows], dtype=np.int64),
        temp_c=np.array([row[2] for row in rows], dtype=np.float64),
        sensor_fault=np.array([row[3] if len(row) > 3 else False for row in rows], dtype=bool),
    )


def test_local_midnight_splits_days():
    before = ms(2026, 1, 5, 23, 45)  # 15:45 UTC on Jan 5
    after = ms(2026, 1, 6, 0, 15)  # 16:15 UTC on Jan 5, already Jan 6 in Shanghai

    days = local_day_numbers(np.array([before, after], dtype=np.int64), SHANGHAI)

    assert [day_from_number(d) for d in days] == [date(2026, 1, 5), date(2026, 1, 6)]


def test_day_start_is_local_midnight_in_utc():
    start = local_day_start_ms(day_number(date(2026, 1, 6)), SHANGHAI)

    assert start == int(datetime(2026, 1, 5, 16, 0, tzinfo=timezone.utc).timestamp() * 1000)


def test_daily_mean_and_compliance_by_hand():
    rows = [
        (0, ms(2026, 1, 5, 0), 17.0),
        (0, ms(2026, 1, 5, 6), 18.0),
        (0, ms(2026, 1, 5, 12), 19.0),
        (0, ms(2026, 1, 5, 18), 20.0),  # mean 18.5: compliant
        (1, ms(2026, 1, 5, 0), 17.0),
        (1, ms(2026, 1, 5, 6), 17.5),
        (1, ms(2026, 1, 5, 12), 18.0),
        (1, ms(2026, 1, 5, 18), 18.5),  # mean 17.75: not compliant
    ]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert list(days.household) == [0, 1]
    assert days.mean_temp_c.tolist() == [18.5, 17.75]
    assert days.valid.tolist() == [True, True]
    assert days.compliant.tolist() == [True, False]


def test_exactly_eighteen_is_compliant():
    rows = [(0, ms(2026, 1, 5, hour), 18.0) for hour in (0, 6, 12, 18)]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert days.compliant.tolist() == [True]


def test_mean_exactly_half_way_rounds_up():
    # 17.99 and 18.00 average to exactly 17.995; float summation gives 17.994999999999997.
    rows = [(0, ms(2026, 1, 5, hour), temp) for hour, temp in ((0, 17.99), (6, 18.0), (12, 17.99), (18, 18.0))]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert days.compliant.tolist() == [True]


def test_mean_just_below_half_way_is_not_compliant():
    rows = [(0, ms(2026, 1, 5, hour), temp) for hour, temp in ((0, 17.99), (6, 18.0), (12, 17.99), (18, 17.99))]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert days.compliant.tolist() == [False]


def test_round_to_hundredth_tie_noise():
    assert round_to_hundredth(17.994999999999997) == 18.0
    assert round_to_hundredth(17.995000000000001) == 18.0
    assert round_to_hundredth(17.9949) == 17.99
    assert round_to_hundredth(24.0049) == 24.0
    assert np.isnan(round_to_hundredth(np.nan))


def test_readings_straddling_midnight_form_two_household_days():
    rows = [
        (0, ms(2026, 1, 5, 12), 20.0),
        (0, ms(2026, 1, 5, 18), 20.0),
        (0, ms(2026, 1, 5, 23, 59), 20.0),
        (0, ms(2026, 1, 6, 0, 0), 10.0),  # local midnight belongs to the new day
        (0, ms(2026, 1, 6, 6), 10.0),
        (0, ms(2026, 1, 6, 12), 10.0),
    ]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert [day_from_number(d) for d in days.day] == [date(2026, 1, 5), date(2026, 1, 6)]
    assert days.mean_temp_c.tolist() == [20.0, 10.0]
    assert days.compliant.tolist() == [True, False]


def test_faults_and_implausible_values_excluded_and_counted():
    rows = [
        (0, ms(2026, 1, 5, 0), 19.0),
        (0, ms(2026, 1, 5, 6), 19.0),
        (0, ms(2026, 1, 5, 12), 45.0),  # sensor on a radiator: implausible
        (0, ms(2026, 1, 5, 18), 19.0),
        (0, ms(2026, 1, 5, 21), 2.0, True),  # flagged fault
    ]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert days.readings.tolist() == [5]
    assert days.usable_readings.tolist() == [3]
    assert days.fault_readings.tolist() == [1]
    assert days.implausible_readings.tolist() == [1]
    assert days.mean_temp_c.tolist() == [19.0]
    assert days.coverage.tolist() == [0.75]
    assert days.valid.tolist() == [True]


def test_sparse_day_is_invalid_not_cold():
    rows = [(0, ms(2026, 1, 5, 0), 12.0), (0, ms(2026, 1, 5, 6), 12.0)]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert days.coverage.tolist() == [0.5]
    assert days.valid.tolist() == [False]
    assert days.compliant.tolist() == [False]


def test_day_of_only_faults_has_no_mean():
    rows = [(0, ms(2026, 1, 5, hour), 19.0, True) for hour in (0, 6, 12, 18)]

    days = compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY)

    assert np.isnan(days.mean_temp_c[0])
    assert days.valid.tolist() == [False]


def test_tolerance_lowers_the_floor():
    rows = [(0, ms(2026, 1, 5, hour), 17.6) for hour in (0, 6, 12, 18)]
    lenient = FOUR_A_DAY.model_copy(update={"compliance_tolerance_c": 0.5})

    assert compute_household_days(readings(rows), SHANGHAI, FOUR_A_DAY).compliant.tolist() == [False]
    assert compute_household_days(readings(rows), SHANGHAI, lenient).compliant.tolist() == [True]


def test_zone_with_offset_change_uses_each_readings_offset():
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-03-29 02:00 local: clocks jump from +01:00 to +02:00.
    before = int(datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc).timestamp() * 1000)  # 00:30 local, Mar 29
    late = int(datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc).timestamp() * 1000)  # 00:30 local, Mar 30

    days = local_day_numbers(np.array([before, late], dtype=np.int64), berlin)

    assert [day_from_number(d) for d in days] == [date(2026, 3, 29), date(2026, 3, 30)]


@pytest.mark.parametrize("count", [0])
def test_no_readings_gives_no_household_days(count):
    days = compute_household_days(readings([]), SHANGHAI, FOUR_A_DAY)

    assert len(days) == count
