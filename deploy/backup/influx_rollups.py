"""Export InfluxDB rollup measurements to line-protocol files and import them again.

    python deploy/backup/influx_rollups.py export --from 2025-10-15 --to 2026-04-15 --out DIR
    python deploy/backup/influx_rollups.py import DIR

Only the v1-compatible /query and /write endpoints are used, so a file exported from
InfluxDB 1.x, 2.x or 3.x can be imported into any of them. The export queries one chunk of
time at a time (24 hours by default), which keeps every query inside the roughly 72-hour
window that InfluxDB 3 Core serves. Raw readings are not exported: the daily rollups are
what scoring needs once the raw retention period has passed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from settings import SettingsError, load_settings
from storage.influx import InfluxClient, InfluxError

logger = logging.getLogger(__name__)

# The daily rollups that scoring/rollup.py writes back.
ROLLUP_MEASUREMENTS = ("household_day", "unit_day")
WRITE_BATCH_LINES = 5000


def escape_name(text: str, extra: str = "") -> str:
    """Escape a measurement name, tag key, tag value or field key for line protocol."""
    escaped = text.replace("\\", "\\\\")
    for char in ", " + extra:
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def format_field_value(value: object, field_type: str) -> str:
    """Render one field value in line protocol according to the field's InfluxDB type."""
    if field_type == "integer":
        return f"{int(value)}i"
    if field_type == "boolean":
        return "true" if value else "false"
    if field_type == "string":
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'
    return repr(float(value))


def field_types(client: InfluxClient, measurement: str) -> dict[str, str]:
    """Return the field keys of a measurement with their types (float, integer, string, boolean)."""
    types: dict[str, str] = {}
    for series in client.query(f'SHOW FIELD KEYS FROM "{measurement}"'):
        for key, field_type in series.values:
            types[key] = field_type
    return types


def export_lines(
    client: InfluxClient, measurement: str, start_ms: int, end_ms: int, chunk_hours: int = 24
) -> Iterator[str]:
    """Yield the measurement's points in [start_ms, end_ms) as line protocol, in time order."""
    types = field_types(client, measurement)
    chunk_ms = chunk_hours * 3_600_000
    measurement_text = escape_name(measurement)

    for chunk_start in range(start_ms, end_ms, chunk_ms):
        chunk_end = min(chunk_start + chunk_ms, end_ms)
        statement = (
            f'SELECT * FROM "{measurement}" WHERE time >= {chunk_start}ms AND time < {chunk_end}ms GROUP BY *'
        )
        rows: list[tuple[int, str]] = []
        for series in client.query(statement):
            tag_text = "".join(
                f",{escape_name(key, '=')}={escape_name(value, '=')}"
                for key, value in sorted(series.tags.items())
                if value
            )
            for row in series.values:
                record = dict(zip(series.columns, row))
                time_ms = int(record.pop("time"))
                fields = [
                    f"{escape_name(key, '=')}={format_field_value(value, types.get(key, 'float'))}"
                    for key, value in sorted(record.items())
                    if value is not None
                ]
                if fields:
                    rows.append((time_ms, f"{measurement_text}{tag_text} {','.join(fields)} {time_ms}"))
        rows.sort()
        yield from (line for _, line in rows)


def import_file(client: InfluxClient, path: Path) -> int:
    """Write every line of a line-protocol file with millisecond precision; return the count."""
    written = 0
    batch: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            batch.append(line)
            if len(batch) >= WRITE_BATCH_LINES:
                client.write_lines(batch)
                written += len(batch)
                batch = []
    client.write_lines(batch)
    return written + len(batch)


def local_day_bounds_ms(first: date, last: date, zone: ZoneInfo) -> tuple[int, int]:
    """Return [start of first, end of last) of local days as UTC milliseconds."""
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def run(arguments: argparse.Namespace) -> int:
    """Carry out the export or import subcommand and return the exit code."""
    settings = load_settings()
    with InfluxClient.from_settings(settings) as client:
        if arguments.command == "export":
            start_ms, end_ms = local_day_bounds_ms(arguments.first, arguments.last, ZoneInfo(settings.timezone))
            arguments.out.mkdir(parents=True, exist_ok=True)
            for measurement in arguments.measurement or ROLLUP_MEASUREMENTS:
                target = arguments.out / f"{measurement}.lp"
                count = 0
                with target.open("w", encoding="utf-8") as handle:
                    for line in export_lines(client, measurement, start_ms, end_ms, arguments.chunk_hours):
                        handle.write(line + "\n")
                        count += 1
                print(f"已导出 {measurement}：{count} 行 → {target}")
        else:
            for path in sorted(arguments.folder.glob("*.lp")):
                print(f"已导入 {path.name}：{import_file(client, path)} 行")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Describe the subcommands; help texts are Chinese, for operators."""
    parser = argparse.ArgumentParser(prog="influx_rollups", description="导出或导入 InfluxDB 日汇总数据（行协议文件）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="子命令")
    export = commands.add_parser("export", help="把日汇总导出为行协议文件，每个 measurement 一个 .lp 文件")
    export.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="第一天（当地日期，YYYY-MM-DD）")
    export.add_argument("--to", dest="last", type=date.fromisoformat, required=True, help="最后一天（含，当地日期）")
    export.add_argument("--out", type=Path, required=True, help="输出目录")
    export.add_argument("--measurement", action="append",
                        help=f"要导出的 measurement，可重复（默认 {', '.join(ROLLUP_MEASUREMENTS)}）")
    export.add_argument("--chunk-hours", type=int, default=24, help="每次查询的时间跨度，单位小时（默认 24，不超过 72）")
    restore = commands.add_parser("import", help="把目录中的 .lp 文件写回 InfluxDB")
    restore.add_argument("folder", type=Path, help="export 生成的目录")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run, turning known errors into a Chinese message and exit code 2."""
    arguments = build_parser().parse_args(argv)
    if arguments.command == "export" and not 1 <= arguments.chunk_hours <= 72:
        print("错误：--chunk-hours 必须在 1 到 72 之间", file=sys.stderr)
        return 2
    try:
        return run(arguments)
    except (InfluxError, SettingsError, OSError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
