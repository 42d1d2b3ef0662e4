"""Household-days (户日): each measured household's daily mean room temperature.

A household-day is one household on one local day. Its mean is taken over the day's
usable readings: readings flagged as sensor faults and values outside the plausible range
are excluded and counted. The household-day is valid when the usable readings cover at
least ``min_day_coverage`` of the expected count (one reading per ``room_interval_min``),
and compliant when its mean, rounded to 0.01 °C, is at least
``compliance_floor_c - compliance_tolerance_c``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from scoring.thresholds import IndicatorThresholds

MS_PER_DAY = 86_400_000
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class RoomReadings:
    """Room readings as parallel arrays; ``household`` indexes into ``household_ids``."""

    household_ids: list[str]
    household: np.ndarray  # int32 index per reading
    time_ms: np.ndarray  # int64 UTC milliseconds
    temp_c: np.ndarray  # float64
    sensor_fault: np.ndarray  # bool


@dataclass(frozen=True, slots=True)
class HouseholdDays:
    """One row per household and local day that has at least one reading."""

    household_ids: list[str]
    household: np.ndarray  # int32 index into household_ids
    day: np.ndarray  # int32 local day number, days since 1970-01-01
    mean_temp_c: np.ndarray  # float64, NaN when no usable reading
    readings: np.ndarray  # int32, every reading received
    usable_readings: np.ndarray  # int32, readings that entered the mean
    fault_readings: np.ndarray  # int32, flagged as sensor faults
    implausible_readings: np.ndarray  # int32, outside the plausible range
    coverage: np.ndarray  # float64, usable / expected
    valid: np.ndarray  # bool
    compliant: np.ndarray  # bool, False where not valid

    def __len__(self) -> int:
        return int(self.household.size)


def day_number(local_day: date) -> int:
    """Return the local day as a count of days since 1970-01-01."""
    return (local_day - EPOCH).days


def day_from_number(number: int) -> date:
    """Return the date for a local day number."""
    return EPOCH + timedelta(days=int(number))


def local_day_start_ms(number: int, zone: ZoneInfo) -> int:
    """Return the UTC millisecond at which a local day starts in the zone."""
    start = datetime.combine(day_from_number(number), datetime.min.time(), tzinfo=zone)
    return int(start.astimezone(timezone.utc).timestamp() * 1000)


def local_day_numbers(time_ms: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """Map UTC milliseconds to local day numbers in the zone, vectorised.

    Zones without a change of offset inside the data's span (Asia/Shanghai since 1991)
    take one addition; spans with a change fall back to one offset per distinct UTC hour.
    """
    if time_ms.size == 0:
        return np.empty(0, dtype=np.int32)

    first = _offset_ms(int(time_ms.min()), zone)
    last = _offset_ms(int(time_ms.max()), zone)
    if first == last:
        return ((time_ms + first) // MS_PER_DAY).astype(np.int32)

    hours = time_ms // 3_600_000
    unique_hours, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array([_offset_ms(int(h) * 3_600_000, zone) for h in unique_hours], dtype=np.int64)
    return ((time_ms + offsets[inverse]) // MS_PER_DAY).astype(np.int32)


def _offset_ms(moment_ms: int, zone: ZoneInfo) -> int:
    moment = datetime.fromtimestamp(moment_ms / 1000, tz=timezone.utc)
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds() * 1000)


def compute_household_days(
    readings: RoomReadings, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> HouseholdDays:
    """Group room readings into household-days and judge each one."""
    days = local_day_numbers(readings.time_ms, zone)
    day_base = int(days.min()) if days.size else 0
    day_span = int(days.max()) - day_base + 1 if days.size else 1

    key = readings.household.astype(np.int64) * day_span + (days - day_base)
    unique_keys, group = np.unique(key, return_inverse=True)
    groups = unique_keys.size

    temp = readings.temp_c
    fault = readings.sensor_fault.astype(bool)
    finite = np.isfinite(temp)
    plausible = finite & (temp >= thresholds.plausible_min_c) & (temp <= thresholds.plausible_max_c)
    usable = plausible & ~fault

    count = np.bincount(group, minlength=groups).astype(np.int32)
    usable_count = np.bincount(group, weights=usable, minlength=groups).astype(np.int32)
    fault_count = np.bincount(group, weights=fault, minlength=groups).astype(np.int32)
    implausible_count = np.bincount(group, weights=~plausible & ~fault, minlength=groups).astype(np.int32)
    usable_sum = np.bincount(group, weights=np.where(usable, temp, 0.0), minlength=groups)

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(usable_count > 0, usable_sum / usable_count, np.nan)
    valid, compliant, coverage = judge_household_days(usable_count, mean, thresholds)

    return HouseholdDays(
        household_ids=readings.household_ids,
        household=(unique_keys // day_span).astype(np.int32),
        day=(unique_keys % day_span + day_base).astype(np.int32),
        mean_temp_c=mean,
        readings=count,
        usable_readings=usable_count,
        fault_readings=fault_count,
        implausible_readings=implausible_count,
        coverage=coverage,
        valid=valid,
        compliant=compliant,
    )


# Readings carry 0.01 °C, so a household-day mean can be exactly half-way between two
# hundredths (17.995). Float arithmetic then lands a few ulps either side, depending on
# the order of summation, and ties-to-even rounding does the rest. Means of n readings at
# 0.01 °C lie at least 1/(2n) hundredths from a tie unless they are one, so a tolerance
# of 1e-6 hundredths decides every true tie up and nothing else.
HALF_UP_TOLERANCE = 1e-6


def round_to_hundredth(values: np.ndarray | float) -> np.ndarray:
    """Round °C values to 0.01 °C half-up (四舍五入), deciding float noise at a tie as the tie.

    NaN and infinities pass through unchanged.
    """
    return np.floor(np.asarray(values, dtype=np.float64) * 100.0 + 0.5 + HALF_UP_TOLERANCE) / 100.0


def judge_household_days(
    usable_count: np.ndarray, mean_temp_c: np.ndarray, thresholds: IndicatorThresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return validity, compliance and coverage of household-days from their usable counts and means.

    The mean is compared after rounding half-up to 0.01 °C, the resolution sensors report,
    so that binary rounding (17.2, 17.9 and 18.9 average to 17.999999999999996) cannot fail
    a household-day whose mean is exactly the floor, and a mean of exactly 17.995 passes.
    """
    expected = 1440 / thresholds.room_interval_min
    coverage = np.minimum(usable_count / expected, 1.0)
    valid = (coverage >= thresholds.min_day_coverage) & (usable_count > 0)
    floor = thresholds.compliance_floor_c - thresholds.compliance_tolerance_c
    compliant = valid & (round_to_hundredth(np.nan_to_num(mean_temp_c, nan=-np.inf)) >= round_to_hundredth(floor))
    return valid, compliant, coverage
