"""The daily rollup: household-days and per-unit compliance for one local day, written back.

InfluxDB computes the per-household aggregates for the day (count of readings, count of
fault flags, and the mean and count of usable readings); heatscore judges each
household-day and writes one ``household_day`` point per household and one ``unit_day``
point per heating unit, stamped at the local midnight that starts the day. Season
indicators read these rollups, never a season of raw readings, because InfluxDB 3 Core
answers queries over about 72 hours of raw data only.
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
WRITE_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class DayRollup:
    """What one day's rollup found, per heating unit."""

    day: date
    households: int
    unit_counts: dict[str, dict[str, int]]


def _series_by_household(series: list[Series], columns: tuple[str, ...]) -> dict[tuple[str, str, str], list]:
    rows: dict[tuple[str, str, str], list] = {}
    for item in series:
        key = (item.tags.get("unit", ""), item.tags.get("station", ""), item.tags.get("household", ""))
        if not item.values:
            continue
        index = [item.columns.index(name) for name in columns]
        rows[key] = [item.values[0][position] for position in index]
    return rows


def roll_up_day(
    influx: InfluxClient, day: date, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> DayRollup:
    """Compute and store the household-days of one local day and each unit's counts."""
    start_ms = local_day_start_ms(day_number(day), zone)
    end_ms = local_day_start_ms(day_number(day) + 1, zone)
    window = f"time >= {start_ms}ms AND time < {end_ms}ms"
    group = "GROUP BY unit, station, household"

    totals = _series_by_household(
        influx.query(
            f"SELECT count(temp_c) AS readings, sum(sensor_fault) AS faults FROM {ROOM_MEASUREMENT} "
            f"WHERE {window} {group}"
        ),
        ("readings", "faults"),
    )
    usable = _series_by_household(
        influx.query(
            f"SELECT mean(temp_c) AS mean_temp_c, count(temp_c) AS usable FROM {ROOM_MEASUREMENT} "
            f"WHERE {window} AND sensor_fault = 0 "
            f"AND temp_c >= {thresholds.plausible_min_c} AND temp_c <= {thresholds.plausible_max_c} {group}"
        ),
        ("mean_temp_c", "usable"),
    )

    keys = sorted(totals)
    readings = np.array([totals[key][0] or 0 for key in keys], dtype=np.int64)
    faults = np.array([totals[key][1] or 0 for key in keys], dtype=np.int64)
    usable_count = np.array([usable.get(key, [None, 0])[1] or 0 for key in keys], dtype=np.int64)
    mean = np.array([_float_or_nan(usable.get(key, [None])[0]) for key in keys], dtype=np.float64)
    valid, compliant, coverage = judge_household_days(usable_count, mean, thresholds)

    points = []
    unit_counts: dict[str, dict[str, int]] = {}
    for index, (unit, station, household) in enumerate(keys):
        fields = {
            "readings": float(readings[index]),
            "usable_readings": float(usable_count[index]),
            "fault_readings": float(faults[index]),
            "implausible_readings": float(readings[index] - faults[index] - usable_count[index]),
            "coverage": float(coverage[index]),
            "valid": float(valid[index]),
            "compliant": float(compliant[index]),
        }
        if np.isfinite(mean[index]):
            fields["mean_temp_c"] = float(mean[index])
        points.append(
            Point(HOUSEHOLD_DAY_MEASUREMENT, {"unit": unit, "station": station, "household": household}, fields, start_ms)
        )
        counts = unit_counts.setdefault(unit, {"households": 0, "valid": 0, "compliant": 0})
        counts["households"] += 1
        counts["valid"] += int(valid[index])
        counts["compliant"] += int(compliant[index])

    for unit, counts in unit_counts.items():
        fields = {name: float(value) for name, value in counts.items()}
        points.append(Point(UNIT_DAY_MEASUREMENT, {"unit": unit}, fields, start_ms))

    lines = [to_line(point) for point in points]
    for offset in range(0, len(lines), WRITE_CHUNK):
        influx.write_lines(lines[offset: offset + WRITE_CHUNK])
    logger.info("rolled up %s: %d household-days in %d heating units", day, len(keys), len(unit_counts))
    return DayRollup(day=day, households=len(keys), unit_counts=unit_counts)


def _float_or_nan(value: object) -> float:
    return float(value) if value is not None else float("nan")
