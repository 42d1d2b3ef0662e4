"""Benchmark the daily room rollup and the season indicators at 100,000 measured households.

(a) Writes one local day of 15-minute room readings for 100,000 households (9.6 M
    readings, 0.1 % flagged as sensor faults) into a throw-away InfluxDB database, then
    times ``roll_up_day`` twice (first in the empty database, then again as on every later
    day, when the rollup's series exist) beside the single query that returns the same
    daily means per household.
(b) Builds a season of household-days (183 days × 100,000 households) in memory in the
    shape the season code reads them, times ``evaluate_season`` beside one numpy pass over
    the same array, and times reading back the one day of rollups from (a), scaled to a
    season as an estimate.

Run by hand with the services up (``make benchmarks``); the database is dropped at the end.
"""

from __future__ import annotations

import logging
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

from scoring.household_day import HouseholdDays, day_number, judge_household_days, local_day_start_ms  # noqa: E402
from scoring.indicators import OutdoorDays  # noqa: E402
from scoring.room_device_days import read_room_device_days  # noqa: E402
from scoring.rollup import day_window, roll_up_day  # noqa: E402
from scoring.season import RegistryView, SeasonRollups, evaluate_season  # noqa: E402
from scoring.season.rollup_reader import STATION_DAY_FIELDS, StationDayTable, read_household_days  # noqa: E402
from scoring.annual.inputs import DataWindow  # noqa: E402
from scoring.thresholds import IndicatorThresholds, SeasonCalendar  # noqa: E402
from storage.influx import InfluxClient  # noqa: E402

INFLUX_URL = "http://127.0.0.1:18086"
ADMIN = ("admin", "heatscore-admin-local")
ZONE = ZoneInfo("Asia/Shanghai")
HOUSEHOLDS = 100_000
HOUSEHOLDS_PER_STATION = 100
STATIONS_PER_UNIT = 100
READINGS_PER_DAY = 96
DAY = date(2024, 12, 7)
SEASON = SeasonCalendar(official_start=date(2024, 10, 15), official_end=date(2025, 4, 15))
BATCH_HOUSEHOLDS = 250  # 24,000 lines per write request
WRITERS = 4


def admin_query(statement: str) -> None:
    """Run one administrative statement with the admin account."""
    response = httpx.post(f"{INFLUX_URL}/query", data={"q": statement}, auth=ADMIN, timeout=60)
    response.raise_for_status()


def codes(household: int) -> tuple[str, str, str]:
    """Return unit, station and household codes of a household number."""
    station = household // HOUSEHOLDS_PER_STATION
    return f"U{station // STATIONS_PER_UNIT:02d}", f"S{station:04d}", f"H{household:06d}"


def write_day(database: str) -> float:
    """Write 96 readings for every household and return the seconds it took."""
    start_ms = local_day_start_ms(day_number(DAY), ZONE)

    def batch(first: int) -> None:
        rng = np.random.default_rng(first)
        lines = []
        for household in range(first, min(first + BATCH_HOUSEHOLDS, HOUSEHOLDS)):
            unit, station, code = codes(household)
            prefix = f"room_reading,device=R{household:06d},household={code},station={station},unit={unit}"
            temps = np.round(rng.normal(20.0, 1.5, READINGS_PER_DAY), 2)
            faults = rng.random(READINGS_PER_DAY) < 0.001
            for k in range(READINGS_PER_DAY):
                lines.append(f"{prefix} sensor_fault={float(faults[k])!r},temp_c={float(temps[k])!r} {start_ms + k * 900_000}")
        with InfluxClient(INFLUX_URL, database, *ADMIN, timeout_s=300) as influx:
            influx.write_lines(lines)

    started = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(batch, range(0, HOUSEHOLDS, BATCH_HOUSEHOLDS)))
    return time.perf_counter() - started


