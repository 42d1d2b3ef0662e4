"""The ``heatscore`` command: one subcommand per process or task."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from datetime import date

from heatscore.admin import add_admin_commands, run_admin_command
from heatscore.replay_command import add_replay_command, run_replay
from settings import Settings, SettingsError, load_settings


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是有效日期，格式应为 YYYY-MM-DD") from None


class ChineseHelpFormatter(argparse.HelpFormatter):
    """A help formatter that introduces the usage line in Chinese."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseHelpParser(argparse.ArgumentParser):
    """An argument parser whose own headings, usage line and help option read in Chinese."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> None:  # noqa: D102 - argparse's contract
        message = message.replace("the following arguments are required:", "缺少必需参数：")
        message = message.replace("invalid choice:", "无效选项：").replace("choose from", "可选")
        message = message.replace("unrecognized arguments:", "无法识别的参数：")
        message = message.replace("invalid int value:", "不是整数：").replace("expected one argument", "缺少取值")
        message = message.replace("argument ", "参数 ", 1) if message.startswith("argument ") else message
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _positive_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是整数") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"{count} 不是正整数")
    return count


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand and option (help texts are Chinese, for operators)."""
    parser = ChineseHelpParser(prog="heatscore", description="包头市供热质量自动考核平台")
    parser.add_argument("--log-level", default="INFO", help="日志级别：DEBUG、INFO、WARNING、ERROR（默认 INFO）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="子命令", parser_class=ChineseHelpParser)

    ingest = commands.add_parser("ingest", help="订阅 MQTT 读数并写入 InfluxDB")
    ingest.add_argument("--stats", action="store_true", help="只显示本接入进程最近一次写出的运行统计，然后退出")
    ingest.add_argument("--dead-letters", type=_positive_count, metavar="N", help="只显示最近 N 条被拒收的消息及原因，然后退出")

    commands.add_parser("scheduler", help="运行定时计算任务（每个部署只能运行一个）")

    api = commands.add_parser("api", help="启动考核服务 HTTP 接口")
    api.add_argument("--host", help="监听地址（默认取 HEATSCORE_API_HOST）")
    api.add_argument("--port", type=int, help="监听端口（默认取 HEATSCORE_API_PORT）")

    simulate = commands.add_parser("simulate", help="生成模拟城市的读数并通过 MQTT 发布")
    simulate.add_argument("--start", type=_parse_date, default=date(2025, 12, 1), help="第一天（当地日期，默认 2025-12-01）")
    simulate.add_argument("--days", type=int, default=14, help="天数（默认 14）")
    simulate.add_argument("--units", type=int, default=3, help="供热单位数（默认 3）")
    simulate.add_argument("--households", type=int, default=150, help="每个热力站的住户数（默认 150）")
    simulate.add_argument("--truth", default=None, help="真值文件路径（默认 <数据目录>/simulation/ground-truth.json）")

    score = commands.add_parser("score", help="按日期范围计算户日汇总和室温达标率")
    score.add_argument("--from", dest="date_from", type=_parse_date, required=True, help="开始日期（含），YYYY-MM-DD")
    score.add_argument("--to", dest="date_to", type=_parse_date, required=True, help="结束日期（含），YYYY-MM-DD")

    demo = commands.add_parser("demo", help="端到端演示：整个供暖期的模拟与回放、接入、计算、年度考核和报告")
    demo.add_argument("--quick", action="store_true", help="只做短期演示：模拟若干天并打印各供热单位室温达标率")
    demo.add_argument("--days", type=int, default=14, help="短期演示的天数（默认 14）")
    demo.add_argument("--households", type=int, default=150, help="短期演示每个热力站的住户数（默认 150）")

    add_admin_commands(commands)
    add_replay_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=arguments.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request at INFO (the ingest sends several per second) and alembic
    # logs its plugins on every start; neither helps an operator.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2

    handlers = {
        "ingest": _run_ingest,
        "scheduler": _run_scheduler,
        "api": _run_api,
        "simulate": _run_simulate,
        "score": _run_score,
        "demo": _run_demo,
        "migrate": run_admin_command,
        "registry": run_admin_command,
        "user": run_admin_command,
        "season": run_admin_command,
        "report": run_admin_command,
        "replay": run_replay,
    }
    return handlers[arguments.command](settings, arguments)


def _run_ingest(settings: Settings, arguments: argparse.Namespace) -> int:
    from ingest.dead_letters import DeadLetterStore
    from ingest.service import IngestService, ingest_paths

    dead_letter_path, _, stats_path = ingest_paths(settings)
    if arguments.stats:
        if not stats_path.exists():
            print(f"尚无统计：接入进程 {settings.mqtt_client_id} 还没有写出 {stats_path}")
            return 1
        print_ingest_stats(json.loads(stats_path.read_text("utf-8")), settings.timezone)
        return 0
    if arguments.dead_letters is not None:
        store = DeadLetterStore(dead_letter_path)
        for entry in store.recent(arguments.dead_letters):
            payload = entry["payload"].decode("utf-8", errors="replace")[:200]
            print(f"#{entry['id']} 主题 {entry['topic']} 原因[{entry['reason_code']}] {entry['reason']}\n    负载 {payload}")
        counts = store.count_by_reason()
        print("按原因统计：" + ("，".join(f"{code} {count} 条" for code, count in sorted(counts.items())) or "无"))
        return 0

    service = IngestService(settings)
    signal.signal(signal.SIGTERM, lambda *_: service.stop())
    signal.signal(signal.SIGINT, lambda *_: service.stop())
    service.run()
    return 0


STAT_LABELS = {
    "received": "已接收消息",
    "stored": "已写入读数",
    "dead_lettered": "已转入死信",
    "retried_writes": "重试写入次数",
    "spooled_batches_total": "累计缓存到磁盘的批次",
    "stale_acks": "连接断开后作废的确认",
    "in_flight": "等待确认的消息",
    "spool_batches": "磁盘缓存中的批次",
    "spool_bytes": "磁盘缓存字节数",
    "batches": "已写入批次",
    "batch_latency_ms_mean": "批次平均延迟（毫秒）",
    "batch_latency_ms_max": "批次最大延迟（毫秒）",
    "uptime_s": "运行时间（秒）",
}


def print_ingest_stats(snapshot: dict, zone_name: str) -> None:
    """Print an ingest stats snapshot as a Chinese table."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    written = datetime.fromtimestamp(snapshot.get("written_at_ms", 0) / 1000, tz=ZoneInfo(zone_name))
    print(f"接入进程 {snapshot.get('client_id', '')} 的运行统计（写于 {written:%Y-%m-%d %H:%M:%S}）")
    for key, label in STAT_LABELS.items():
        if key in snapshot:
            print(f"  {label}：{snapshot[key]}")
    rejected = snapshot.get("rejected_by_reason") or {}
    print("  按原因拒收：" + ("，".join(f"{code} {count} 条" for code, count in sorted(rejected.items())) or "无"))


def _run_scheduler(settings: Settings, arguments: argparse.Namespace) -> int:
    from scoring.scheduler import SchedulerAlreadyRunning, run_scheduler

    try:
        run_scheduler(settings)
    except SchedulerAlreadyRunning as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _run_api(settings: Settings, arguments: argparse.Namespace) -> int:
    import uvicorn

    # The API is loaded by import string so that nothing in the other packages imports it.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=arguments.host or settings.api_host,
        port=arguments.port or settings.api_port,
    )
    return 0


def _run_simulate(settings: Settings, arguments: argparse.Namespace) -> int:
    from heatscore.demo import simulate_and_publish

    truth_path = arguments.truth or settings.data_dir / "simulation" / "ground-truth.json"
    simulate_and_publish(settings, arguments.start, arguments.days, arguments.units, arguments.households, truth_path)
    return 0


def _run_score(settings: Settings, arguments: argparse.Namespace) -> int:
    from scoring.jobs import roll_up_range

    try:
        results = roll_up_range(settings, arguments.date_from, arguments.date_to)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    households = sum(result.households for result in results)
    print(f"已计算 {len(results)} 天，共 {households} 个户日")
    return 0


def _run_demo(settings: Settings, arguments: argparse.Namespace) -> int:
    if arguments.quick:
        from heatscore.demo import run_demo

        return run_demo(settings, days=arguments.days, households=arguments.households)

    from heatscore.season_demo import run_season_demo

    return run_season_demo(settings)


if __name__ == "__main__":
    raise SystemExit(main())
