"""The daily room rollup: household-days, room device-days and per-unit counts of one local day.

InfluxDB computes the per-device aggregates for the day (count and mean of every reading)
and returns the few unusable readings (sensor faults and values outside the plausible
range) one by one. heatscore subtracts those, judges each household-day and writes one
``household_day`` point per household, one ``device_day`` point per room sensor and one
``unit_day`` point per heating unit, stamped at the local midnight that starts the day.
Season indicators read these rollups, never a season of raw readings, because InfluxDB 3
Core answers queries over about 72 hours of raw data only.

Rewriting a day overwrites its points, because series and timestamp are the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import day_number, judge_household_days, local_day_start_ms
from scoring.thresholds import IndicatorThresholds
from storage.influx import InfluxClient, Series
from storage.points import Point, to_line

logger = logging.getLogger(__name__)

ROOM_MEASUREMENT = "room_reading"
HOUSEHOLD_DAY_MEASUREMENT = "household_day"
UNIT_DAY_MEASUREMENT = "unit_day"
DEVICE_DAY_MEASUREMENT = "device_day"
WRITE_CHUNK = 20_000

HouseholdKey = tuple[str, str, str]  # unit, station, household


@dataclass(frozen=True, slots=True)
class DayRollup:
    """What one day's room rollup found, per heating unit."""

    day: date
    households: int
    unit_counts: dict[str, dict[str, int]]


@dataclass(slots=True)
class _DeviceTotals:
    """Readings of one room sensor on one day; the unusable ones are subtracted later."""

    readings: int
    temp_sum: float
    unusable: int = 0
    unusable_sum: float = 0.0
    faults: int = 0


