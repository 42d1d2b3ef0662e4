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
from scoring.indicators.common import OutdoorDays, Rate, count_by_group, make_rate, sum_by_group
from scoring.indicators.household_day_tally import (
    COLD,
    COMFORT,
    COMPLIANT,
    HIGH,
    VALID,
    HouseholdDayTally,
    tally_household_days,
)
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
class RoomTemperatureRates:
    """The five room-temperature rates of one group, as in RoomTemperatureGroup."""

    group_id: str
    compliance: Rate
    household_compliance: Rate
    low_rate: Rate
    high_rate: Rate
    comfort_rate: Rate


@dataclass(frozen=True, slots=True)
class RoomTemperatureReport:
    """Room-temperature indicators per group and the extreme-cold days that were excluded."""

    groups: tuple[RoomTemperatureGroup, ...]
    cold_days: tuple[date, ...]  # local days whose outdoor mean is below the design temperature
    days_without_outdoor: int  # distinct local days in the input with no outdoor mean (kept)


@dataclass(frozen=True, slots=True)
class RoomTemperatureRatesReport:
    """Room-temperature rates per group and the extreme-cold days that were excluded."""

    groups: tuple[RoomTemperatureRates, ...]
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

    cold_day_numbers = outdoor.cold_days(thresholds.design_outdoor_temp_c)
    tally = tally_household_days(household_days, cold_day_numbers, thresholds)
    counts = _group_counts(tally, household_group, excluded_household, groups, thresholds)
    sums = _group_reading_sums(household_days, tally, household_group, excluded_household, groups)

    results = []
    for g, group_id in enumerate(group_ids):
        group_counts = {name: int(values[g]) for name, values in counts.items()}
        n_valid = group_counts["valid_days"]
        results.append(
            RoomTemperatureGroup(
                group_id=group_id,
                **group_counts,
                readings=int(sums["readings"][g]),
                fault_readings=int(sums["fault_readings"][g]),
                implausible_readings=int(sums["implausible_readings"][g]),
                mean_temp_c=float(sums["valid_means"][g] / n_valid) if n_valid else None,
                **_rates(group_counts),
            )
        )

    days = tally.days()
    return RoomTemperatureReport(
        groups=tuple(results),
        cold_days=_cold_days(days, cold_day_numbers),
        days_without_outdoor=_days_without_outdoor(days, outdoor),
    )


def room_temperature_rates(
    tally: HouseholdDayTally,
    household_group: np.ndarray,
    group_ids: Sequence[str],
    excluded_household: np.ndarray,
    outdoor: OutdoorDays,
    thresholds: IndicatorThresholds,
) -> RoomTemperatureRatesReport:
    """Compute the five rates of ``room_temperature_indicators`` from a tally, without the reading totals.

    The tally must come from ``tally_household_days`` with the extreme-cold days of
    ``outdoor`` under ``thresholds``. Leaving out the reading totals and the mean saves
    their passes over every household-day.
    """
    households = tally.by_household.shape[0]
    _check_per_household(household_group, households, "household_group")
    _check_per_household(excluded_household, households, "excluded_household")

    counts = _group_counts(tally, household_group, excluded_household, len(group_ids), thresholds)
    rates = tuple(
        RoomTemperatureRates(group_id=group_id, **_rates({name: int(values[g]) for name, values in counts.items()}))
        for g, group_id in enumerate(group_ids)
    )
    days = tally.days()
    return RoomTemperatureRatesReport(
        groups=rates,
        cold_days=_cold_days(days, outdoor.cold_days(thresholds.design_outdoor_temp_c)),
        days_without_outdoor=_days_without_outdoor(days, outdoor),
    )


