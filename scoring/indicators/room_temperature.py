"""Season room-temperature indicators (达标供热, 保低控高, 舒适供热) from household-days.

Each indicator is computed per group: pass a group index per household, so the same
function serves households (one group each), heat stations and heating units. Households
that the registry leaves out (self-regulating, 报停) are passed as a mask and skipped, and
household-days on extreme-cold days (outdoor daily mean below the design outdoor
temperature, GB/T 33833-2017 §5.1 note 1) are excluded and counted separately.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from scoring.household_day import HouseholdDays, day_from_number, day_number
from scoring.indicators.common import COMPARE_DECIMALS, OutdoorDays, Rate, count_by_group, make_rate, sum_by_group
from scoring.thresholds import IndicatorThresholds, SeasonCalendar

NO_VALID_DAYS = "没有有效户日（无测温数据、数据不足或全部被剔除），无法计算"
NO_VALID_HOUSEHOLDS = "没有任何住户拥有有效户日，无法计算按户达标率"


@dataclass(frozen=True, slots=True)
class RoomTemperatureGroup:
    """Room-temperature indicators of one group, with every count behind them."""

    group_id: str
    measured_households: int  # included households with at least one household-day
    excluded_households: int  # households with data that the registry leaves out
    households_with_valid_days: int  # households with at least one valid household-day
    households_compliant: int  # compliant-day share at least household_compliant_share
    household_days: int  # household-days of included households, before any exclusion
    cold_excluded_days: int  # household-days on extreme-cold days
    invalid_days: int  # household-days not valid, on days that are not extreme-cold
    valid_days: int
    compliant_days: int  # mean ≥ compliance floor minus tolerance
    low_days: int  # valid and not compliant (低温)
    high_days: int  # mean > high_temp_c (高温)
    comfort_days: int  # comfort_min_c ≤ mean ≤ comfort_max_c (舒适)
    readings: int  # readings received on the household-days counted in household_days
    fault_readings: int
    implausible_readings: int
    mean_temp_c: float | None  # mean of the valid household-day means
    compliance: Rate  # 室温达标率 = compliant_days / valid_days
    household_compliance: Rate  # households_compliant / households_with_valid_days
    low_rate: Rate  # 低温率 = low_days / valid_days
    high_rate: Rate  # 高温率 = high_days / valid_days
    comfort_rate: Rate  # 舒适供热比例 = comfort_days / valid_days


@dataclass(frozen=True, slots=True)
class RoomTemperatureReport:
    """Room-temperature indicators per group and the extreme-cold days that were excluded."""

    groups: tuple[RoomTemperatureGroup, ...]
    cold_days: tuple[date, ...]  # local days whose outdoor mean is below the design temperature
    days_without_outdoor: int  # distinct local days in the input with no outdoor mean (kept)


def season_household_days(
    household_days: HouseholdDays,
    season: SeasonCalendar,
    thresholds: IndicatorThresholds,
    through: date | None = None,
) -> HouseholdDays:
    """Keep the household-days inside the official season, minus the configured edge days.

    ``through`` ends the window early, for figures of a season still running.
    """
    edge = timedelta(days=thresholds.season_edge_days_excluded)
    first = day_number(season.official_start + edge)
    last = day_number(season.official_end - edge)
    if through is not None:
        last = min(last, day_number(through))

    keep = (household_days.day >= first) & (household_days.day <= last)
    return select_household_days(household_days, keep)


def select_household_days(household_days: HouseholdDays, keep: np.ndarray) -> HouseholdDays:
    """Return the household-days where keep is True (the same object when keep is all True)."""
    if keep.all():
        return household_days
    arrays = {
        field.name: getattr(household_days, field.name)[keep]
        for field in dataclasses.fields(household_days)
        if field.name != "household_ids"
    }
    return HouseholdDays(household_ids=household_days.household_ids, **arrays)


def room_temperature_indicators(
    household_days: HouseholdDays,
    household_group: np.ndarray,
    group_ids: Sequence[str],
    excluded_household: np.ndarray,
    outdoor: OutdoorDays,
    thresholds: IndicatorThresholds,
) -> RoomTemperatureReport:
    """Compute 室温达标率, the household-based rate, 低温率, 高温率 and 舒适供热比例 per group.

    Args:
        household_days: output of ``compute_household_days``, usually cut to the season.
        household_group: int group index per entry of ``household_ids``; -1 puts a
            household in no group.
        group_ids: name of each group index.
        excluded_household: bool per entry of ``household_ids``; True leaves it out.
        outdoor: outdoor daily means; days missing from it are not excluded.
        thresholds: the season's thresholds.
    """
    households = len(household_days.household_ids)
    _check_per_household(household_group, households, "household_group")
    _check_per_household(excluded_household, households, "excluded_household")
    groups = len(group_ids)

    hd = household_days
    row_group = household_group[hd.household].astype(np.int64)
    included = ~excluded_household[hd.household].astype(bool)
    cold_day_numbers = outdoor.cold_days(thresholds.design_outdoor_temp_c)
    cold = np.isin(hd.day, cold_day_numbers)

    counted = included & ~cold
    valid = counted & hd.valid
    mean = np.nan_to_num(hd.mean_temp_c, nan=0.0)
    rounded = np.round(mean, COMPARE_DECIMALS)
    # Compliance comes from the household-day itself, so 低温 is exactly its complement.
    compliant = counted & hd.compliant
    low = valid & ~hd.compliant
    high = valid & (rounded > thresholds.high_temp_c)
    comfort = valid & (rounded >= thresholds.comfort_min_c) & (rounded <= thresholds.comfort_max_c)

    def count(mask: np.ndarray) -> np.ndarray:
        return count_by_group(row_group, mask, groups)

    def total(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return sum_by_group(row_group, values.astype(np.float64), mask, groups)

    per_household = _household_counts(hd, included, valid, compliant, households, thresholds)
    household_rows = {
        name: count_by_group(household_group.astype(np.int64), flags, groups)
        for name, flags in per_household.items()
    }

    days = {
        "household_days": count(included),
        "cold_excluded_days": count(included & cold),
        "invalid_days": count(counted & ~hd.valid),
        "valid_days": count(valid),
        "compliant_days": count(compliant),
        "low_days": count(low),
        "high_days": count(high),
        "comfort_days": count(comfort),
        "readings": total(hd.readings, included),
        "fault_readings": total(hd.fault_readings, included),
        "implausible_readings": total(hd.implausible_readings, included),
    }
    mean_sums = total(mean, valid)

    results = []
    for g, group_id in enumerate(group_ids):
        counts = {name: int(values[g]) for name, values in days.items()}
        n_valid = counts["valid_days"]
        with_valid = int(household_rows["with_valid"][g])
        compliant_households = int(household_rows["compliant"][g])
        results.append(
            RoomTemperatureGroup(
                group_id=group_id,
                measured_households=int(household_rows["measured"][g]),
                excluded_households=int(household_rows["excluded"][g]),
                households_with_valid_days=with_valid,
                households_compliant=compliant_households,
                **counts,
                mean_temp_c=float(mean_sums[g] / n_valid) if n_valid else None,
                compliance=make_rate(counts["compliant_days"], n_valid, NO_VALID_DAYS),
                household_compliance=make_rate(compliant_households, with_valid, NO_VALID_HOUSEHOLDS),
                low_rate=make_rate(counts["low_days"], n_valid, NO_VALID_DAYS),
                high_rate=make_rate(counts["high_days"], n_valid, NO_VALID_DAYS),
                comfort_rate=make_rate(counts["comfort_days"], n_valid, NO_VALID_DAYS),
            )
        )

    input_days = np.unique(hd.day)
    return RoomTemperatureReport(
        groups=tuple(results),
        cold_days=tuple(day_from_number(int(d)) for d in np.intersect1d(input_days, cold_day_numbers)),
        days_without_outdoor=int(np.setdiff1d(input_days, outdoor.day[np.isfinite(outdoor.mean_temp_c)]).size),
    )


def _household_counts(
    hd: HouseholdDays,
    included: np.ndarray,
    valid: np.ndarray,
    compliant: np.ndarray,
    households: int,
    thresholds: IndicatorThresholds,
) -> dict[str, np.ndarray]:
    """Return per-household flags: measured, excluded, with valid days, compliant by share."""
    # One unweighted bincount over (household, flags) replaces four weighted passes over
    # every household-day: bit 0 is included, bit 1 valid, bit 2 compliant.
    flags = included.astype(np.int64) | (valid.astype(np.int64) << 1) | (compliant.astype(np.int64) << 2)
    table = np.bincount(hd.household.astype(np.int64) * 8 + flags, minlength=households * 8).reshape(households, 8)
    codes = np.arange(8)
    rows = table.sum(axis=1)
    included_rows = table[:, (codes & 1) > 0].sum(axis=1)
    valid_rows = table[:, (codes & 2) > 0].sum(axis=1)
    compliant_rows = table[:, (codes & 4) > 0].sum(axis=1)

    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(valid_rows > 0, compliant_rows / valid_rows, 0.0)
    # A tiny epsilon keeps 9 of 10 days at a 0.9 share from failing on rounding.
    meets_share = (valid_rows > 0) & (share >= thresholds.household_compliant_share - 1e-12)

    return {
        "measured": included_rows > 0,
        "excluded": (rows > 0) & (included_rows == 0),
        "with_valid": valid_rows > 0,
        "compliant": meets_share,
    }


def _check_per_household(values: np.ndarray, households: int, name: str) -> None:
    if values.shape != (households,):
        raise ValueError(f"{name} must have one entry per household id ({households}), got shape {values.shape}")