def day_window(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Return the UTC milliseconds [start, end) of a local day."""
    return local_day_start_ms(day_number(day), zone), local_day_start_ms(day_number(day) + 1, zone)


def write_points(influx: InfluxClient, points: list[Point]) -> None:
    """Write points in chunks small enough for one request."""
    lines = [to_line(point) for point in points]
    for offset in range(0, len(lines), WRITE_CHUNK):
        influx.write_lines(lines[offset: offset + WRITE_CHUNK])


def roll_up_day(
    influx: InfluxClient, day: date, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> DayRollup:
    """Compute and store the household-days of one local day and each unit's counts."""
    start_ms, end_ms = day_window(day, zone)
    devices = _read_device_totals(influx, start_ms, end_ms, thresholds)

    households: dict[HouseholdKey, list[_DeviceTotals]] = {}
    for (unit, station, household, _device), totals in devices.items():
        households.setdefault((unit, station, household), []).append(totals)
    keys = sorted(households)

    readings = np.array([sum(t.readings for t in households[k]) for k in keys], dtype=np.int64)
    faults = np.array([sum(t.faults for t in households[k]) for k in keys], dtype=np.int64)
    unusable = np.array([sum(t.unusable for t in households[k]) for k in keys], dtype=np.int64)
    usable_sum = np.array([sum(t.temp_sum - t.unusable_sum for t in households[k]) for k in keys])
    usable_count = readings - unusable
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(usable_count > 0, usable_sum / np.maximum(usable_count, 1), np.nan)
    valid, compliant, coverage = judge_household_days(usable_count, mean, thresholds)

    points = []
    unit_counts: dict[str, dict[str, float]] = {}
    rounded = np.round(np.nan_to_num(mean, nan=-np.inf), 2)
    high = valid & (rounded > thresholds.high_temp_c)
    comfort = valid & (rounded >= thresholds.comfort_min_c) & (rounded <= thresholds.comfort_max_c)
    for index, (unit, station, household) in enumerate(keys):
        fields = {
            "readings": float(readings[index]),
            "usable_readings": float(usable_count[index]),
            "fault_readings": float(faults[index]),
            "implausible_readings": float(unusable[index] - faults[index]),
            "coverage": float(coverage[index]),
            "valid": float(valid[index]),
            "compliant": float(compliant[index]),
            "devices": float(len(households[(unit, station, household)])),
        }
        if np.isfinite(mean[index]):
            fields["mean_temp_c"] = float(mean[index])
        tags = {"unit": unit, "station": station, "household": household}
        points.append(Point(HOUSEHOLD_DAY_MEASUREMENT, tags, fields, start_ms))

        counts = unit_counts.setdefault(unit, dict.fromkeys(
            ("households", "valid", "compliant", "low", "high", "comfort", "mean_sum", "readings"), 0.0))
        counts["households"] += 1
        counts["valid"] += float(valid[index])
        counts["compliant"] += float(compliant[index])
        counts["low"] += float(valid[index] and not compliant[index])
        counts["high"] += float(high[index])
        counts["comfort"] += float(comfort[index])
        counts["mean_sum"] += float(mean[index]) if valid[index] else 0.0
        counts["readings"] += float(readings[index])

    points.extend(_unit_day_points(unit_counts, start_ms))
    points.extend(_room_device_points(devices, start_ms, thresholds))
    write_points(influx, points)
    logger.info("rolled up %s: %d household-days in %d heating units", day, len(keys), len(unit_counts))
    summary = {unit: {name: int(counts[name]) for name in ("households", "valid", "compliant")}
               for unit, counts in unit_counts.items()}
    return DayRollup(day=day, households=len(keys), unit_counts=summary)


def _read_device_totals(
    influx: InfluxClient, start_ms: int, end_ms: int, thresholds: IndicatorThresholds
) -> dict[tuple[str, str, str, str], _DeviceTotals]:
    """Read each room sensor's count and sum for the day, minus its unusable readings.

    InfluxDB 1.6 runs one pass over the data per aggregate call, so the query asks for
    count and mean only; the unusable readings are rare and come back as raw rows.
    """
    window = f"time >= {start_ms}ms AND time < {end_ms}ms"
    group = "GROUP BY unit, station, household, device"
    totals: dict[tuple[str, str, str, str], _DeviceTotals] = {}
    for item in influx.query(
        f"SELECT count(temp_c) AS readings, mean(temp_c) AS mean_temp_c FROM {ROOM_MEASUREMENT} WHERE {window} {group}"
    ):
        if not item.values:
            continue
        row = dict(zip(item.columns, item.values[0]))
        count = int(row.get("readings") or 0)
        mean = row.get("mean_temp_c")
        totals[_device_key(item)] = _DeviceTotals(readings=count, temp_sum=float(mean) * count if mean is not None else 0.0)

    unusable = (
        f"(sensor_fault <> 0 OR temp_c < {thresholds.plausible_min_c} OR temp_c > {thresholds.plausible_max_c})"
    )
    for item in influx.query(
        f"SELECT temp_c, sensor_fault FROM {ROOM_MEASUREMENT} WHERE {window} AND {unusable} {group}"
    ):
        found = totals.get(_device_key(item))
        if found is None:
            continue
        temp_index, fault_index = item.columns.index("temp_c"), item.columns.index("sensor_fault")
        for row in item.values:
            if row[temp_index] is None:
                continue
            found.unusable += 1
            found.unusable_sum += float(row[temp_index])
            found.faults += int(bool(row[fault_index]))
    return totals


def _device_key(item: Series) -> tuple[str, str, str, str]:
    tags = item.tags
    return (tags.get("unit", ""), tags.get("station", ""), tags.get("household", ""), tags.get("device", ""))


def _unit_day_points(unit_counts: dict[str, dict[str, float]], start_ms: int) -> list[Point]:
    points = []
    for unit, counts in unit_counts.items():
        fields = {name: value for name, value in counts.items() if name != "mean_sum"}
        if counts["valid"] > 0:
            fields["mean_temp_c"] = counts["mean_sum"] / counts["valid"]
        points.append(Point(UNIT_DAY_MEASUREMENT, {"unit": unit}, fields, start_ms))
    return points


def _room_device_points(
    devices: dict[tuple[str, str, str, str], _DeviceTotals], start_ms: int, thresholds: IndicatorThresholds
) -> list[Point]:
    """Build one ``device_day`` point per room sensor: readings received and expected."""
    # NOTE: received readings are counted, not distinct reporting slots, so a sensor that
    # sends twice per slot with different timestamps can exceed the expected count; the
    # completeness reader caps received at expected.
    expected = float(1440 // thresholds.room_interval_min)
    points = []
    for (unit, station, household, device), totals in devices.items():
        if not device:
            continue
        tags = {"unit": unit, "station": station, "device": device, "kind": "room"}
        fields = {"readings": float(totals.readings), "received": float(min(totals.readings, expected)),
                  "expected": expected}
        points.append(Point(DEVICE_DAY_MEASUREMENT, tags, fields, start_ms))
    return points