def time_bound(influx: InfluxClient, usable_only: bool = False) -> float:
    """Time the single query that returns each household's daily mean, parsing included.

    With ``usable_only`` the query averages the same readings the rollup does (no fault
    flag, within the plausible range), so it returns the rollup's own daily means.
    """
    start_ms = local_day_start_ms(day_number(DAY), ZONE)
    end_ms = local_day_start_ms(day_number(DAY) + 1, ZONE)
    thresholds = IndicatorThresholds()
    usable = (
        f" AND sensor_fault = 0 AND temp_c >= {thresholds.plausible_min_c} AND temp_c <= {thresholds.plausible_max_c}"
        if usable_only else ""
    )
    started = time.perf_counter()
    series = influx.query(
        f"SELECT mean(temp_c) FROM room_reading WHERE time >= {start_ms}ms AND time < {end_ms}ms{usable} GROUP BY household"
    )
    elapsed = time.perf_counter() - started
    assert len(series) == HOUSEHOLDS, f"bound query returned {len(series)} series"
    return elapsed


def benchmark_rollup(database: str) -> None:
    """Print part (a): the rollup of one day beside the query that returns the same daily means."""
    print(f"(a) 写入 {HOUSEHOLDS * READINGS_PER_DAY:,} 条室温读数 ...", flush=True)
    print(f"    写入用时 {write_day(database):.1f} 秒")
    thresholds = IndicatorThresholds()
    start_ms, end_ms = day_window(DAY, ZONE)
    with InfluxClient(INFLUX_URL, database, *ADMIN, timeout_s=600) as influx:
        # The bound is timed before and after each rollup, because the shared machine's load drifts.
        bounds = [time_bound(influx, usable_only=True)]
        first, result = timed(lambda: roll_up_day(influx, DAY, ZONE, thresholds))
        bounds.append(time_bound(influx, usable_only=True))
        again, _ = timed(lambda: roll_up_day(influx, DAY, ZONE, thresholds))
        bounds.append(time_bound(influx, usable_only=True))
        queries, _ = timed(lambda: read_room_device_days(influx, start_ms, end_ms, thresholds))
        plain = time_bound(influx)
        read_one_day, read_back = timed(lambda: read_household_days(influx, synthetic_view(), DAY, DAY, ZONE, thresholds))

    bound = sum(bounds) / len(bounds)
    print(f"    下限（返回相同日均值的单条查询：剔除故障和不合理读数后 mean(temp_c) ... GROUP BY household，含解析）："
          f"{bound:.2f} 秒（三次：{' / '.join(f'{b:.2f}' for b in bounds)}）")
    print(f"    户日汇总（roll_up_day），空库首次（新建 {result.households:,} 个户日序列）：{first:.2f} 秒；"
          f"比值 {first / bound:.2f}×（目标 ≤ 1.5×）")
    print(f"    户日汇总，同一天重算（序列已存在，与每日例行运行相同）：{again:.2f} 秒；比值 {again / bound:.2f}×")
    print(f"    其中汇总所需的两条查询（并发，含解析）：{queries:.2f} 秒；比值 {queries / bound:.2f}×")
    print(f"    参考：不剔除任何读数的 mean(temp_c) ... GROUP BY household：{plain:.2f} 秒")
    print(f"    读回一天户日汇总：{read_one_day:.2f} 秒（{len(read_back):,} 行）；"
          f"按 183 天估算整季读回约 {read_one_day * 183:.0f} 秒")


