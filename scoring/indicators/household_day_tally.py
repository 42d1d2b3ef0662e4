"""Household-days counted once by kind, for the room-temperature figures of many households.

室温达标率 and its household form, 低温率, 高温率, 舒适供热比例, 测温比例 and the daily room
means behind 长期低温供热 all count household-days by a few yes-or-no properties. A
season of 100,000 households has 18 M household-days, so ``tally_household_days`` reads
them once. It gives each household-day a kind code of those properties and counts the
codes per household. It also counts and sums the valid means per day group and local
day. Each figure is then a sum over a small table. Registry exclusions are per
household, so they apply after counting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.household_day import HouseholdDays
from scoring.indicators.rounded_compare import rounded_above, rounded_at_least
from scoring.thresholds import IndicatorThresholds

# Bits of a household-day's kind code.
VALID = 1  # the household-day is valid
COMPLIANT = 2  # the household-day's own compliance flag
COLD = 4  # on an extreme-cold day
HIGH = 8  # mean, rounded to 0.01 °C, above high_temp_c
COMFORT = 16  # mean, rounded to 0.01 °C, within comfort_min_c..comfort_max_c
KIND_BITS = 5
KINDS = 1 << KIND_BITS


@dataclass(frozen=True, slots=True)
class HouseholdDayTally:
    """Household-days counted per household and kind, and per day group and local day."""

    # int64 (households, KINDS): household-days of each household per kind code. At 256 bytes
    # per registered household it is 26 MB for 100,000 households, measured or not.
    by_household: np.ndarray
    row_kind: np.ndarray  # uint8 kind code per household-day, in input order
    first_day: int  # local day number of column 0 of the per-day tables
    # int64 (day groups + 1, days, 2): household-days per day group, day and validity, where
    # index 1 is valid. The last row counts households in no day group, and without day groups
    # it is the only row.
    day_counts: np.ndarray
    # float64 sums of the household-day means in input order, shaped like day_counts, or None
    # without day groups
    day_sums: np.ndarray | None

    def count(self, required: int = 0, forbidden: int = 0) -> np.ndarray:
        """Return per household the household-days whose kind has every bit of required and none of forbidden."""
        codes = np.arange(KINDS)
        selected = ((codes & required) == required) & ((codes & forbidden) == 0)
        # A product with the 0/1 column selection is several times faster than fancy indexing here.
        return self.by_household @ selected.astype(np.int64)

    def days(self) -> np.ndarray:
        """Return the distinct local day numbers that have at least one household-day."""
        present = self.day_counts.sum(axis=(0, 2)) > 0
        return (np.flatnonzero(present) + self.first_day).astype(np.int32)


def tally_household_days(
    household_days: HouseholdDays,
    cold_day_numbers: np.ndarray,
    thresholds: IndicatorThresholds,
    day_group: np.ndarray | None = None,
    day_groups: int = 0,
) -> HouseholdDayTally:
    """Count household-days by kind per household and, with day groups, sum valid means per group and day.

    Args:
        household_days: the household-days, for example a season's.
        cold_day_numbers: local day numbers of the extreme-cold days.
        thresholds: supply high_temp_c, comfort_min_c and comfort_max_c.
        day_group: int group index per entry of ``household_ids`` for the per-day sums;
            -1 leaves a household out of them. None for no per-day sums.
        day_groups: the number of day groups.
    """
    hd = household_days
    households = len(hd.household_ids)
    first_day, span = _day_range(hd.day)
    row_kind = _row_kinds(hd, cold_day_numbers, first_day, span, thresholds)

    # The per-day and the per-household counts fill one intp key array in turn. On the 2-core
    # development VM the first touch of a new 146 MB array (18 M keys) took up to 0.3 s,
    # several times a pass over it.
    key = _day_keys(hd, first_day, span, day_group, day_groups)
    shape = (day_groups + 1, span, 2)
    size = (day_groups + 1) * span * 2
    day_counts = np.bincount(key, minlength=size).reshape(shape)
    day_sums = None
    if day_group is not None:
        day_sums = np.bincount(key, weights=hd.mean_temp_c, minlength=size).reshape(shape)

    np.copyto(key, hd.household)
    key <<= KIND_BITS
    key |= row_kind
    by_household = np.bincount(key, minlength=households * KINDS).reshape(households, KINDS)
    return HouseholdDayTally(by_household, row_kind, first_day, day_counts, day_sums)


def _day_range(day: np.ndarray) -> tuple[int, int]:
    if day.size == 0:
        return 0, 1
    first = int(day.min())
    return first, int(day.max()) - first + 1


def _row_kinds(
    hd: HouseholdDays, cold_day_numbers: np.ndarray, first_day: int, span: int, thresholds: IndicatorThresholds
) -> np.ndarray:
    """Return the kind code of every household-day."""
    row_kind = _cold_kinds(hd.day, cold_day_numbers, first_day, span)
    row_kind |= _bits(hd.valid) * np.uint8(VALID)
    row_kind |= _bits(hd.compliant) * np.uint8(COMPLIANT)

    high = rounded_above(hd.mean_temp_c, thresholds.high_temp_c)
    row_kind |= _bits(high) * np.uint8(HIGH)

    # By default the comfort range ends at high_temp_c, so one comparison serves both.
    above_comfort = (
        high if thresholds.comfort_max_c == thresholds.high_temp_c
        else rounded_above(hd.mean_temp_c, thresholds.comfort_max_c)
    )
    comfort = rounded_at_least(hd.mean_temp_c, thresholds.comfort_min_c)
    comfort &= ~above_comfort
    row_kind |= _bits(comfort) * np.uint8(COMFORT)
    return row_kind


def _cold_kinds(day: np.ndarray, cold_day_numbers: np.ndarray, first_day: int, span: int) -> np.ndarray:
    cold = np.asarray(cold_day_numbers, dtype=np.int64)
    cold = cold[(cold >= first_day) & (cold < first_day + span)]
    if cold.size == 0:
        return np.zeros(day.shape, dtype=np.uint8)
    # A lookup table per local day replaces np.isin over every household-day.
    table = np.zeros(span, dtype=np.uint8)
    table[cold - first_day] = COLD
    return table[day - first_day]


def _bits(flags: np.ndarray) -> np.ndarray:
    return np.asarray(flags, dtype=bool).view(np.uint8)


def _day_keys(
    hd: HouseholdDays, first_day: int, span: int, day_group: np.ndarray | None, day_groups: int
) -> np.ndarray:
    """Return (group row × days + day − first_day) × 2 + validity per household-day, as intp.

    Households in no day group, and every household without day groups, take the last row.
    """
    households = len(hd.household_ids)
    row = np.full(households, day_groups) if day_group is None else np.where(day_group >= 0, day_group, day_groups)
    row_start = row.astype(np.intp) * (span * 2) - first_day * 2
    key = row_start[hd.household]
    # Adding the day twice in place avoids a temporary array for day × 2.
    key += hd.day
    key += hd.day
    key += hd.valid
    return key
