"""The daily room rollup: household-days, room device-days and per-unit counts of one local day.

InfluxDB computes each room sensor's count and mean for the day and returns the few
unusable readings (sensor faults and values outside the plausible range) one by one
(``scoring.room_device_days``). heatscore subtracts those, judges each household-day and
writes one ``household_day`` point per household, one ``device_day`` point per room
sensor of a home with several sensors and one ``unit_day`` point per heating unit,
stamped at the local midnight that starts the day. Season indicators read these rollups,
never a season of raw readings, because InfluxDB 3 Core limits a query of raw data to
about 72 hours.

Rewriting a day overwrites its points, because series and timestamp are the same.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import day_number, judge_household_days, local_day_start_ms, round_to_hundredth
from scoring.room_device_days import ROOM_MEASUREMENT, RoomDeviceDays, read_room_device_days
from scoring.thresholds import IndicatorThresholds
from storage.influx import InfluxClient
from storage.points import Point, series_key, to_line

logger = logging.getLogger(__name__)

HOUSEHOLD_DAY_MEASUREMENT = "household_day"
UNIT_DAY_MEASUREMENT = "unit_day"
DEVICE_DAY_MEASUREMENT = "device_day"
WRITE_CHUNK = 20_000
WRITERS = 2

__all__ = ["ROOM_MEASUREMENT", "HOUSEHOLD_DAY_MEASUREMENT", "UNIT_DAY_MEASUREMENT", "DEVICE_DAY_MEASUREMENT",
           "DayRollup", "day_window", "roll_up_day", "write_points"]

HouseholdKey = tuple[str, str, str]  # unit, station, household


@dataclass(frozen=True, slots=True)
class DayRollup:
    """What one day's room rollup found, per heating unit."""

    day: date
    households: int
    unit_counts: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class _HouseholdTotals:
    """Household-days of one day: each household's sensors summed, its usable mean and judgement."""

    keys: list[HouseholdKey]
    sensor_household: np.ndarray  # index into keys per row of RoomDeviceDays
    devices: np.ndarray
    readings: np.ndarray
    faults: np.ndarray
    unusable: np.ndarray
    usable: np.ndarray
    mean: np.ndarray  # NaN where no usable reading
    coverage: np.ndarray
    valid: np.ndarray
    compliant: np.ndarray