def timed(action):
    """Run action and return the seconds it took and its result."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def synthetic_view() -> RegistryView:
    """Return a registry of 10 units, 1,000 stations and 100,000 households."""
    stations = HOUSEHOLDS // HOUSEHOLDS_PER_STATION
    station_unit = (np.arange(stations) // STATIONS_PER_UNIT).astype(np.int32)
    return RegistryView(
        unit_codes=[f"U{u:02d}" for u in range(stations // STATIONS_PER_UNIT)],
        station_codes=[f"S{s:04d}" for s in range(stations)],
        station_unit=station_unit,
        station_area_m2=np.full(stations, 10_000.0),
        station_weight=np.full(stations, 10_000.0),
        station_heated_households=np.full(stations, 400, dtype=np.int64),
        station_has_meter=np.ones(stations, dtype=bool),
        household_codes=[codes(h)[2] for h in range(HOUSEHOLDS)],
        household_unit=station_unit[np.arange(HOUSEHOLDS) // HOUSEHOLDS_PER_STATION],
        household_excluded=np.arange(HOUSEHOLDS) % 50 == 0,
        station_devices=[(f"D{s:04d}", s, None, None) for s in range(stations)],
    )


def synthetic_season(view: RegistryView, thresholds: IndicatorThresholds) -> SeasonRollups:
    """Build a season of household-days and station-days as the reader returns them."""
    rng = np.random.default_rng(7)
    first = day_number(SEASON.official_start)
    days = day_number(SEASON.official_end) - first + 1
    household = np.repeat(np.arange(HOUSEHOLDS, dtype=np.int32), days)
    day = np.tile(np.arange(first, first + days, dtype=np.int32), HOUSEHOLDS)
    mean = rng.normal(20.0, 1.5, household.size)
    usable = np.where(rng.random(household.size) < 0.02, 40, 96).astype(np.int32)
    valid, compliant, coverage = judge_household_days(usable, mean, thresholds)
    zeros = np.zeros(household.size, dtype=np.int32)
    household_days = HouseholdDays(view.household_codes, household, day, mean, usable, usable, zeros, zeros,
                                   coverage, valid, compliant)

    stations = len(view.station_codes)
    station = np.repeat(np.arange(stations, dtype=np.int32), days)
    station_day = np.tile(np.arange(first, first + days, dtype=np.int32), stations)
    fields = {name: np.zeros(station.size) for name in STATION_DAY_FIELDS}
    fields.update(heated=np.ones(station.size), readings=np.full(station.size, 288.0),
                  heating_readings=np.full(station.size, 288.0), mean_supply_temp_c=rng.normal(55, 3, station.size),
                  heat_gj=np.full(station.size, 30.0), heat_readings=np.full(station.size, 288.0),
                  heat_slots=np.full(station.size, 288.0))
    outdoor = OutdoorDays(day=np.arange(first, first + days, dtype=np.int32), mean_temp_c=rng.normal(-8, 6, days))
    return SeasonRollups(household_days, StationDayTable(station, station_day, fields), [], outdoor,
                         {f"D{s:04d}": (days * 288, days * 288) for s in range(stations)})


def benchmark_season() -> None:
    """Print part (b): season indicators from in-memory rollups beside one numpy pass."""
    thresholds = IndicatorThresholds()
    view = synthetic_view()
    rollups = synthetic_season(view, thresholds)
    hd = rollups.household_days
    print(f"(b) 供暖期户日 {len(hd):,} 个（{HOUSEHOLDS:,} 户 × {len(hd) // HOUSEHOLDS} 天），内存中生成")

    started = time.perf_counter()
    np.bincount(view.household_unit[hd.household], weights=hd.mean_temp_c, minlength=len(view.unit_codes))
    bound = time.perf_counter() - started

    started = time.perf_counter()
    report = evaluate_season(view, rollups, SEASON, thresholds, ZONE,
                             DataWindow(start=SEASON.official_start, end=SEASON.official_end))
    season = time.perf_counter() - started
    assert len(report.snapshots) == len(view.unit_codes)
    print(f"    季度指标（evaluate_season，{len(report.snapshots)} 个供热单位）：{season:.2f} 秒（目标 < 10 秒）")
    print(f"    下限（同一数组上一次 numpy bincount）：{bound:.3f} 秒；比值 {season / bound:.1f}×（目标 ≤ 5×）")


def main() -> int:
    """Run both parts against a fresh database and drop it at the end."""
    logging.basicConfig(level=logging.WARNING)
    database = f"heatscore_bench_{uuid.uuid4().hex[:8]}"
    admin_query(f'CREATE DATABASE "{database}"')
    try:
        benchmark_rollup(database)
    finally:
        admin_query(f'DROP DATABASE "{database}"')
    benchmark_season()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"峰值内存（RSS）：{peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
