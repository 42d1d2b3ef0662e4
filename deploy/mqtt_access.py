"""Manage per-station MQTT accounts from the command line and rewrite Mosquitto's files.

    python deploy/mqtt_access.py issue-stations --stations stations.csv
    python deploy/mqtt_access.py issue-gateway gw-east --stations east.csv
    python deploy/mqtt_access.py revoke-station U01 S007
    python deploy/mqtt_access.py show U01/S007

Every command that changes the account book rewrites the password and ACL files; with
--pid-file it also sends SIGHUP so Mosquitto reloads them. The ingest account comes from
HEATSCORE_MQTT_USERNAME and HEATSCORE_MQTT_PASSWORD. Passwords are printed only by ``show``.
Run it where the heatscore package is importable (after ``pip install .``, or with
PYTHONPATH set to the repository).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from ingest.broker_access import (
    AccountBook,
    BrokerAccessError,
    IngestAccount,
    reload_broker,
    write_broker_files,
)
from settings import SettingsError, load_settings


def read_station_pairs(path: Path) -> list[tuple[str, str]]:
    """Read (unit_code, station_code) rows from a CSV file, skipping a header and blank rows."""
    pairs = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            cells = [cell.strip() for cell in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if len(cells) < 2:
                raise BrokerAccessError(f"{path} 中的行 {row!r} 无效：应为 供热单位编码,热力站编码")
            if (cells[0], cells[1]) == ("unit_code", "station_code"):
                continue
            pairs.append((cells[0], cells[1]))
    return pairs


def registry_station_pairs(database_url: str) -> list[tuple[str, str]]:
    """Return (unit, station) codes of every station of an active heating unit in the registry."""
    from storage.registry import list_heating_units, list_stations, session_scope

    with session_scope(database_url) as session:
        active = {unit.code for unit in list_heating_units(session, active=True)}
        return [(station.unit.code, station.code) for station in list_stations(session) if station.unit.code in active]


def build_parser() -> argparse.ArgumentParser:
    """Describe the subcommands; help texts are Chinese, for operators."""
    parser = argparse.ArgumentParser(prog="mqtt_access", description="管理热力站 MQTT 账号和 Mosquitto 访问控制")
    parser.add_argument("--book", type=Path, help="账号文件（含明文口令，权限 0600；默认 <数据目录>/mqtt/accounts.json）")
    parser.add_argument("--password-file", type=Path, default=Path("/etc/mosquitto/heatscore/passwd"),
                        help="Mosquitto 口令文件（默认 /etc/mosquitto/heatscore/passwd）")
    parser.add_argument("--acl-file", type=Path, default=Path("/etc/mosquitto/heatscore/acl"),
                        help="Mosquitto 访问控制文件（默认 /etc/mosquitto/heatscore/acl）")
    parser.add_argument("--pid-file", type=Path, help="Mosquitto 的 pid 文件；给出时写完文件后发送 SIGHUP 重新加载")
    commands = parser.add_subparsers(dest="command", required=True, metavar="子命令")

    issue = commands.add_parser("issue-stations", help="为尚无账号的热力站签发账号")
    source = issue.add_mutually_exclusive_group(required=True)
    source.add_argument("--stations", type=Path, help="CSV 文件，每行 供热单位编码,热力站编码")
    source.add_argument("--from-registry", action="store_true",
                        help="从登记库（HEATSCORE_DATABASE_URL）读取所有在用供热单位的热力站")
    gateway = commands.add_parser("issue-gateway", help="签发或更新一个覆盖多个热力站的网关账号")
    gateway.add_argument("name", help="网关账号名（字母、数字、下划线、点、连字符）")
    gateway.add_argument("--stations", type=Path, required=True, help="CSV 文件，每行 供热单位编码,热力站编码")
    revoke = commands.add_parser("revoke", help="吊销一个账号")
    revoke.add_argument("username")
    revoke_station = commands.add_parser("revoke-station", help="吊销热力站自己的账号，并从所有网关中移除该站")
    revoke_station.add_argument("unit")
    revoke_station.add_argument("station")
    rotate = commands.add_parser("rotate", help="为账号换一个新的随机口令")
    rotate.add_argument("username")
    show = commands.add_parser("show", help="在标准输出显示账号的口令（用于交给设备安装人员）")
    show.add_argument("username")
    commands.add_parser("list", help="列出所有账号及其热力站（不显示口令）")
    commands.add_parser("write-files", help="只按账号文件重写 Mosquitto 的口令和访问控制文件")
    return parser


def run(arguments: argparse.Namespace) -> int:
    """Carry out one subcommand and return the exit code."""
    settings = load_settings()
    book_path = arguments.book or settings.data_dir / "mqtt" / "accounts.json"
    book = AccountBook.load(book_path)

    if arguments.command == "list":
        for username, account in sorted(book.accounts.items()):
            stations = " ".join(f"{ref.unit}/{ref.station}" for ref in account.stations) or "（无）"
            print(f"{username}\t{stations}")
        return 0
    if arguments.command == "show":
        account = book.accounts.get(arguments.username)
        if account is None:
            raise BrokerAccessError(f"账号 '{arguments.username}' 不存在，可用 list 子命令查看已签发的账号")
        print(f"用户名：{account.username}\n口令：{account.password}")
        return 0

    if arguments.command == "issue-stations":
        pairs = registry_station_pairs(settings.database_url) if arguments.from_registry else read_station_pairs(arguments.stations)
        created = book.issue_stations(pairs)
        print(f"新签发 {len(created)} 个热力站账号：" + " ".join(account.username for account in created))
    elif arguments.command == "issue-gateway":
        account = book.issue_gateway(arguments.name, read_station_pairs(arguments.stations))
        print(f"网关账号 {account.username} 覆盖 {len(account.stations)} 个热力站")
    elif arguments.command == "revoke":
        book.revoke(arguments.username)
        print(f"已吊销账号 {arguments.username}")
    elif arguments.command == "revoke-station":
        book.revoke_station(arguments.unit, arguments.station)
        print(f"已吊销热力站 {arguments.unit}/{arguments.station} 的发布权限")
    elif arguments.command == "rotate":
        book.rotate(arguments.username)
        print(f"已为账号 {arguments.username} 更换口令，可用 show 子命令查看")
    book.save(book_path)

    if not settings.mqtt_username or not settings.mqtt_password:
        raise BrokerAccessError("请先设置 HEATSCORE_MQTT_USERNAME 和 HEATSCORE_MQTT_PASSWORD（接入进程的 MQTT 账号）")
    ingest = IngestAccount(settings.mqtt_username, settings.mqtt_password)
    write_broker_files(book, ingest, settings.mqtt_topic_prefix, arguments.password_file, arguments.acl_file)
    print(f"已写出 {arguments.password_file} 和 {arguments.acl_file}")
    if arguments.pid_file:
        pid = reload_broker(arguments.pid_file)
        print(f"已通知 Mosquitto（进程 {pid}）重新加载")
    else:
        print("请让 Mosquitto 重新加载：systemctl reload mosquitto，或 docker compose kill -s HUP mosquitto")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run, turning known errors into a Chinese message and exit code 2."""
    arguments = build_parser().parse_args(argv)
    try:
        return run(arguments)
    except (BrokerAccessError, SettingsError, OSError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
