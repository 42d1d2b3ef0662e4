"""Backup and restore of the relational database by deploy/backup/relational.py."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "backup" / "relational.py"
spec = importlib.util.spec_from_file_location("deploy_backup_relational", SCRIPT)
relational = importlib.util.module_from_spec(spec)
spec.loader.exec_module(relational)


def make_registry(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE station (code TEXT PRIMARY KEY, unit TEXT NOT NULL, area_m2 REAL)")
    connection.executemany(
        "INSERT INTO station VALUES (?, ?, ?)",
        [("S1", "U1", 12000.5), ("S2", "U1", 8000.0), ("S3", "U2", 15500.25)],
    )
    connection.commit()
    return connection


def read_stations(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT code, unit, area_m2 FROM station ORDER BY code").fetchall()
    finally:
        connection.close()


def test_sqlite_round_trip_while_open(tmp_path: Path) -> None:
    database = tmp_path / "heatscore.db"
    backup_file = tmp_path / "backups" / "relational.db"
    writer = make_registry(database)

    # The writer keeps the database open in WAL mode, as a running heatscore would.
    relational.backup(f"sqlite:///{database}", backup_file)
    writer.execute("DELETE FROM station WHERE code = 'S2'")
    writer.execute("INSERT INTO station VALUES ('S9', 'U3', 1.0)")
    writer.commit()
    writer.close()
    assert [row[0] for row in read_stations(database)] == ["S1", "S3", "S9"]

    relational.restore(backup_file, f"sqlite:///{database}")

    assert read_stations(database) == [("S1", "U1", 12000.5), ("S2", "U1", 8000.0), ("S3", "U2", 15500.25)]
    assert read_stations(backup_file) == read_stations(database)


def test_sqlite_backup_includes_uncheckpointed_wal(tmp_path: Path) -> None:
    database = tmp_path / "heatscore.db"
    writer = make_registry(database)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO station VALUES ('S4', 'U2', 42.0)")
    writer.commit()
    assert (tmp_path / "heatscore.db-wal").stat().st_size > 0

    relational.backup(f"sqlite:///{database}", tmp_path / "copy.db")
    writer.close()

    assert ("S4", "U2", 42.0) in read_stations(tmp_path / "copy.db")


def test_sqlite_missing_database_raises(tmp_path: Path) -> None:
    with pytest.raises(relational.BackupError, match="不存在"):
        relational.backup(f"sqlite:///{tmp_path / 'absent.db'}", tmp_path / "copy.db")


def test_unknown_url_raises(tmp_path: Path) -> None:
    with pytest.raises(relational.BackupError):
        relational.backup("mysql://x/y", tmp_path / "copy")


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        ("postgresql+psycopg://heatscore:pw@db:5432/heatscore", "postgresql://heatscore:pw@db:5432/heatscore"),
        ("postgresql+psycopg2://u@h/d", "postgresql://u@h/d"),
        ("postgresql://u@h/d", "postgresql://u@h/d"),
    ],
)
def test_libpq_url(database_url: str, expected: str) -> None:
    assert relational.libpq_url(database_url) == expected


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgres_round_trip(tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    name = f"heatscore_backup_test_{os.getpid()}"
    admin_url = "postgresql://postgres@127.0.0.1:5432/test"
    database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(relational.libpq_url(database_url), autocommit=True) as connection:
            connection.execute("CREATE TABLE station (code TEXT PRIMARY KEY, unit TEXT NOT NULL)")
            connection.execute("INSERT INTO station VALUES ('S1', 'U1'), ('S2', 'U1')")

        relational.backup(database_url, tmp_path / "relational.dump")
        with psycopg.connect(relational.libpq_url(database_url), autocommit=True) as connection:
            connection.execute("DELETE FROM station")
            connection.execute("CREATE TABLE stray (id INT)")
        relational.restore(tmp_path / "relational.dump", database_url)

        with psycopg.connect(relational.libpq_url(database_url)) as connection:
            rows = connection.execute("SELECT code, unit FROM station ORDER BY code").fetchall()
        assert rows == [("S1", "U1"), ("S2", "U1")]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_cli_backup_reads_database_url(tmp_path: Path) -> None:
    database = tmp_path / "heatscore.db"
    make_registry(database).close()
    environment = {
        **os.environ,
        "HEATSCORE_DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(SCRIPT.parents[2]),
    }

    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "backup", str(tmp_path / "copy.db")],
        capture_output=True, text=True, env=environment, cwd=tmp_path, check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "已备份到" in completed.stdout
    assert len(read_stations(tmp_path / "copy.db")) == 3
