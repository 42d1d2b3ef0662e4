"""Each room sensor's readings on one local day, read from InfluxDB as parallel arrays.

Two queries read the day. The first returns every sensor's count and mean of all its
readings. The second returns the few unusable readings (sensor faults and values outside
the plausible range) one by one, so that the caller can subtract them. InfluxDB 1.x runs
one pass over the data per aggregate call and evaluates a field filter on every point, and
of the variants measured this pair was the cheapest that yields total, usable and fault
counts. They run concurrently, because one query leaves the second core partly idle: at
20,000 households the pair took 1.8 s instead of 2.5 s one after the other.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from scoring.thresholds import IndicatorThresholds
from storage.influx import InfluxClient, Series

ROOM_MEASUREMENT = "room_reading"
TAGS = ("unit", "station", "household", "device")
SENSOR_GROUP = f"GROUP BY {', '.join(TAGS)}"

SensorKey = tuple[str, str, str, str]  # unit, station, household, device


@dataclass(frozen=True, slots=True)
class RoomDeviceDays:
    """One row per room sensor that reported on the day."""

    keys: list[SensorKey]
    readings: np.ndarray  # int64, every reading received
    temp_sum: np.ndarray  # float64, sum of every reading
    unusable: np.ndarray  # int64, sensor faults and implausible values
    unusable_sum: np.ndarray  # float64, sum of the unusable readings
    faults: np.ndarray  # int64, readings flagged as sensor faults

    def __len__(self) -> int:
        return len(self.keys)


def read_room_device_days(
    influx: InfluxClient, start_ms: int, end_ms: int, thresholds: IndicatorThresholds
) -> RoomDeviceDays:
    """Read every room sensor's totals for [start_ms, end_ms) and its unusable readings."""
    window = f"time >= {start_ms}ms AND time < {end_ms}ms"
    totals_query = (
        f"SELECT count(temp_c) AS readings, mean(temp_c) AS mean_temp_c FROM {ROOM_MEASUREMENT} "
        f"WHERE {window} {SENSOR_GROUP}"
    )
    # Without GROUP BY, and with the tags as columns, the rare rows come back as one series,
    # which took InfluxDB 0.9 s instead of 1.05 s at 20,000 households here.
    unusable_query = (
        f"SELECT temp_c, sensor_fault, {', '.join(TAGS)} FROM {ROOM_MEASUREMENT} WHERE {window} AND "
        f"(sensor_fault <> 0 OR temp_c < {thresholds.plausible_min_c} OR temp_c > {thresholds.plausible_max_c})"
    )

    with ThreadPoolExecutor(2, thread_name_prefix="room-rollup-query") as pool:
        totals_future = pool.submit(influx.query, totals_query)
        unusable_future = pool.submit(influx.query, unusable_query)
        totals_series, unusable_series = totals_future.result(), unusable_future.result()

    keys, readings, temp_sum = _sensor_totals(totals_series)
    unusable, unusable_sum, faults = _unusable_per_sensor(unusable_series, {key: i for i, key in enumerate(keys)})
    return RoomDeviceDays(keys, readings, temp_sum, unusable, unusable_sum, faults)


def _sensor_totals(series: list[Series]) -> tuple[list[SensorKey], np.ndarray, np.ndarray]:
    keys: list[SensorKey] = []
    counts: list[int] = []
    sums: list[float] = []
    for item in series:
        if not item.values:
            continue
        row = dict(zip(item.columns, item.values[0]))
        count = int(row.get("readings") or 0)
        mean = row.get("mean_temp_c")
        keys.append(sensor_key(item))
        counts.append(count)
        sums.append(float(mean) * count if mean is not None else 0.0)
    return keys, np.array(counts, dtype=np.int64), np.array(sums, dtype=np.float64)


def _unusable_per_sensor(
    series: list[Series], sensor_index: dict[SensorKey, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    unusable = np.zeros(len(sensor_index), dtype=np.int64)
    unusable_sum = np.zeros(len(sensor_index), dtype=np.float64)
    faults = np.zeros(len(sensor_index), dtype=np.int64)
    for item in series:
        columns = {name: position for position, name in enumerate(item.columns)}
        temp_column, fault_column = columns["temp_c"], columns["sensor_fault"]
        tag_columns = [columns.get(tag) for tag in TAGS]
        for row in item.values:
            key = tuple(
                (row[column] or "") if column is not None else item.tags.get(tag, "")
                for column, tag in zip(tag_columns, TAGS)
            )
            index = sensor_index.get(key)
            if index is None or row[temp_column] is None:
                continue
            unusable[index] += 1
            unusable_sum[index] += float(row[temp_column])
            faults[index] += int(bool(row[fault_column]))
    return unusable, unusable_sum, faults


def sensor_key(item: Series) -> SensorKey:
    """Return the unit, station, household and device tags of a series, empty when absent."""
    tags = item.tags
    return tags.get("unit", ""), tags.get("station", ""), tags.get("household", ""), tags.get("device", "")
