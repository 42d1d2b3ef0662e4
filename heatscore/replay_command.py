"""``heatscore replay``: publish real measured series as Baotou device readings."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from settings import Settings

BAR_WIDTH = 40


def add_replay_command(commands: argparse._SubParsersAction) -> None:
    """Register the replay subcommand."""
    replay = commands.add_parser("replay", help="把真实测量数据（纽约室温、奥尔堡热量表、沈阳气温）回放为设备读数并通过 MQTT 发布")
    replay.add_argument("--season-year", type=int, default=2024, help="目标供暖期的开始年份（默认 2024，即 2024-10-15 起）")
    replay.add_argument("--speed", type=float, default=0.0,
                        help="回放倍速：0 表示代理能接收多快就发多快（默认）；3600 表示 1 秒发布 1 小时的数据")
    replay.add_argument("--data-dir", type=Path, default=None, help="真实数据目录（默认为仓库旁的 shared/data/real）")


def _paced(messages: Iterator, speed: float) -> Iterator:
    """Yield messages no faster than ``speed`` times their own clock."""
    started = time.monotonic()
    first_ms = None
    for message in messages:
        if first_ms is None:
            first_ms = message.reading_time_ms
        due = started + (message.reading_time_ms - first_ms) / 1000 / speed
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield message


def _progress_bar(total: int, started: float):  # noqa: ANN202
    interactive = sys.stdout.isatty()

    def show(count: int) -> None:
        done = int(BAR_WIDTH * count / total) if total else BAR_WIDTH
        rate = count / max(time.monotonic() - started, 1e-9)
        # A log file gets one line per tenth; a terminal gets a bar redrawn in place.
        if not interactive and count < total and count % max(total // 10, 1) >= max(total // 100, 1):
            return
        end = "\n" if count >= total or not interactive else "\r"
        print(f"  [{'#' * done}{'.' * (BAR_WIDTH - done)}] {count:,}/{total:,} 条 {rate:,.0f} 条/秒", end=end, flush=True)

    return show


def run_replay(settings: Settings, arguments: argparse.Namespace) -> int:
    """Publish the replay stream of the small real-data city; return the exit code."""
    from simulators.publisher import PublishError, publish_messages
    from simulators.replay import ReplaySourceError, load_sources, replay_readings, small_city_plan

    if arguments.speed < 0:
        print("错误：--speed 不能为负数", file=sys.stderr)
        return 2
    try:
        sources = load_sources(arguments.data_dir)
    except ReplaySourceError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1

    plan = dataclasses.replace(small_city_plan(arguments.season_year), prefix=settings.mqtt_topic_prefix)
    total = sum(1 for _ in replay_readings(plan, sources))
    print(f"回放 {arguments.season_year}-{arguments.season_year + 1} 供暖期：{total:,} 条读数，"
          f"{'全速' if arguments.speed == 0 else f'{arguments.speed:g} 倍速'}")
    stream = replay_readings(plan, sources)
    if arguments.speed > 0:
        stream = _paced(stream, arguments.speed)

    try:
        published = publish_messages(
            stream, host=settings.mqtt_host, port=settings.mqtt_port, username=settings.mqtt_username,
            password=settings.mqtt_password, client_id="heatscore-replay",
            progress=_progress_bar(total, time.monotonic()), progress_every=max(total // 100, 1),
        )
    except PublishError as error:
        print(f"\n错误：{error}", file=sys.stderr)
        return 1
    print(f"已发布 {published:,} 条")
    return 0
