"""Export and re-import of InfluxDB rollups by deploy/backup/influx_rollups.py."""

from __future__ import annotations

import importlib.util
import os
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from settings import Settings
from storage.influx import InfluxClient

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "backup" / "influx_rollups.py"
spec = importlib.util.spec_from_file_location("deploy_backup_influx_rollups", SCRIPT)
influx_rollups = importlib.util.module_from_spec(spec)
spec.loader.exec_module(influx_rollups)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2025-12-01 00:00 and 2025-12-02 00:00 in Asia/Shanghai, as UTC milliseconds.
DAY_1_MS = 1764518400000
DAY_2_MS = 1764604800000


def test_local_day_bounds() -> None:
    start_ms, end_ms = influx_rollups.local_day_bounds_ms(date(2025, 12, 1), date(2025, 12, 2), SHANGHAI)

    assert start_ms == DAY_1_MS
    assert end_ms == DAY_2_MS + 86_400_000


@pytest.mark.parametrize(
    ("value", "field_type", "expected"),
    [
        (0.92, "float", "0.92"),
        (3, "float", "3.0"),
        (7, "integer", "7i"),
        (True, "boolean", "true"),
        ('a "b" \\c', "string", '"a \\"b\\" \\\\c"'),
    ],
)
def test_format_field_value(value: object, field_type: str, expected: str) -> None:
    assert influx_rollups.format_field_value(value, field_type) == expected


def test_escape_name() -> None:
    assert influx_rollups.escape_name("a b,c=d", "=") == "a\\ b\\,c\\=d"
    assert influx_rollups.escape_name("a=b") == "a=b"


@pytest.mark.services
def test_export_import_round_trip(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)
    suffix = f"{os.getpid()}_{int(time.time() * 1000)}"
    source = f"test_rollup_{suffix}"
    copy = f"test_rollup_copy_{suffix}"
    client = InfluxClient.from_settings(settings)
    if not client.ping():
        pytest.skip("InfluxDB is not running: start it with deploy/services.sh start")
    lines = [
        f"{source},household=H\\ 1,unit=U1 compliant=1.0,mean_temp_c=19.25 {DAY_1_MS}",
        f"{source},household=H2,unit=U1 compliant=0.0,mean_temp_c=16.5 {DAY_1_MS}",
        f"{source},household=H\\ 1,unit=U1 compliant=1.0,mean_temp_c=20.0 {DAY_2_MS}",
    ]
    client.write_lines(lines)
    try:
        check_round_trip(client, tmp_path, source, copy, lines)
    finally:
        client.close()
        drop_measurements(settings, [source, copy])


def drop_measurements(settings: Settings, measurements: list[str]) -> None:
    """Remove the test's measurements as the admin that deploy/services.sh creates.

    DROP MEASUREMENT is an InfluxDB 1.x statement outside the portable subset, and 1.x
    allows it to admin users only.
    """
    admin = (
        os.environ.get("HEATSCORE_INFLUX_ADMIN_USERNAME", "admin"),
        os.environ.get("HEATSCORE_INFLUX_ADMIN_PASSWORD", "heatscore-admin-local"),
    )
    for measurement in measurements:
        httpx.post(
            f"{settings.influx_url}/query",
            data={"db": settings.influx_database, "q": f'DROP MEASUREMENT "{measurement}"'},
            auth=admin,
            timeout=settings.influx_timeout_s,
        )


def check_round_trip(client: InfluxClient, tmp_path: Path, source: str, copy: str, lines: list[str]) -> None:
    exported = list(
        influx_rollups.export_lines(client, source, DAY_1_MS, DAY_2_MS + 86_400_000, chunk_hours=7)
    )

    assert sorted(exported) == sorted(lines)
    assert [line.rsplit(" ", 1)[1] for line in exported] == [str(DAY_1_MS)] * 2 + [str(DAY_2_MS)]

    lp_file = tmp_path / f"{copy}.lp"
    lp_file.write_text("".join(line.replace(source, copy, 1) + "\n" for line in exported))
    assert influx_rollups.import_file(client, lp_file) == 3
    reimported = list(influx_rollups.export_lines(client, copy, DAY_1_MS, DAY_2_MS + 86_400_000))

    assert sorted(reimported) == sorted(line.replace(source, copy, 1) for line in lines)
