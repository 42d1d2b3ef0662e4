"""Waiting until InfluxDB stores every published reading of a period, for the demos."""

from __future__ import annotations

import time
from datetime import date
from zoneinfo import ZoneInfo

from scoring.household_day import day_number, local_day_start_ms
from settings import Settings
from storage.influx import InfluxClient

MEASUREMENTS = {"room": "room_reading", "station": "station_reading", "meter": "meter_reading"}
# The wait gives up when InfluxDB's counts stop growing for this long.
STALL_TIMEOUT_S = 120


def describe_counts(counts: dict[str, int]) -> str:
    """Render readings per device kind in Chinese, e.g. 室温 10 条，热力站 2 条，热量表 0 条."""
    names = {"room": "室温", "station": "热力站", "meter": "热量表"}
    return "，".join(f"{names[kind]} {counts.get(kind, 0):,} 条" for kind in MEASUREMENTS)


def wait_until_stored(settings: Settings, first_day: date, last_day: date, expected: dict[str, int]) -> None:
    """Poll InfluxDB until each device kind's count in the period reaches ``expected`` (keyed room, station, meter)."""
    zone = ZoneInfo(settings.timezone)
    start_ms = local_day_start_ms(day_number(first_day), zone)
    end_ms = local_day_start_ms(day_number(last_day) + 1, zone)
    previous: dict[str, int] = {}
    last_progress = time.monotonic()
    with InfluxClient.from_settings(settings) as influx:
        while True:
            stored = {}
            for kind, measurement in MEASUREMENTS.items():
                series = influx.query(
                    f"SELECT count(*) FROM {measurement} WHERE time >= {start_ms}ms AND time < {end_ms}ms"
                )
                stored[kind] = max((int(v or 0) for v in series[0].values[0][1:]), default=0) if series else 0
            if all(stored[kind] >= expected.get(kind, 0) for kind in MEASUREMENTS):
                print(f"InfluxDB 已存储全部读数：{describe_counts(stored)}")
                return
            if stored != previous:
                previous, last_progress = stored, time.monotonic()
            elif time.monotonic() - last_progress > STALL_TIMEOUT_S:
                raise TimeoutError(
                    f"{STALL_TIMEOUT_S} 秒内没有新读数写入 InfluxDB：已存储 {describe_counts(stored)}，"
                    f"应为 {describe_counts(expected)}；"
                    "请查看接入进程的日志和 heatscore ingest --dead-letters 20"
                )
            time.sleep(1.0)
