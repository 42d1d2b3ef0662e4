"""Measure the dashboard's API and page load on a city-sized data set.

Seeds 50 heating units with 20 stations each (1,000 stations), two measured households per
station, and a full season (2025-10-15 to 2026-04-15, 183 days) of ``household_day`` and
``station_day`` rollups in a throw-away InfluxDB database. It then serves the app with
uvicorn on loopback and times the ranking, the company-page API calls and (with
``--browser``) the company page in headless Chromium. Each figure is the median of
``--repeat`` runs, printed beside ``/healthz`` as the bound, and as a ratio to it.

Run: ``python benchmarks/dashboard.py [--browser] [--repeat 10]`` with the services of
deploy/services.sh running. Needs the InfluxDB admin account (HEATSCORE_INFLUX_ADMIN_*).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app  # noqa: E402
from api.timeseries import STATION_DAY_MEASUREMENT  # noqa: E402
from scoring.household_day import day_number, local_day_start_ms  # noqa: E402
from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT  # noqa: E402
from settings import Settings  # noqa: E402
from storage.influx import InfluxClient  # noqa: E402
from storage.points import Point, to_line  # noqa: E402
from storage.registry import (  # noqa: E402
    create_heating_unit,
    create_household,
    create_season,
    create_station,
    create_user,
    freeze_season_results,
    save_annual_result,
    session_scope,
    upgrade_database,
)

UNITS = 50
STATIONS_PER_UNIT = 20
HOUSEHOLDS_PER_STATION = 2
SEASON = "2025-2026"
SEASON_START = date(2025, 10, 15)
SEASON_END = date(2026, 4, 15)
ZONE = ZoneInfo("Asia/Shanghai")
INFLUX_URL = os.environ.get("HEATSCORE_INFLUX_URL", "http://127.0.0.1:18086")
ADMIN = (os.environ.get("HEATSCORE_INFLUX_ADMIN_USERNAME", "admin"),
         os.environ.get("HEATSCORE_INFLUX_ADMIN_PASSWORD", "heatscore-admin-local"))
PASSWORD = "benchmark-pass"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def influx_admin(statement: str) -> None:
    """Run one administrative InfluxQL statement."""
    httpx.post(f"{INFLUX_URL}/query", data={"q": statement}, auth=ADMIN, timeout=30).raise_for_status()


def seed_registry(database_url: str) -> None:
    """Insert the units, stations, households, season, an inspector and frozen results."""
    upgrade_database(database_url)
    with session_scope(database_url) as session:
        create_season(session, code=SEASON, official_start=SEASON_START, official_end=SEASON_END,
                      rubric_version="baotou-2024", actor="benchmark")
        create_user(session, username="inspector", password=PASSWORD, role="inspector", actor="benchmark")
        for unit in range(UNITS):
            unit_code = f"U{unit:02d}"
            create_heating_unit(session, code=unit_code, name=f"供热公司{unit:02d}", actor="benchmark")
            for station in range(STATIONS_PER_UNIT):
                station_code = f"{unit_code}-S{station:02d}"
                create_station(session, code=station_code, unit_code=unit_code, name=f"热力站{station:02d}",
                               heated_area_m2=50_000.0, actor="benchmark")
                for household in range(HOUSEHOLDS_PER_STATION):
                    create_household(session, code=f"{station_code}-H{household}", station_code=station_code,
                                     measured=True, actor="benchmark")
        computed = datetime.now(UTC)
        for rank, unit in enumerate(sorted(range(UNITS), key=lambda index: -index), start=1):
            save_annual_result(session, season_code=SEASON, unit_code=f"U{unit:02d}", rubric_version="2024.1",
                               rubric_hash="sha256:benchmark", total=60.0 + unit * 0.7, grade="合格", rank=rank,
                               vetoed=False, consequences={"items": []}, explanation={"text": "基准测试"},
                               indicator_values={}, computed_at=computed, actor="benchmark")
        freeze_season_results(session, season_code=SEASON, actor="benchmark")


def seed_rollups(influx: InfluxClient) -> int:
    """Write a season of household_day and station_day points and return how many."""
    generator = random.Random(7)
    lines: list[str] = []
    written = 0
    day = SEASON_START
    while day <= SEASON_END:
        start_ms = local_day_start_ms(day_number(day), ZONE)
        for unit in range(UNITS):
            for station in range(STATIONS_PER_UNIT):
                station_code = f"U{unit:02d}-S{station:02d}"
                for household in range(HOUSEHOLDS_PER_STATION):
                    temp = generator.gauss(20.0, 2.0)
                    lines.append(to_line(Point(HOUSEHOLD_DAY_MEASUREMENT, {
                        "unit": f"U{unit:02d}", "station": station_code, "household": f"{station_code}-H{household}"},
                        {"mean_temp_c": temp, "readings": 96.0, "usable_readings": 96.0, "fault_readings": 0.0,
                         "implausible_readings": 0.0, "coverage": 1.0, "valid": 1.0,
                         "compliant": 1.0 if temp >= 18.0 else 0.0}, start_ms)))
                lines.append(to_line(Point(STATION_DAY_MEASUREMENT, {"unit": f"U{unit:02d}", "station": station_code},
                                           {"heat_gj": generator.uniform(20, 60), "interruptions": 0.0,
                                            "interruption_hours": 0.0}, start_ms)))
        if len(lines) >= 20_000:
            influx.write_lines(lines)
            written += len(lines)
            lines = []
        day += timedelta(days=1)
    influx.write_lines(lines)
    return written + len(lines)


def median_ms(client: httpx.Client, paths: list[str], repeat: int) -> float:
    """Return the median wall time in ms of fetching all ``paths`` one after another."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        for path in paths:
            client.get(path).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def page_load_ms(base: str, token: str, repeat: int) -> float:
    """Return the median time from navigation to a fully drawn company page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 1000})
        page.goto(base + "/#/login")
        page.evaluate("""(token) => { sessionStorage.setItem('hs.token', token);
            sessionStorage.setItem('hs.me', JSON.stringify({username: 'inspector', role: 'inspector', unit: null})); }""",
                      token)
        for index in range(repeat):
            started = time.perf_counter()
            page.goto(f"{base}/?n={index}#/unit/U07?from={SEASON_START}&to={SEASON_END}&season={SEASON}")
            page.wait_for_function("document.body.dataset.ready === 'unit'", timeout=60_000)
            timings.append((time.perf_counter() - started) * 1000)
        browser.close()
    return statistics.median(timings)


def serve(settings: Settings) -> tuple[str, object]:
    """Start uvicorn on a free loopback port in a thread and return its base URL and server."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 30 s")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> int:
    """Seed, serve, measure and print the figures."""
    parser = argparse.ArgumentParser(description="考核看板基准测试：50 个供热单位、1,000 个热力站、一个完整供暖期")
    parser.add_argument("--repeat", type=int, default=10, help="每项测量的重复次数（取中位数，默认 10）")
    parser.add_argument("--browser", action="store_true", help="同时测量无头 Chromium 中单位页面的加载时间")
    arguments = parser.parse_args()

    database = f"heatscore_bench_{uuid.uuid4().hex[:8]}"
    influx_admin(f'CREATE DATABASE "{database}"')
    influx_admin(f'GRANT ALL ON "{database}" TO "heatscore"')
    server = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(data_dir=Path(folder), database_url=f"sqlite:///{folder}/registry.db",
                                influx_database=database, secret_key="benchmark-secret")
            started = time.perf_counter()
            seed_registry(settings.database_url)
            with InfluxClient.from_settings(settings) as influx:
                points = seed_rollups(influx)
            print(f"准备数据：{UNITS} 个单位，{UNITS * STATIONS_PER_UNIT} 个热力站，{points} 个日汇总点，"
                  f"用时 {time.perf_counter() - started:.1f} 秒")

            base, server = serve(settings)
            with httpx.Client(base_url=base, timeout=120) as client:
                token = client.post("/api/v1/auth/token", data={"username": "inspector", "password": PASSWORD}).json()
                client.headers["Authorization"] = f"Bearer {token['access_token']}"
                span = f"from={SEASON_START}&to={SEASON_END}"
                company = [f"/api/v1/units/U07", f"/api/v1/units/U07/daily?{span}",
                           f"/api/v1/units/U07/completeness?{span}", "/api/v1/stations?limit=1000&unit=U07",
                           f"/api/v1/seasons/{SEASON}/results/U07", f"/api/v1/seasons/{SEASON}/results/U07/explanation"]
                median_ms(client, ["/healthz"] + company, 1)  # warm up connections and caches
                figures = [
                    ("/healthz（下界）", median_ms(client, ["/healthz"], arguments.repeat)),
                    ("排名 /results", median_ms(client, [f"/api/v1/seasons/{SEASON}/results"], arguments.repeat)),
                    ("单位页面 6 个接口（全供暖期）", median_ms(client, company, arguments.repeat)),
                    ("其中：每日指标 /daily", median_ms(client, [company[1]], arguments.repeat)),
                    ("其中：数据完整率", median_ms(client, [company[2]], arguments.repeat)),
                ]
                if arguments.browser:
                    figures.append(("单位页面在 Chromium 中加载", page_load_ms(base, token["access_token"], arguments.repeat)))

            bound = figures[0][1]
            print(f"{'项目':<28}{'中位数 ms':>12}{'与 /healthz 之比':>18}")
            for name, value in figures:
                print(f"{name:<28}{value:>12.1f}{value / bound:>18.1f}")
    finally:
        if server is not None:
            server.should_exit = True
        influx_admin(f'DROP DATABASE "{database}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
