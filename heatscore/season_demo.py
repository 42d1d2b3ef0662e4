"""The season demo: a whole heating season of a small city through the real pipeline.

A simulated city publishes 183 days of readings over MQTT: four heating units and a CHP
heat source, with replayed New York room temperatures and an Aalborg heat meter mixed in,
and a standard set of injected faults. Two ingest processes under one shared
subscription store the readings in InfluxDB, and the daily rollups run for every day.
The season's indicators and simulated inspection results for the manual items feed the
annual assessment. The demo prints the ranking, checks each injected fault against the
simulator's ground truth and writes the Chinese reports.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from heatscore.fault_check import check_faults, print_checks
from heatscore.stored import wait_until_stored
from scoring.annual import explain_ranking
from scoring.assessment import assess_season
from scoring.jobs import roll_up_range
from scoring.reports import write_season_reports
from scoring.rubric import load_shipped_rubric
from scoring.season import compute_season_report
from settings import Settings
from simulators.inspections import enter_inspection_results
from simulators.publisher import publish_messages
from simulators.season import CityConfig, ReplayMix, SeasonConfig, season_plan, write_ground_truth
from storage.registry import (
    create_season,
    create_user,
    find_season,
    find_user,
    import_registry,
    list_heating_units,
    list_manual_entries,
    session_scope,
    upgrade_database,
)

SEASON_YEAR = 2024
SEASON_CODE = f"{SEASON_YEAR}-{SEASON_YEAR + 1}"
RUBRICS = {"heating_unit": "baotou-2024", "chp_source": "baotou-chp-2024"}
# Shares of the manual items' points the simulated inspectors award, so that the ranking
# spreads over several grades.
INSPECTION_SHARES = {"U01": 0.97, "U02": 0.75, "U03": 0.9, "U04": 0.6, "CHP01": 0.9}
INGEST_PROCESSES = 2
DEMO_USER = "demo.inspector"


def run_season_demo(settings: Settings) -> int:
    """Run the whole season once; return 0 when every fault check passes."""
    started = time.monotonic()
    simulation = settings.data_dir / "simulation"
    plan = season_plan(
        CityConfig(),
        SeasonConfig(season_year=SEASON_YEAR, prefix=settings.mqtt_topic_prefix),
        faults="standard",
        replay=ReplayMix(),
    )
    first_day = plan.window.first_day
    last_day = first_day + timedelta(days=plan.window.days - 1)
    print(f"供暖期 {SEASON_CODE} 演示：{first_day} 至 {last_day}（{plan.window.days} 天），"
          f"{len(plan.city.units)} 个单位，{sum(len(u.stations) for u in plan.city.units)} 个热力站")

    password = _prepare_registry(settings, plan, simulation / "season-registry.csv")
    children = _start_ingest(settings)
    try:
        counts = _publish(settings, plan)
        wait_until_stored(settings, first_day, last_day, counts)
    finally:
        _stop_ingest(children)
    write_ground_truth(plan, simulation / "season-truth.json")

    print("计算每日汇总（住户、热力站、停热事件）……", flush=True)
    rollup_started = time.monotonic()
    roll_up_range(settings, first_day, last_day)
    print(f"  {plan.window.days} 天用时 {time.monotonic() - rollup_started:.0f} 秒")

    with session_scope(settings.database_url) as session:
        report = compute_season_report(settings, session, SEASON_CODE)
        outcome = assess_season(session, season_code=SEASON_CODE, snapshots=report.snapshots, actor="season-demo")
        files = write_season_reports(session, season_code=SEASON_CODE, folder=settings.data_dir / "reports" / SEASON_CODE)

    for ranking in outcome.rankings:
        print()
        print(explain_ranking(ranking))
    truth = json.loads((simulation / "season-truth.json").read_text("utf-8"))
    checks = check_faults(report.snapshots, outcome, truth)
    print_checks(checks)

    print(f"\n排名报告：{files.ranking_html}")
    print(f"Excel 表格：{files.ranking_xlsx}")
    print(f"仪表盘：运行 heatscore api 后在浏览器打开 http://{settings.api_host}:{settings.api_port}/ ，"
          f"检查员账号 {DEMO_USER}" + (f"，初始密码 {password}" if password else "（密码为首次演示时打印的密码）"))
    print(f"总用时 {time.monotonic() - started:.0f} 秒")
    return 0 if all(check.passed for check in checks) else 1


def _prepare_registry(settings: Settings, plan, registry_csv: Path) -> str | None:  # noqa: ANN001
    """Import the city, create the season and the inspection results; return a new demo password."""
    upgrade_database(settings.database_url)
    plan.write_registry_csv(registry_csv)
    password = None
    with session_scope(settings.database_url) as session:
        imported = import_registry(session, registry_csv, "season-demo")
        if not imported.ok:
            raise RuntimeError(imported.summary())
        if find_season(session, code=SEASON_CODE) is None:
            create_season(
                session,
                code=SEASON_CODE,
                official_start=date(SEASON_YEAR, 10, 15),
                official_end=date(SEASON_YEAR + 1, 4, 15),
                rubric_version=RUBRICS["heating_unit"],
                thresholds={"room_interval_min": 60, "station_interval_min": 15},
                actor="season-demo",
            )
        for unit in list_heating_units(session, active=True):
            if list_manual_entries(session, season_code=SEASON_CODE, unit_code=unit.code):
                continue
            rubric = load_shipped_rubric(RUBRICS[unit.kind.value])
            enter_inspection_results(
                session, season_code=SEASON_CODE, unit_code=unit.code, rubric=rubric,
                share=INSPECTION_SHARES.get(unit.code, 0.85),
            )
        if find_user(session, username=DEMO_USER) is None:
            password = secrets.token_urlsafe(9)
            create_user(session, username=DEMO_USER, password=password, role="inspector", actor="season-demo")
    print(f"登记数据已导入：{imported.rows_imported} 行")
    return password


def _start_ingest(settings: Settings) -> list[tuple[subprocess.Popen, Path]]:
    children = []
    for index in range(INGEST_PROCESSES):
        client_id = f"{settings.mqtt_client_id}-demo-{index + 1}"
        stats = settings.data_dir / "ingest" / client_id / "stats.json"
        stats.unlink(missing_ok=True)
        environment = {
            **os.environ,
            "HEATSCORE_MQTT_CLIENT_ID": client_id,
            "HEATSCORE_MQTT_SHARE_GROUP": "season-demo",
            "HEATSCORE_DATA_DIR": str(settings.data_dir),
            "HEATSCORE_INFLUX_DATABASE": settings.influx_database,
            "HEATSCORE_MQTT_PORT": str(settings.mqtt_port),
            "HEATSCORE_MQTT_TOPIC_PREFIX": settings.mqtt_topic_prefix,
            "HEATSCORE_DATABASE_URL": settings.database_url,
        }
        log = open(settings.data_dir / f"ingest-demo-{index + 1}.log", "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "heatscore.cli", "--log-level", "WARNING", "ingest"],
            env=environment, stdout=log, stderr=log,
        )
        children.append((process, stats))

    deadline = time.monotonic() + 60
    while not all(stats.exists() for _, stats in children):
        if time.monotonic() > deadline or any(process.poll() is not None for process, _ in children):
            _stop_ingest(children)
            raise RuntimeError(f"接入进程未能在 60 秒内订阅，请查看 {settings.data_dir}/ingest-demo-*.log")
        time.sleep(0.2)
    print(f"已启动 {INGEST_PROCESSES} 个接入进程（共享订阅 $share/season-demo）")
    return children


def _stop_ingest(children: list[tuple[subprocess.Popen, Path]]) -> None:
    for process, _ in children:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _ in children:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


def _publish(settings: Settings, plan) -> dict[str, int]:  # noqa: ANN001
    expected_total = sum(1 for _ in plan.messages())
    counts = dict(plan.message_counts)
    started = time.monotonic()

    def progress(count: int) -> None:
        elapsed = time.monotonic() - started
        print(f"  已发布 {count:>9,} / {expected_total:,} 条（{count / expected_total:6.1%}），"
              f"{count / max(elapsed, 1e-9):,.0f} 条/秒", flush=True)

    print(f"发布 {expected_total:,} 条读数（室温 {counts.get('room', 0):,}，热力站 {counts.get('station', 0):,}，"
          f"热量表 {counts.get('meter', 0):,}）……", flush=True)
    publish_messages(
        plan.messages(), host=settings.mqtt_host, port=settings.mqtt_port,
        username=settings.mqtt_username, password=settings.mqtt_password,
        window=500, progress=progress, progress_every=100_000,
    )
    return counts
