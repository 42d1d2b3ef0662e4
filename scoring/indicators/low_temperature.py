"""长期低温供热: long runs of low room temperature, or supply held low while compliance fails.

A group (heat station or heating unit) is flagged when either holds:
1. its daily room temperature, the mean of its valid household-day means, stays below the
   compliance floor for ``low_streak_days`` consecutive local days;
2. its daily mean secondary supply temperature stays below the heating-curve expectation
   minus ``low_supply_margin_c`` (or below ``low_supply_max_c``) for ``low_streak_days``
   consecutive days, while its 室温达标率 is under ``low_supply_compliance_below``.
A day without enough data or an extreme-cold day ends a room-temperature streak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from scoring.household_day import HouseholdDays, day_from_number, round_to_hundredth
from scoring.indicators.common import OutdoorDays, Rate, runs_of_true
from scoring.indicators.household_day_tally import HouseholdDayTally
from scoring.indicators.station_days import StationDays
from scoring.thresholds import IndicatorThresholds


@dataclass(frozen=True, slots=True)
class GroupDays:
    """A daily value per group and local day (room or supply temperature)."""

    group: np.ndarray  # int32 group index
    day: np.ndarray  # int32 local day number
    mean_temp_c: np.ndarray  # float64
    members: np.ndarray  # int32, household-days or stations behind the mean
    excluded: np.ndarray  # bool, day not usable (extreme cold or too few households)


@dataclass(frozen=True, slots=True)
class LowStreak:
    """A run of consecutive low days."""

    first_day: date
    last_day: date
    days: int
    mean_temp_c: float  # mean of the daily values over the run


@dataclass(frozen=True, slots=True)
class LongTermLowTemperature:
    """长期低温供热 finding of one group."""

    group_id: str
    flagged: bool
    room_streaks: tuple[LowStreak, ...]  # room-temperature runs of at least low_streak_days
    supply_streaks: tuple[LowStreak, ...]  # held-low supply runs of at least low_streak_days
    compliance: Rate  # the group's 室温达标率 used by the supply test
    supply_held_low: bool  # supply streak found and compliance below the limit
    room_days_evaluated: int  # group-days with a usable room temperature


def group_daily_room_means(
    household_days: HouseholdDays,
    household_group: np.ndarray,
    groups: int,
    excluded_household: np.ndarray,
    outdoor: OutdoorDays,
    thresholds: IndicatorThresholds,
) -> GroupDays:
    """Average the valid household-day means per group and local day."""
    hd = household_days
    row_group = household_group[hd.household].astype(np.int64)
    keep = hd.valid & ~excluded_household[hd.household].astype(bool) & (row_group >= 0)

    days = hd.day[keep].astype(np.int64)
    day_base = int(days.min()) if days.size else 0
    day_span = int(days.max()) - day_base + 1 if days.size else 1
    keys, index = np.unique(row_group[keep] * day_span + (days - day_base), return_inverse=True)

    members = np.bincount(index, minlength=keys.size)
    sums = np.bincount(index, weights=hd.mean_temp_c[keep], minlength=keys.size)
    day = (keys % day_span + day_base).astype(np.int32)
    cold = np.isin(day, outdoor.cold_days(thresholds.design_outdoor_temp_c))
    return GroupDays(
        group=(keys // day_span).astype(np.int32),
        day=day,
        mean_temp_c=sums / np.maximum(members, 1),
        members=members.astype(np.int32),
        excluded=cold | (members < thresholds.low_streak_min_households),
    )


def daily_room_means_from_tally(
    tally: HouseholdDayTally, outdoor: OutdoorDays, thresholds: IndicatorThresholds
) -> GroupDays:
    """Return the tally's per-day room means, as ``group_daily_room_means`` does for its day groups.

    The tally must come from ``tally_household_days`` with a day group per household, -1
    for households excluded by the registry or in no group. Groups × days is a dense grid
    there, so no sort of the household-days is needed.
    """
    if tally.day_sums is None:
        raise ValueError("tally has no per-day sums: call tally_household_days with day_group")
    span = tally.day_counts.shape[1]
    members = tally.day_counts[:-1, :, 1].ravel()
    sums = tally.day_sums[:-1, :, 1].ravel()

    present = np.flatnonzero(members)
    if present.size == 0:
        return GroupDays(*(np.empty(0, dtype=np.int32) for _ in range(2)), np.empty(0), np.empty(0, dtype=np.int32),
                         np.empty(0, dtype=bool))
    day = (present % span + tally.first_day).astype(np.int32)
    cold = np.isin(day, outdoor.cold_days(thresholds.design_outdoor_temp_c))
    return GroupDays(
        group=(present // span).astype(np.int32),
        day=day,
        mean_temp_c=sums[present] / members[present],
        members=members[present].astype(np.int32),
        excluded=cold | (members[present] < thresholds.low_streak_min_households),
    )


def group_daily_supply(station_days: StationDays, station_group: np.ndarray, groups: int) -> GroupDays:
    """Average the stations' daily mean supply temperatures per group and local day."""
    row_group = station_group[station_days.station].astype(np.int64)
    keep = row_group >= 0
    days = station_days.day[keep].astype(np.int64)
    day_base = int(days.min()) if days.size else 0
    day_span = int(days.max()) - day_base + 1 if days.size else 1
    keys, index = np.unique(row_group[keep] * day_span + (days - day_base), return_inverse=True)

    members = np.bincount(index, minlength=keys.size)
    sums = np.bincount(index, weights=station_days.mean_supply_temp_c[keep], minlength=keys.size)
    return GroupDays(
        group=(keys // day_span).astype(np.int32),
        day=(keys % day_span + day_base).astype(np.int32),
        mean_temp_c=sums / np.maximum(members, 1),
        members=members.astype(np.int32),
        excluded=np.zeros(keys.size, dtype=bool),
    )


def expected_supply_temp_c(outdoor_temp_c: np.ndarray, thresholds: IndicatorThresholds) -> np.ndarray:
    """Return the heating-curve supply temperature for each outdoor temperature (NaN if no curve)."""
    if not thresholds.heating_curve:
        return np.full(outdoor_temp_c.shape, np.nan)
    points = sorted(thresholds.heating_curve)
    outdoor_points = np.array([p[0] for p in points])
    supply_points = np.array([p[1] for p in points])
    return np.interp(outdoor_temp_c, outdoor_points, supply_points)


def long_term_low_temperature(
    group_ids: Sequence[str],
    room_days: GroupDays,
    compliance: Sequence[Rate],
    thresholds: IndicatorThresholds,
    supply_days: GroupDays | None = None,
    outdoor: OutdoorDays | None = None,
) -> tuple[LongTermLowTemperature, ...]:
    """Flag 长期低温供热 per group and return the streaks behind each flag.

    ``compliance`` is each group's 室温达标率, in group order. Without ``supply_days`` only
    the room-temperature test runs; without ``outdoor`` the supply test uses only
    ``low_supply_max_c``.
    """
    if len(compliance) != len(group_ids):
        raise ValueError(f"compliance needs one entry per group ({len(group_ids)})")
    floor = thresholds.compliance_floor_c - thresholds.compliance_tolerance_c
    room_low = ~room_days.excluded & (round_to_hundredth(room_days.mean_temp_c) < floor)
    supply_low = _supply_held_low(supply_days, outdoor, thresholds) if supply_days is not None else None

    results = []
    for g, group_id in enumerate(group_ids):
        room_streaks = _streaks(room_days, room_low, g, thresholds.low_streak_days)
        supply_streaks: tuple[LowStreak, ...] = ()
        if supply_days is not None and supply_low is not None:
            supply_streaks = _streaks(supply_days, supply_low, g, thresholds.low_streak_days)
        rate = compliance[g].value
        held_low = bool(supply_streaks) and rate is not None and rate < thresholds.low_supply_compliance_below
        results.append(
            LongTermLowTemperature(
                group_id=group_id,
                flagged=bool(room_streaks) or held_low,
                room_streaks=room_streaks,
                supply_streaks=supply_streaks,
                compliance=compliance[g],
                supply_held_low=held_low,
                room_days_evaluated=int(((room_days.group == g) & ~room_days.excluded).sum()),
            )
        )
    return tuple(results)


def _supply_held_low(supply_days: GroupDays, outdoor: OutdoorDays | None, thresholds: IndicatorThresholds) -> np.ndarray:
    low = np.zeros(supply_days.day.size, dtype=bool)
    if thresholds.low_supply_max_c is not None:
        low |= supply_days.mean_temp_c < thresholds.low_supply_max_c
    if outdoor is not None and thresholds.heating_curve:
        # NOTE: a day without an outdoor mean is judged only by low_supply_max_c.
        expected = expected_supply_temp_c(outdoor.mean_on(supply_days.day), thresholds)
        low |= supply_days.mean_temp_c < expected - thresholds.low_supply_margin_c
    return low


def _streaks(days: GroupDays, low: np.ndarray, group: int, min_days: int) -> tuple[LowStreak, ...]:
    own = days.group == group
    if not own.any():
        return ()
    own_days = days.day[own]
    first = int(own_days.min())
    width = int(own_days.max()) - first + 1
    flags = np.zeros(width, dtype=bool)
    values = np.full(width, np.nan)
    flags[own_days - first] = low[own]
    values[own_days - first] = days.mean_temp_c[own]

    starts, lengths = runs_of_true(flags)
    return tuple(
        LowStreak(
            first_day=day_from_number(first + int(start)),
            last_day=day_from_number(first + int(start + length - 1)),
            days=int(length),
            mean_temp_c=float(values[start : start + length].mean()),
        )
        for start, length in zip(starts, lengths, strict=True)
        if length >= min_days
    )
