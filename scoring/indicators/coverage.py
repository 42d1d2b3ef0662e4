"""Coverage indicators: 测温比例 (measured households) and data completeness per device."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.household_day import HouseholdDays
from scoring.indicators.common import Rate, count_by_group, make_rate, sum_by_group
from scoring.thresholds import IndicatorThresholds

NO_HEATED_HOUSEHOLDS = "登记的在供住户数为 0，无法计算测温比例"
NO_EXPECTED_READINGS = "统计时段内应收数据条数为 0，无法计算数据完整率"


@dataclass(frozen=True, slots=True)
class MeasuredShare:
    """测温比例 of one group: households with a valid household-day per heated household."""

    group_id: str
    measured_households: int  # included households with at least one valid household-day
    heated_households: int  # 在供住户数 from the registry
    share: Rate
    meets_minimum: bool | None  # share ≥ min_measured_share; None when share is None


def measured_share(
    household_days: HouseholdDays,
    household_group: np.ndarray,
    group_ids: Sequence[str],
    excluded_household: np.ndarray,
    heated_households: np.ndarray,
    thresholds: IndicatorThresholds,
) -> tuple[MeasuredShare, ...]:
    """Compute 测温比例 per group.

    Args:
        household_days: household-days of the period, for example the season so far.
        household_group: int group index per entry of ``household_ids``; -1 for none.
        group_ids: name of each group index.
        excluded_household: bool per entry of ``household_ids``; True leaves it out.
        heated_households: int per group, heated (在供) households from the registry.
        thresholds: supplies ``min_measured_share``.
    """
    households = len(household_days.household_ids)
    valid_days = np.bincount(household_days.household, weights=household_days.valid, minlength=households)
    return measured_share_of_households(
        valid_days > 0, household_group, group_ids, excluded_household, heated_households, thresholds
    )


def measured_share_of_households(
    has_valid_day: np.ndarray,
    household_group: np.ndarray,
    group_ids: Sequence[str],
    excluded_household: np.ndarray,
    heated_households: np.ndarray,
    thresholds: IndicatorThresholds,
) -> tuple[MeasuredShare, ...]:
    """Compute 测温比例 per group from whether each household has a valid household-day.

    The arguments after ``has_valid_day`` (bool per household) are those of ``measured_share``.
    """
    households = has_valid_day.shape[0]
    if household_group.shape != (households,) or excluded_household.shape != (households,):
        raise ValueError(f"household_group and excluded_household need {households} entries")
    if heated_households.shape != (len(group_ids),):
        raise ValueError(f"heated_households needs one entry per group ({len(group_ids)})")

    included = ~excluded_household.astype(bool)
    measured = count_by_group(household_group.astype(np.int64), has_valid_day & included, len(group_ids))

    results = []
    for g, group_id in enumerate(group_ids):
        share = make_rate(int(measured[g]), int(heated_households[g]), NO_HEATED_HOUSEHOLDS)
        meets = None if share.value is None else share.value >= thresholds.min_measured_share
        results.append(
            MeasuredShare(
                group_id=group_id,
                measured_households=int(measured[g]),
                heated_households=int(heated_households[g]),
                share=share,
                meets_minimum=meets,
            )
        )
    return tuple(results)


@dataclass(frozen=True, slots=True)
class DeviceCompleteness:
    """Data completeness of one device over the window."""

    device_id: str
    expected_readings: int  # window length ÷ reporting interval, rounded up
    received_readings: int  # expected slots holding at least one reading
    raw_readings: int  # readings inside the window, duplicates included
    completeness: Rate  # received_readings / expected_readings


@dataclass(frozen=True, slots=True)
class GroupCompleteness:
    """Data completeness of a group of devices, for example a heating unit."""

    group_id: str
    devices: int
    silent_devices: int  # devices without any reading in the window
    expected_readings: int
    received_readings: int
    completeness: Rate


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    """Completeness per device and per group."""

    devices: tuple[DeviceCompleteness, ...]
    groups: tuple[GroupCompleteness, ...]


def data_completeness(
    device_ids: Sequence[str],
    device: np.ndarray,
    time_ms: np.ndarray,
    interval_min: np.ndarray,
    window_start_ms: int,
    window_end_ms: int,
    device_group: np.ndarray | None = None,
    group_ids: Sequence[str] = (),
) -> CompletenessReport:
    """Compute received ÷ expected readings per device and per group over [start, end).

    The window is cut into slots of each device's reporting interval; a slot counts as
    received when it contains at least one reading, so retransmitted duplicates never lift
    completeness above 100 %.

    Args:
        device_ids: every registered device, including those that sent nothing.
        device: int index into ``device_ids`` per reading.
        time_ms: UTC milliseconds per reading.
        interval_min: reporting interval in minutes per device.
        window_start_ms: first UTC millisecond of the window.
        window_end_ms: UTC millisecond just after the window.
        device_group: int group index per device, -1 for none; None for no groups.
        group_ids: name of each group index.
    """
    devices = len(device_ids)
    if interval_min.shape != (devices,):
        raise ValueError(f"interval_min needs one entry per device ({devices})")
    if window_end_ms <= window_start_ms:
        raise ValueError("window_end_ms must be after window_start_ms")

    # NOTE: a device installed or removed inside the window is still expected for all of it;
    # cut the window per device before calling if the registry knows those dates.
    interval_ms = interval_min.astype(np.int64) * 60_000
    span_ms = window_end_ms - window_start_ms
    expected = -(-span_ms // interval_ms)

    inside = (time_ms >= window_start_ms) & (time_ms < window_end_ms)
    reading_device = device[inside].astype(np.int64)
    slot = (time_ms[inside] - window_start_ms) // interval_ms[reading_device]
    slot_count = int(expected.max()) if devices else 1
    unique_keys = np.unique(reading_device * slot_count + slot)

    received = np.bincount(unique_keys // slot_count, minlength=devices)
    raw = np.bincount(reading_device, minlength=devices)
    return completeness_from_counts(device_ids, received, raw, expected, device_group, group_ids)


def completeness_from_counts(
    device_ids: Sequence[str],
    received: np.ndarray,
    raw: np.ndarray,
    expected: np.ndarray,
    device_group: np.ndarray | None = None,
    group_ids: Sequence[str] = (),
) -> CompletenessReport:
    """Build the completeness report from per-device counts, such as summed daily rollups."""
    devices = len(device_ids)
    received = np.minimum(received.astype(np.int64), expected.astype(np.int64))

    device_results = tuple(
        DeviceCompleteness(
            device_id=device_ids[i],
            expected_readings=int(expected[i]),
            received_readings=int(received[i]),
            raw_readings=int(raw[i]),
            completeness=make_rate(int(received[i]), int(expected[i]), NO_EXPECTED_READINGS),
        )
        for i in range(devices)
    )
    if device_group is None:
        return CompletenessReport(devices=device_results, groups=())

    groups = len(group_ids)
    group_index = device_group.astype(np.int64)
    every = np.ones(devices, dtype=bool)
    member_count = count_by_group(group_index, every, groups)
    silent = count_by_group(group_index, raw == 0, groups)
    expected_sum = sum_by_group(group_index, expected.astype(np.float64), every, groups)
    received_sum = sum_by_group(group_index, received.astype(np.float64), every, groups)

    group_results = tuple(
        GroupCompleteness(
            group_id=group_id,
            devices=int(member_count[g]),
            silent_devices=int(silent[g]),
            expected_readings=int(expected_sum[g]),
            received_readings=int(received_sum[g]),
            completeness=make_rate(int(received_sum[g]), int(expected_sum[g]), NO_EXPECTED_READINGS),
        )
        for g, group_id in enumerate(group_ids)
    )
    return CompletenessReport(devices=device_results, groups=group_results)
