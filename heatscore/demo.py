"""The end-to-end demo: simulate a city, publish over MQTT, ingest, roll up and report."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest.service import IngestService
from scoring.compliance import UnitCompliance, unit_compliance
from scoring.jobs import roll_up_range
from settings import Settings
from simulators.city import build_city
from simulators.generator import GroundTruth, Message, generate
from simulators.publisher import publish_messages
from heatscore.stored import wait_until_stored
from storage.influx import InfluxClient

logger = logging.getLogger(__name__)

DEMO_START = date(2025, 12, 1)
# The demo's table must match the simulator's ground truth to within 0.1 percentage point.
TOLERANCE_PP = 0.1


def simulate_and_publish(
    settings: Settings, start: date, days: int, units: int, households: int, truth_path: Path | str
) -> tuple[GroundTruth, Counter]:
    """Publish a simulated period and write its ground truth; return it with counts per device kind."""
    zone = ZoneInfo(settings.timezone)
    city = build_city(units=units, households_per_station=households)
    stream, truth = generate(city, start, days, zone, settings.mqtt_topic_prefix)
    counts: Counter = Counter()

    def counted(messages: Iterator[Message]) -> Iterator[Message]:
        for message in messages:
            counts[message.topic.split("/")[-2]] += 1
            yield message

    print(f"模拟城市：{units} 个供热单位，{len(city.stations())} 个热力站，{len(city.households())} 户，"
          f"{sum(1 for h in city.households() if h.sensor)} 户装有室温采集器；{start} 起 {days} 天")
    started = time.monotonic()
    published = publish_messages(
        counted(stream),
        host=settings.mqtt_host,
        port=settings.mqtt_port,
        username=settings.mqtt_username,
        password=settings.mqtt_password,
        progress=lambda count: print(f"  已发布 {count} 条消息", flush=True),
    )
    elapsed = time.monotonic() - started
    print(f"发布完成：{published} 条，用时 {elapsed:.1f} 秒（{published / max(elapsed, 1e-9):.0f} 条/秒）")
    truth.write(Path(truth_path), city, start, days)
    return truth, counts


def format_table(results: dict[str, UnitCompliance], truth: dict[str, dict]) -> tuple[str, float]:
    """Render the Chinese table and return it with the largest gap to the ground truth in pp."""
    header = f"{'供热单位':<8}{'有效户日':>10}{'达标户日':>10}{'室温达标率':>12}{'模拟真值':>10}{'差值(百分点)':>14}"
    lines = [header, "-" * 70]
    largest_gap = 0.0
    for unit in sorted(set(results) | set(truth)):
        found = results.get(unit)
        expected = truth.get(unit, {}).get("rate")
        rate = found.rate if found else None
        gap = abs(rate - expected) * 100 if rate is not None and expected is not None else float("inf")
        largest_gap = max(largest_gap, gap)
        lines.append(
            f"{unit:<12}{(found.valid_household_days if found else 0):>12}"
            f"{(found.compliant_household_days if found else 0):>12}"
            f"{_percent(rate):>14}{_percent(expected):>14}{gap:>14.3f}"
        )
    return "\n".join(lines), largest_gap


def _percent(value: float | None) -> str:
    return "无数据" if value is None else f"{value * 100:.2f}%"


def run_demo(settings: Settings, *, days: int = 14, households: int = 150, units: int = 3) -> int:
    """Run the whole path once; return 0 when the table matches the ground truth."""
    first_day = DEMO_START
    last_day = first_day + timedelta(days=days - 1)

    service = IngestService(settings)
    ingest_thread = threading.Thread(target=service.run, name="ingest", daemon=True)
    ingest_thread.start()
    if not service.session.connected.wait(30):
        print(f"错误：接入进程 30 秒内未能连接 MQTT 代理 {settings.mqtt_host}:{settings.mqtt_port}")
        return 1

    try:
        truth, counts = simulate_and_publish(
            settings, first_day, days, units, households, settings.data_dir / "simulation" / "ground-truth.json"
        )
        wait_until_stored(settings, first_day, last_day, counts)
    finally:
        service.stop()
        ingest_thread.join(60)

    print("计算户日汇总 ...")
    roll_up_range(settings, first_day, last_day)
    with InfluxClient.from_settings(settings) as influx:
        results = unit_compliance(influx, first_day, last_day, ZoneInfo(settings.timezone))

    table, largest_gap = format_table(results, truth.unit_rates())
    print(f"\n室温达标率（{first_day} 至 {last_day}，户日日均室温 ≥ 18 °C 为达标）")
    print(table)
    if largest_gap > TOLERANCE_PP:
        print(f"\n与模拟真值的最大差值 {largest_gap:.3f} 个百分点，超过允许的 {TOLERANCE_PP} 个百分点")
        return 1
    print(f"\n与模拟真值的最大差值 {largest_gap:.3f} 个百分点（允许 {TOLERANCE_PP}）")
    return 0
