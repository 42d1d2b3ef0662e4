"""Back up and restore heatscore's relational database (registry, rubric entries, results).

    python deploy/backup/relational.py backup FILE
    python deploy/backup/relational.py restore FILE

The database is the one HEATSCORE_DATABASE_URL names. SQLite files are copied with SQLite's
online backup API, the same mechanism as the sqlite3 shell's ``.backup`` and ``.restore``,
so a backup taken while heatscore writes is still consistent and a restore handles WAL
mode correctly. PostgreSQL goes through pg_dump in custom format and pg_restore, which must
be installed in the same or a newer major version than the server.
"""

from __future__ import annotations

import argparse
import logging
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from settings import SettingsError, load_settings

logger = logging.getLogger(__name__)

SQLITE_PREFIX = "sqlite:///"
# SQLAlchemy names the driver after a plus sign (postgresql+psycopg://); libpq does not accept it.
DRIVER_SUFFIX = re.compile(r"^(postgres(?:ql)?)\+[a-z0-9_]+://")


class BackupError(Exception):
    """Raised when a backup or restore cannot run; the message is Chinese."""


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy a live SQLite database into a new file, consistent even while others write."""
    if not database.exists():
        raise BackupError(f"SQLite 数据库 {database} 不存在")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def restore_sqlite(backup: Path, database: Path) -> None:
    """Overwrite a SQLite database with the content of a backup file, page by page.

    Stop heatscore first: a process that keeps the database open would go on with the
    pages it has cached.
    """
    if not backup.exists():
        raise BackupError(f"备份文件 {backup} 不存在")
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(database)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def libpq_url(database_url: str) -> str:
    """Turn a SQLAlchemy PostgreSQL URL into one that pg_dump and pg_restore accept."""
    return DRIVER_SUFFIX.sub(r"\1://", database_url)


def backup_postgres(database_url: str, target: Path) -> None:
    """Dump a PostgreSQL database into a custom-format archive with pg_dump."""
    target.parent.mkdir(parents=True, exist_ok=True)
    run_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={libpq_url(database_url)}"])


def restore_postgres(backup: Path, database_url: str) -> None:
    """Replace the objects of a PostgreSQL database with those of a pg_dump archive."""
    if not backup.exists():
        raise BackupError(f"备份文件 {backup} 不存在")
    run_tool(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={libpq_url(database_url)}", str(backup),
        ]
    )


def run_tool(command: list[str]) -> None:
    """Run pg_dump or pg_restore, raising BackupError with its stderr when it fails."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client）") from None
    if completed.returncode != 0:
        # The URL may contain a password, so only the tool's own message is shown.
        raise BackupError(f"{command[0]} 失败（退出码 {completed.returncode}）：{completed.stderr.strip()}")


def backup(database_url: str, target: Path) -> None:
    """Back up the database that the URL names into the target file."""
    if database_url.startswith(SQLITE_PREFIX):
        backup_sqlite(Path(database_url[len(SQLITE_PREFIX):]), target)
    elif DRIVER_SUFFIX.match(database_url) or database_url.startswith(("postgresql://", "postgres://")):
        backup_postgres(database_url, target)
    else:
        raise BackupError("HEATSCORE_DATABASE_URL 既不是 sqlite:/// 也不是 postgresql:// 地址，无法备份")
    logger.info("relational database backed up to %s", target)


def restore(backup_file: Path, database_url: str) -> None:
    """Restore the database that the URL names from a backup file."""
    if database_url.startswith(SQLITE_PREFIX):
        restore_sqlite(backup_file, Path(database_url[len(SQLITE_PREFIX):]))
    elif DRIVER_SUFFIX.match(database_url) or database_url.startswith(("postgresql://", "postgres://")):
        restore_postgres(backup_file, database_url)
    else:
        raise BackupError("HEATSCORE_DATABASE_URL 既不是 sqlite:/// 也不是 postgresql:// 地址，无法恢复")
    logger.info("relational database restored from %s", backup_file)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run, turning known errors into a Chinese message and exit code 2."""
    parser = argparse.ArgumentParser(prog="relational", description="备份或恢复 HEATSCORE_DATABASE_URL 指向的关系数据库")
    parser.add_argument("command", choices=["backup", "restore"], help="backup：备份到文件；restore：从文件恢复（先停止 heatscore 服务）")
    parser.add_argument("file", type=Path, help="备份文件路径")
    arguments = parser.parse_args(argv)
    try:
        database_url = load_settings().database_url
        if arguments.command == "backup":
            backup(database_url, arguments.file)
            print(f"已备份到 {arguments.file}")
        else:
            restore(arguments.file, database_url)
            print(f"已从 {arguments.file} 恢复")
    except (BackupError, SettingsError, sqlite3.Error, OSError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
