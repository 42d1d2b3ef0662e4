"""Known-answer tests of 长期低温供热: low room-temperature streaks and held-low supply."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from scoring.household_day import HouseholdDays, day_number
from scoring.indicators import (
    GroupDays,
    OutdoorDays,
    expected_supply_temp_c,
    group_daily_room_means,
    long_term_low_temperature,
    make_rate,
)
from scoring.thresholds import IndicatorThresholds

THRESHOLDS = IndicatorThresholds()
FIRST = day_number(date(2025, 12, 1))


def household_days(rows: list[tuple[int, int, float]]) -> HouseholdDays:
    """Build valid household-days from (household, day offset from 12-01, mean °C)."""
    household, offset, mean = (np.array(column) for column in zip(*rows, strict=True))
    size = household.size
    return HouseholdDays(
        household_ids=["H1", "H2", "H3"],
        household=household.astype(np.int32),
        day=(FIRST + offset).astype(np.int32),
        mean_temp_c=mean.astype(np.float64),
        readings=np.full(size, 96, dtype=np.int32),
        usable_readings=np.full(size, 96, dtype=np.int32),
        fault_readings=np.zeros(size, dtype=np.int32),
        implausible_readings=np.zeros(size, dtype=np.int32),
        coverage=np.ones(size),
        valid=np.ones(size, dtype=bool),
        compliant=mean >= 18.0,
    )


def build_room_days() -> GroupDays:
    rows = []
    # S1 (H1 and H2): 17 °C and 18 °C, daily mean 17.5, for 8 days from 12-11.
    rows += [(0, d, 17.0) for d in range(10, 18)] + [(1, d, 18.0) for d in range(10, 18)]
    # S2 (H3): 6 low days, 12-07 is extreme cold, 3 more low days.
    rows += [(2, d, 16.0) for d in range(10)]
    outdoor = OutdoorDays.from_dates({date(2025, 12, 7): -20.0})
    return group_daily_room_means(
        household_days(rows), np.array([0, 0, 1]), 2, np.zeros(3, dtype=bool), outdoor, THRESHOLDS
    )


NO_ROOM_DAYS = GroupDays(*(np.empty(0, dtype=kind) for kind in (np.int32, np.int32, float, np.int32, bool)))


def test_group_daily_means():
    room_days = build_room_days()
    s1 = room_days.group == 0

    assert room_days.mean_temp_c[s1].tolist() == [17.5] * 8
    assert room_days.members[s1].tolist() == [2] * 8
    assert room_days.excluded[room_days.group == 1].tolist() == [False] * 6 + [True] + [False] * 3


def test_room_streak_flags_station():
    results = long_term_low_temperature(
        ["S1", "S2"], build_room_days(), [make_rate(0, 16, ""), make_rate(0, 9, "")], THRESHOLDS
    )
    s1, s2 = results

    assert s1.flagged is True
    assert len(s1.room_streaks) == 1
    assert s1.room_streaks[0].first_day == date(2025, 12, 11)
    assert s1.room_streaks[0].last_day == date(2025, 12, 18)
    assert s1.room_streaks[0].days == 8
    assert s1.room_streaks[0].mean_temp_c == 17.5
    # S2: the cold day splits 9 low days into runs of 6 and 3, both under 7.
    assert s2.flagged is False
    assert s2.room_streaks == ()
    assert s2.room_days_evaluated == 9


def test_heating_curve_interpolation():
    expected = expected_supply_temp_c(np.array([10.0, 5.0, -10.0, -30.0]), THRESHOLDS)

    # (5 °C, 40 °C) to (-16.6 °C, 60 °C): -10 °C gives 40 + 15 × 20 / 21.6; flat beyond the ends.
    assert expected.tolist() == pytest.approx([40.0, 40.0, 40.0 + 15 * 20 / 21.6, 60.0])


def supply_days(supply_c: float, days: int) -> GroupDays:
    """Return the same daily supply temperature for groups 0 and 1."""
    return GroupDays(
        group=np.repeat(np.array([0, 1], dtype=np.int32), days),
        day=np.tile(FIRST + np.arange(days, dtype=np.int32), 2),
        mean_temp_c=np.full(2 * days, supply_c),
        members=np.ones(2 * days, dtype=np.int32),
        excluded=np.zeros(2 * days, dtype=bool),
    )


def test_supply_held_low_needs_failing_compliance():
    # Outdoor -10 °C expects 53.9 °C; 45 °C is more than 5 °C under it on 7 days.
    outdoor = OutdoorDays.from_dates({date(2025, 12, 1 + d): -10.0 for d in range(7)})
    compliance = [make_rate(85, 100, ""), make_rate(95, 100, "")]

    low, fine = long_term_low_temperature(
        ["S3", "S4"],
        NO_ROOM_DAYS,
        compliance,
        THRESHOLDS,
        supply_days=supply_days(45.0, 7),
        outdoor=outdoor,
    )

    assert low.supply_streaks[0].days == 7
    assert low.supply_held_low is True
    assert low.flagged is True
    assert fine.supply_streaks[0].days == 7
    assert fine.supply_held_low is False
    assert fine.flagged is False


def test_supply_threshold_without_curve():
    thresholds = IndicatorThresholds(heating_curve=(), low_supply_max_c=46.0)
    results = long_term_low_temperature(
        ["S3", "S4"], NO_ROOM_DAYS, [make_rate(80, 100, ""), make_rate(0, 0, "无数据")], thresholds,
        supply_days=supply_days(45.0, 6),
    )

    # Six days are one short of the seven-day streak.
    assert results[0].supply_streaks == ()
    assert results[0].flagged is False
    # Unknown compliance never confirms the supply test.
    assert results[1].supply_held_low is False
