"""Benchmark reading a whole season of household-day rollups back from InfluxDB.

Writes 183 days of ``household_day`` points, with the fields the daily rollup writes, for
N households (default 10,000: 1.83 M points) into a throw-away database. Then it times
``read_household_days`` over the season, the read that every season computation starts
with, beside the bare query of its first 30-day chunk. Below 100,000 households it also
prints a linear estimate for 100,000, which is not a measurement.

Run by hand with the services up: ``.venv/bin/python benchmarks/season_readback.py [N]``.
"""

from __future__ import annotations

import resource
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.household_day import day_number, local_day_start_ms  # noqa: E402
from scoring.season import RegistryView  # noqa: E402
from scoring.season.rollup_reader import read_household_days, window_clause  # noqa: E402
from scoring.thresholds import IndicatorThresholds  # noqa: E402
from storage.influx import InfluxClient  # noqa: E402

INFLUX_URL = "http://127.0.0.1:18086"
ADMIN = ("admin", "heatscore-admin-local")
ZONE = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2024, 10, 15)
DAYS = 183
HOUSEHOLDS_PER_STATION = 100
BATCH_HOUSEHOLDS = 100  # 18,300 lines per write request
WRITERS = 4


def admin_query(statement: str) -> None:
    """Run one administrative statement with the admin account."""
    httpx.post(f"{INFLUX_URL}/query", data={"q": statement}, auth=ADMIN, timeout=60).raise_for_status()


def write_season(database: str, households: int) -> float:
    """Write a season of household_day points and return the seconds it took."""
    day_starts = [local_day_start_ms(day_number(FIRST_DAY) + offset, ZONE) for offset in range(DAYS)]

    def batch(first: int) -> None:
        rng = np.random.default_rng(first)
        lines = []
        for household in range(first, min(first + BATCH_HOUSEHOLDS, households)):
            station = household // HOUSEHOLDS_PER_STATION
            key = f"household_day,household=H{household:06d},station=S{station:04d},unit=U{station // 100:02d}"
            for start_ms, mean in zip(day_starts, np.round(rng.normal(20.0, 1.5, DAYS), 4).tolist()):
                lines.append(f"{key} compliant=1.0,coverage=1.0,devices=1.0,fault_readings=0.0,"
                             f"implausible_readings=0.0,mean_temp_c={mean!r},readings=96.0,usable_readings=96.0,"
                             f"valid=1.0 {start_ms}")
        with InfluxClient(INFLUX_URL, database, *ADMIN, timeout_s=300) as influx:
            influx.write_lines(lines)

    started = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(batch, range(0, households, BATCH_HOUSEHOLDS)))
    return time.perf_counter() - started


def registry_view(households: int) -> RegistryView:
    """Return a registry of the households, 100 per station, 100 stations per unit."""
    stations = -(-households // HOUSEHOLDS_PER_STATION)
    station_unit = (np.arange(stations) // 100).astype(np.int32)
    return RegistryView(
        unit_codes=[f"U{u:02d}" for u in range(int(station_unit.max()) + 1)],
        station_codes=[f"S{s:04d}" for s in range(stations)],
        station_unit=station_unit,
        station_area_m2=np.full(stations, 10_000.0),
        station_weight=np.full(stations, 10_000.0),
        station_heated_households=np.full(stations, HOUSEHOLDS_PER_STATION, dtype=np.int64),
        station_has_meter=np.ones(stations, dtype=bool),
        household_codes=[f"H{h:06d}" for h in range(households)],
        household_unit=station_unit[np.arange(households) // HOUSEHOLDS_PER_STATION],
        household_excluded=np.zeros(households, dtype=bool),
        station_devices=[],
    )


def main() -> int:
    """Write, read back and print the timings, then drop the database."""
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    database = f"heatscore_bench_{uuid.uuid4().hex[:8]}"
    admin_query(f'CREATE DATABASE "{database}"')
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    try:
        print(f"写入 {households:,} 户 × {DAYS} 天 = {households * DAYS:,} 个户日汇总点 ...", flush=True)
        print(f"    写入用时 {write_season(database, households):.1f} 秒")
        with InfluxClient(INFLUX_URL, database, *ADMIN, timeout_s=900) as influx:
            chunk_end = FIRST_DAY + timedelta(days=29)
            started = time.perf_counter()
            influx.query(f"SELECT mean_temp_c, usable_readings FROM household_day "
                         f"WHERE {window_clause(FIRST_DAY, chunk_end, ZONE)} GROUP BY household")
            first_chunk = time.perf_counter() - started

            started = time.perf_counter()
            rows = read_household_days(influx, registry_view(households), FIRST_DAY, last_day, ZONE,
                                       IndicatorThresholds())
            season = time.perf_counter() - started
    finally:
        admin_query(f'DROP DATABASE "{database}"')

    rate = len(rows) / season
    print(f"读回整季户日（read_household_days，分 30 天一段查询）：{season:.1f} 秒，{len(rows):,} 行，每秒 {rate:,.0f} 行")
    print(f"    其中第一段 30 天的裸查询（含 JSON 解析，不转数组）：{first_chunk:.1f} 秒")
    if households < 100_000:
        print(f"    按行数线性外推到 10 万户（1,830 万行）：约 {18_300_000 / rate / 60:.0f} 分钟（估算，未实测）")
    print(f"峰值内存（RSS）：{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