def _group_counts(
    tally: HouseholdDayTally,
    household_group: np.ndarray,
    excluded_household: np.ndarray,
    groups: int,
    thresholds: IndicatorThresholds,
) -> dict[str, np.ndarray]:
    """Return the household and household-day counts of RoomTemperatureGroup per group."""
    group = household_group.astype(np.int64)
    included = ~excluded_household.astype(bool)

    # Extreme-cold household-days count in household_days and cold_excluded_days only.
    # Compliance comes from the household-day itself, so 低温 is exactly its complement.
    day_kinds = {
        "household_days": (0, 0),
        "cold_excluded_days": (COLD, 0),
        "invalid_days": (0, COLD | VALID),
        "valid_days": (VALID, COLD),
        "compliant_days": (COMPLIANT, COLD),
        "low_days": (VALID, COLD | COMPLIANT),
        "high_days": (VALID | HIGH, COLD),
        "comfort_days": (VALID | COMFORT, COLD),
    }
    per_household = {name: tally.count(*kind) for name, kind in day_kinds.items()}
    rows = per_household["household_days"]
    valid_rows = per_household["valid_days"]

    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(valid_rows > 0, per_household["compliant_days"] / valid_rows, 0.0)
    # A tiny epsilon keeps 9 of 10 days at a 0.9 share from failing on rounding.
    meets_share = (valid_rows > 0) & (share >= thresholds.household_compliant_share - 1e-12)
    household_flags = {
        "measured_households": included & (rows > 0),
        "excluded_households": ~included & (rows > 0),
        "households_with_valid_days": included & (valid_rows > 0),
        "households_compliant": included & meets_share,
    }

    counts = {name: count_by_group(group, flags, groups) for name, flags in household_flags.items()}
    for name, days in per_household.items():
        # Sums of whole numbers below 2**53 are exact in float64.
        counts[name] = sum_by_group(group, days.astype(np.float64), included, groups).astype(np.int64)
    return counts


def _group_reading_sums(
    household_days: HouseholdDays,
    tally: HouseholdDayTally,
    household_group: np.ndarray,
    excluded_household: np.ndarray,
    groups: int,
) -> dict[str, np.ndarray]:
    """Sum readings over the included household-days and means over the counted valid ones, per group."""
    hd = household_days
    row_group = household_group[hd.household].astype(np.int64)
    included = ~excluded_household[hd.household].astype(bool)
    counted_valid = included & ((tally.row_kind & (VALID | COLD)) == VALID)

    def total(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return sum_by_group(row_group, values.astype(np.float64), mask, groups)

    return {
        "readings": total(hd.readings, included),
        "fault_readings": total(hd.fault_readings, included),
        "implausible_readings": total(hd.implausible_readings, included),
        "valid_means": total(np.nan_to_num(hd.mean_temp_c, nan=0.0), counted_valid),
    }


def _rates(counts: dict[str, int]) -> dict[str, Rate]:
    """Return the five rates of one group from its counts."""
    n_valid = counts["valid_days"]
    return {
        "compliance": make_rate(counts["compliant_days"], n_valid, NO_VALID_DAYS),
        "household_compliance": make_rate(
            counts["households_compliant"], counts["households_with_valid_days"], NO_VALID_HOUSEHOLDS
        ),
        "low_rate": make_rate(counts["low_days"], n_valid, NO_VALID_DAYS),
        "high_rate": make_rate(counts["high_days"], n_valid, NO_VALID_DAYS),
        "comfort_rate": make_rate(counts["comfort_days"], n_valid, NO_VALID_DAYS),
    }


def _cold_days(days: np.ndarray, cold_day_numbers: np.ndarray) -> tuple[date, ...]:
    return tuple(day_from_number(int(d)) for d in np.intersect1d(days, cold_day_numbers))


def _days_without_outdoor(days: np.ndarray, outdoor: OutdoorDays) -> int:
    return int(np.setdiff1d(days, outdoor.day[np.isfinite(outdoor.mean_temp_c)]).size)


def _check_per_household(values: np.ndarray, households: int, name: str) -> None:
    if values.shape != (households,):
        raise ValueError(f"{name} must have one entry per household id ({households}), got shape {values.shape}")