def day_window(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Return the UTC milliseconds [start, end) of a local day."""
    return local_day_start_ms(day_number(day), zone), local_day_start_ms(day_number(day) + 1, zone)


def write_points(influx: InfluxClient, points: list[Point]) -> None:
    """Write points in chunks small enough for one request."""
    write_lines(influx, [to_line(point) for point in points])


def write_lines(influx: InfluxClient, lines: list[str]) -> None:
    """Write line-protocol lines in chunks, two requests at a time.

    Two concurrent requests let InfluxDB parse on both cores of a small server: 100,000
    household-day lines took 3.0 s instead of 3.5 s here. A failed chunk raises, and the
    caller reruns the whole day, which overwrites the chunks that did arrive.
    """
    chunks = [lines[offset: offset + WRITE_CHUNK] for offset in range(0, len(lines), WRITE_CHUNK)]
    if len(chunks) <= 1:
        for chunk in chunks:
            influx.write_lines(chunk)
        return
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="rollup-write") as pool:
        list(pool.map(influx.write_lines, chunks))


def roll_up_day(
    influx: InfluxClient, day: date, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> DayRollup:
    """Compute and store the household-days of one local day and each unit's counts."""
    start_ms, end_ms = day_window(day, zone)
    sensors = read_room_device_days(influx, start_ms, end_ms, thresholds)

    households = _household_totals(sensors, thresholds)
    unit_counts = _unit_counts(households, thresholds)

    lines = _household_day_lines(households, start_ms)
    lines.extend(to_line(point) for point in _unit_day_points(unit_counts, start_ms))
    lines.extend(_room_device_lines(sensors, households, start_ms, thresholds))
    write_lines(influx, lines)

    logger.info("rolled up %s: %d household-days in %d heating units", day, len(households.keys), len(unit_counts))
    summary = {unit: {name: int(counts[name]) for name in ("households", "valid", "compliant")}
               for unit, counts in unit_counts.items()}
    return DayRollup(day=day, households=len(households.keys), unit_counts=summary)


def _household_totals(sensors: RoomDeviceDays, thresholds: IndicatorThresholds) -> _HouseholdTotals:
    """Add up each household's sensors and judge the household-day."""
    first_sensor: dict[HouseholdKey, int] = {}
    sensor_household = np.empty(len(sensors), dtype=np.int64)
    for index, (unit, station, household, _device) in enumerate(sensors.keys):
        sensor_household[index] = first_sensor.setdefault((unit, station, household), len(first_sensor))
    # Households are numbered in the order their first sensor came back. Renumbering
    # them in sorted key order writes a day's points in a stable order.
    found = list(first_sensor)
    order = sorted(range(len(found)), key=found.__getitem__)
    rank = np.empty(len(found), dtype=np.int64)
    rank[order] = np.arange(len(found))
    group = rank[sensor_household]
    size = len(found)

    def per_household(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values, minlength=size)

    readings = per_household(sensors.readings).astype(np.int64)
    faults = per_household(sensors.faults).astype(np.int64)
    unusable = per_household(sensors.unusable).astype(np.int64)
    usable_sum = per_household(sensors.temp_sum - sensors.unusable_sum)
    usable = readings - unusable
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(usable > 0, usable_sum / np.maximum(usable, 1), np.nan)
    valid, compliant, coverage = judge_household_days(usable, mean, thresholds)

    return _HouseholdTotals(
        keys=[found[i] for i in order], sensor_household=group, devices=np.bincount(group, minlength=size),
        readings=readings, faults=faults, unusable=unusable, usable=usable, mean=mean, coverage=coverage,
        valid=valid, compliant=compliant,
    )


def _unit_counts(households: _HouseholdTotals, thresholds: IndicatorThresholds) -> dict[str, dict[str, float]]:
    """Count each heating unit's household-days: valid, compliant, low, high, comfortable."""
    unit_codes = sorted({unit for unit, _station, _household in households.keys})
    unit_index = {unit: i for i, unit in enumerate(unit_codes)}
    unit = np.array([unit_index[key[0]] for key in households.keys], dtype=np.int64)

    valid = households.valid
    rounded = round_to_hundredth(np.nan_to_num(households.mean, nan=-np.inf))
    flags = {
        "households": np.ones(valid.size, dtype=bool),
        "valid": valid,
        "compliant": households.compliant,
        "low": valid & ~households.compliant,
        "high": valid & (rounded > thresholds.high_temp_c),
        "comfort": valid & (rounded >= thresholds.comfort_min_c) & (rounded <= thresholds.comfort_max_c),
    }
    sums = {name: np.bincount(unit, weights=mask.astype(np.float64), minlength=len(unit_codes))
            for name, mask in flags.items()}
    sums["mean_sum"] = np.bincount(unit, weights=np.where(valid, households.mean, 0.0), minlength=len(unit_codes))
    sums["readings"] = np.bincount(unit, weights=households.readings.astype(np.float64), minlength=len(unit_codes))
    return {code: {name: float(values[i]) for name, values in sums.items()} for i, code in enumerate(unit_codes)}


def _household_day_lines(households: _HouseholdTotals, start_ms: int) -> list[str]:
    """Render one ``household_day`` line per household, fields in line-protocol order.

    The text equals ``to_line`` of the same point. Building it from columns avoids a
    ``Point`` and a sort per household, which took seconds at 100,000 households.
    """
    columns = zip(
        households.keys, households.compliant.tolist(), households.coverage.tolist(), households.devices.tolist(),
        households.faults.tolist(), (households.unusable - households.faults).tolist(), households.mean.tolist(),
        households.readings.tolist(), households.usable.tolist(), households.valid.tolist(),
    )
    lines = []
    for (unit, station, household), compliant, coverage, devices, faults, implausible, mean, readings, usable, valid \
            in columns:
        key = series_key(HOUSEHOLD_DAY_MEASUREMENT, {"unit": unit, "station": station, "household": household})
        mean_field = f"mean_temp_c={mean!r}," if mean == mean else ""
        lines.append(
            f"{key} compliant={float(compliant)!r},coverage={float(coverage)!r},devices={float(devices)!r},"
            f"fault_readings={float(faults)!r},implausible_readings={float(implausible)!r},{mean_field}"
            f"readings={float(readings)!r},usable_readings={float(usable)!r},valid={float(valid)!r} {start_ms}"
        )
    return lines


def _unit_day_points(unit_counts: dict[str, dict[str, float]], start_ms: int) -> list[Point]:
    points = []
    for unit, counts in unit_counts.items():
        fields = {name: value for name, value in counts.items() if name != "mean_sum"}
        if counts["valid"] > 0:
            fields["mean_temp_c"] = counts["mean_sum"] / counts["valid"]
        points.append(Point(UNIT_DAY_MEASUREMENT, {"unit": unit}, fields, start_ms))
    return points


def _room_device_lines(
    sensors: RoomDeviceDays, households: _HouseholdTotals, start_ms: int, thresholds: IndicatorThresholds
) -> list[str]:
    """Render one ``device_day`` line per room sensor of a home with several sensors.

    A home with one sensor gets none, because its ``household_day`` point already
    contains that sensor's readings of the day (``readings``, with ``devices`` = 1).
    Leaving the copy out halves what the rollup writes in a city of one sensor per home.
    """
    # NOTE: received readings are counted, not distinct reporting slots, so a sensor that
    # sends twice per slot with different timestamps can exceed the expected count. The
    # received field is capped at expected, and readings keeps the raw count.
    expected = float(1440 // thresholds.room_interval_min)
    shared = (households.devices > 1)[households.sensor_household]
    lines = []
    for index in np.flatnonzero(shared).tolist():
        unit, station, _household, device = sensors.keys[index]
        if not device:
            continue
        readings = float(sensors.readings[index])
        key = series_key(DEVICE_DAY_MEASUREMENT, {"unit": unit, "station": station, "device": device, "kind": "room"})
        received = min(readings, expected)
        lines.append(f"{key} expected={expected!r},readings={readings!r},received={received!r} {start_ms}")
    return lines
