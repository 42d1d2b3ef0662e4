"""Shared fixtures: real Mosquitto and InfluxDB on loopback, isolated per test run.

Tests marked ``services`` need the services that ``deploy/services.sh start`` provides;
each test run provisions its own InfluxDB database with the admin account (as the
deploy script does in production) and uses its own MQTT topic prefix and client ids.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from settings import Settings

INFLUX_URL = os.environ.get("HEATSCORE_INFLUX_URL", "http://127.0.0.1:18086")
ADMIN_USER = os.environ.get("HEATSCORE_INFLUX_ADMIN_USERNAME", "admin")
ADMIN_PASSWORD = os.environ.get("HEATSCORE_INFLUX_ADMIN_PASSWORD", "heatscore-admin-local")
RUN_ID = uuid.uuid4().hex[:8]


def _influx_admin(statement: str) -> dict:
    response = httpx.post(f"{INFLUX_URL}/query", data={"q": statement}, auth=(ADMIN_USER, ADMIN_PASSWORD), timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="session")
def influx_database() -> Iterator[str]:
    """Provision a database for this test run and drop it afterwards."""
    try:
        httpx.get(f"{INFLUX_URL}/ping", timeout=2)
    except httpx.HTTPError:
        pytest.fail(f"InfluxDB does not answer at {INFLUX_URL}: run 'bash deploy/services.sh start' first")
    name = f"heatscore_test_{RUN_ID}"
    _influx_admin(f'CREATE DATABASE "{name}"')
    _influx_admin(f'GRANT ALL ON "{name}" TO "heatscore"')
    yield name
    _influx_admin(f'DROP DATABASE "{name}"')


@pytest.fixture
def service_settings(influx_database: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings for one test: own InfluxDB database, topic prefix, client id and data folder."""
    test_id = uuid.uuid4().hex[:8]
    database = f"{influx_database}_{test_id}"
    _influx_admin(f'CREATE DATABASE "{database}"')
    _influx_admin(f'GRANT ALL ON "{database}" TO "heatscore"')
    yield Settings(
        data_dir=tmp_path / "var",
        influx_database=database,
        mqtt_topic_prefix=f"test-{test_id}/v1",
        mqtt_client_id=f"heatscore-test-{test_id}",
        database_url=f"sqlite:///{tmp_path / 'heatscore.db'}",
    )
    _influx_admin(f'DROP DATABASE "{database}"')
