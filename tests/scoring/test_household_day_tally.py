"""The tally behind the season room figures equals the row-by-row computation it replaces.

The reference below judges every household-day with masks, as the room-temperature
indicators did before the tally, on random household-days with registry exclusions,
households in no group, extreme-cold days, NaN means and invalid days.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scoring.household_day import HouseholdDays, judge_household_days, round_to_hundredth
from scoring.indicators import (
    OutdoorDays,
    group_daily_room_means,
    measured_share,
    measured_share_of_households,
    room_temperature_indicators,
    room_temperature_rates,
    tally_household_days,
)
from scoring.indicators.household_day_tally import VALID
from scoring.indicators.low_temperature import daily_room_means_from_tally
from scoring.indicators.rounded_compare import rounded_above, rounded_at_least
from scoring.thresholds import IndicatorThresholds

HOUSEHOLDS = 300
GROUPS = 4
FIRST_DAY = 20_000
DAYS = 40
# Means close to the limits below, where rounding to 0.01 °C decides.
NEAR_LIMITS = [17.995, 18.0, 18.005, 19.995, 20.0, 20.005, 22.365, 22.375, 23.995, 24.0, 24.005, 24.015, 0.004, -0.005]
THRESHOLD_CASES = [
    IndicatorThresholds(),
    IndicatorThresholds(high_temp_c=22.37, comfort_min_c=19.99, comfort_max_c=22.01, household_compliant_share=0.5,
                        design_outdoor_temp_c=-5.0, low_streak_min_households=2),
    # A comfort range around 0 °C makes NaN means count as comfortable, as 0 °C does.
    IndicatorThresholds(comfort_min_c=-1.0, comfort_max_c=1.0, high_temp_c=-0.01, household_compliant_share=1.0),
]


def random_world(seed: int, thresholds: IndicatorThresholds):
    """Return household-days, household groups, exclusions and outdoor days drawn at random."""
    rng = np.random.default_rng(seed)
    rows = 6_000
    household = rng.integers(0, HOUSEHOLDS, rows).astype(np.int32)
    day = rng.integers(FIRST_DAY, FIRST_DAY + DAYS, rows).astype(np.int32)
    mean = np.round(rng.normal(20.0, 3.0, rows), 3)
    near = rng.random(rows) < 0.3
    mean[near] = rng.choice(NEAR_LIMITS, near.sum())
    usable = rng.integers(0, 97, rows).astype(np.int32)
    valid, compliant, coverage = judge_household_days(usable, mean, thresholds)
    # NaN means on valid days and compliant flags on invalid days only arise in hand-made
    # data, but the figures still define what they count.
    mean[rng.random(rows) < 0.05] = np.nan
    compliant |= rng.random(rows) < 0.02
    household_days = HouseholdDays(
        household_ids=[f"H{h}" for h in range(HOUSEHOLDS)], household=household, day=day, mean_temp_c=mean,
        readings=usable + rng.integers(0, 5, rows).astype(np.int32), usable_readings=usable,
        fault_readings=rng.integers(0, 3, rows).astype(np.int32),
        implausible_readings=rng.integers(0, 2, rows).astype(np.int32),
        coverage=coverage, valid=valid, compliant=compliant,
    )

    group = rng.integers(0, GROUPS, HOUSEHOLDS).astype(np.int32)
    group[rng.random(HOUSEHOLDS) < 0.1] = -1
    excluded = rng.random(HOUSEHOLDS) < 0.2
    outdoor_days = np.arange(FIRST_DAY - 3, FIRST_DAY + DAYS - 3, dtype=np.int32)
    outdoor_means = rng.normal(-8.0, 8.0, outdoor_days.size)
    outdoor_means[rng.random(outdoor_days.size) < 0.1] = np.nan
    return household_days, group, excluded, OutdoorDays(day=outdoor_days, mean_temp_c=outdoor_means)


def reference_room_counts(hd, group, excluded, outdoor, thresholds) -> dict[str, np.ndarray]:
    """Count every RoomTemperatureGroup field per group with one mask per household-day."""
    row_group = group[hd.household].astype(np.int64)
    in_group = row_group >= 0
    included = ~excluded[hd.household] & in_group
    cold = np.isin(hd.day, outdoor.cold_days(thresholds.design_outdoor_temp_c))
    counted = included & ~cold
    valid = counted & hd.valid
    mean = np.nan_to_num(hd.mean_temp_c, nan=0.0)
    rounded = round_to_hundredth(mean)

    def count(mask):
        return np.bincount(row_group[mask], minlength=GROUPS)

    def total(values, mask):
        return np.bincount(row_group[mask], weights=values[mask].astype(np.float64), minlength=GROUPS)

    def households(flags):
        return np.bincount(group[flags & (group >= 0)], minlength=GROUPS)

    rows = np.bincount(hd.household, minlength=HOUSEHOLDS)
    included_rows = np.bincount(hd.household[included], minlength=HOUSEHOLDS)
    valid_rows = np.bincount(hd.household[valid], minlength=HOUSEHOLDS)
    compliant_rows = np.bincount(hd.household[counted & hd.compliant], minlength=HOUSEHOLDS)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(valid_rows > 0, compliant_rows / valid_rows, 0.0)

    return {
        "measured_households": households(included_rows > 0),
        "excluded_households": households((rows > 0) & excluded),
        "households_with_valid_days": households(valid_rows > 0),
        "households_compliant": households(
            (valid_rows > 0) & (share >= thresholds.household_compliant_share - 1e-12)
        ),
        "household_days": count(included),
        "cold_excluded_days": count(included & cold),
        "invalid_days": count(counted & ~hd.valid),
        "valid_days": count(valid),
        "compliant_days": count(counted & hd.compliant),
        "low_days": count(valid & ~hd.compliant),
        "high_days": count(valid & (rounded > thresholds.high_temp_c)),
        "comfort_days": count(valid & (rounded >= thresholds.comfort_min_c) & (rounded <= thresholds.comfort_max_c)),
        "readings": total(hd.readings, included),
        "fault_readings": total(hd.fault_readings, included),
        "implausible_readings": total(hd.implausible_readings, included),
    }


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("thresholds", THRESHOLD_CASES)
def test_room_counts_match_reference(seed, thresholds):
    hd, group, excluded, outdoor = random_world(seed, thresholds)

    report = room_temperature_indicators(hd, group, [f"G{g}" for g in range(GROUPS)], excluded, outdoor, thresholds)
    expected = reference_room_counts(hd, group, excluded, outdoor, thresholds)

    for name, values in expected.items():
        assert [getattr(g, name) for g in report.groups] == values.astype(np.int64).tolist(), name


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("thresholds", THRESHOLD_CASES)
def test_rates_from_tally_match_indicators(seed, thresholds):
    hd, group, excluded, outdoor = random_world(seed, thresholds)
    ids = [f"G{g}" for g in range(GROUPS)]
    tally = tally_household_days(hd, outdoor.cold_days(thresholds.design_outdoor_temp_c), thresholds)

    full = room_temperature_indicators(hd, group, ids, excluded, outdoor, thresholds)
    rates = room_temperature_rates(tally, group, ids, excluded, outdoor, thresholds)

    assert full.cold_days == rates.cold_days
    assert full.days_without_outdoor == rates.days_without_outdoor
    for whole, only_rates in zip(full.groups, rates.groups, strict=True):
        for field in dataclasses.fields(only_rates):
            assert getattr(whole, field.name) == getattr(only_rates, field.name), field.name


@pytest.mark.parametrize("seed", range(6))
def test_daily_means_match_sorting_version(seed):
    thresholds = THRESHOLD_CASES[1]
    hd, group, excluded, outdoor = random_world(seed, thresholds)
    day_group = np.where(excluded, -1, group)
    tally = tally_household_days(hd, outdoor.cold_days(thresholds.design_outdoor_temp_c), thresholds, day_group, GROUPS)

    fast = daily_room_means_from_tally(tally, outdoor, thresholds)
    sorted_days = group_daily_room_means(hd, group, GROUPS, excluded, outdoor, thresholds)

    for field in dataclasses.fields(fast):
        np.testing.assert_array_equal(getattr(fast, field.name), getattr(sorted_days, field.name), err_msg=field.name)


@pytest.mark.parametrize("seed", range(6))
def test_measured_share_from_tally(seed):
    thresholds = IndicatorThresholds()
    hd, group, excluded, outdoor = random_world(seed, thresholds)
    ids = [f"G{g}" for g in range(GROUPS)]
    heated = np.full(GROUPS, HOUSEHOLDS, dtype=np.int64)
    tally = tally_household_days(hd, outdoor.cold_days(thresholds.design_outdoor_temp_c), thresholds)

    from_rows = measured_share(hd, group, ids, excluded, heated, thresholds)
    from_tally = measured_share_of_households(tally.count(VALID) > 0, group, ids, excluded, heated, thresholds)

    assert from_rows == from_tally


def test_empty_household_days():
    thresholds = IndicatorThresholds()
    hd, group, excluded, outdoor = random_world(0, thresholds)
    empty = HouseholdDays(hd.household_ids, *(getattr(hd, f.name)[:0] for f in dataclasses.fields(hd)[1:]))

    tally = tally_household_days(empty, outdoor.cold_days(thresholds.design_outdoor_temp_c), thresholds,
                                 np.where(excluded, -1, group), GROUPS)
    report = room_temperature_indicators(empty, group, ["a", "b", "c", "d"], excluded, outdoor, thresholds)

    assert tally.by_household.sum() == 0
    assert tally.days().size == 0
    assert daily_room_means_from_tally(tally, outdoor, thresholds).day.size == 0
    assert [g.household_days for g in report.groups] == [0, 0, 0, 0]
    assert report.cold_days == ()


def test_rounded_compare_matches_rounding():
    limits = [24.0, 22.375, 22.37, 20.0, 0.0, 0.005, -0.005, -16.6, 1e300, np.inf, -np.inf, np.nan]
    near = np.array([limit for limit in limits if np.isfinite(limit)] + [0.0, -0.0])
    values = np.concatenate([
        np.random.default_rng(3).normal(20.0, 5.0, 20_000),
        near, np.nextafter(near, np.inf), np.nextafter(near, -np.inf),
        near - 0.005, near + 0.005, np.nextafter(near - 0.005, np.inf), np.nextafter(near + 0.005, -np.inf),
        [np.nan, np.inf, -np.inf, np.finfo(float).max, -np.finfo(float).max, 5e-324],
    ])

    with np.errstate(over="ignore", invalid="ignore"):
        rounded = round_to_hundredth(np.nan_to_num(values, nan=0.0))
    for limit in limits:
        np.testing.assert_array_equal(rounded_above(values, limit), rounded > limit, err_msg=f"> {limit}")
        np.testing.assert_array_equal(rounded_at_least(values, limit), rounded >= limit, err_msg=f">= {limit}")
