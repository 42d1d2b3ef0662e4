"""Fixtures for API tests: a migrated SQLite registry with seed data and a client per role."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from settings import Settings
from storage.registry import session_scope, upgrade_database
from tests.api.seed import PASSWORD, seed_registry

# Port 9 (discard) on loopback refuses connections at once, so InfluxDB calls fail fast.
UNREACHABLE_INFLUX = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Build the seeded registry once per session; tests copy the file."""
    folder = tmp_path_factory.mktemp("registry")
    path = folder / "template.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    with session_scope(url) as session:
        ids = seed_registry(session)
    from storage.registry import get_engine

    get_engine(url).dispose()
    return path, ids


@pytest.fixture
def api_settings(tmp_path: Path, seeded_template: tuple[Path, dict[str, int]]) -> Settings:
    """Settings with a private copy of the seeded registry and an InfluxDB that refuses connections."""
    target = tmp_path / "registry.db"
    target.write_bytes(seeded_template[0].read_bytes())
    return Settings(data_dir=tmp_path / "var", database_url=f"sqlite:///{target}", influx_url=UNREACHABLE_INFLUX,
                    influx_timeout_s=2.0, secret_key="test-secret-key-for-api-tests")


@pytest.fixture
def private_influx_settings(service_settings: Settings) -> Iterator[Settings]:
    """Service settings on an InfluxDB database of this test alone, dropped afterwards.

    API tests write household-days for 2025-12-01 onwards, the same days the end-to-end
    demo uses, so they must not share the run's database with it.
    """
    from tests.conftest import _influx_admin

    name = f"{service_settings.influx_database}_api_{uuid.uuid4().hex[:8]}"
    _influx_admin(f'CREATE DATABASE "{name}"')
    _influx_admin(f'GRANT ALL ON "{name}" TO "heatscore"')
    yield service_settings.model_copy(update={"influx_database": name})
    _influx_admin(f'DROP DATABASE "{name}"')


@pytest.fixture
def seed_ids(seeded_template: tuple[Path, dict[str, int]]) -> dict[str, int]:
    """Ids of seeded rows."""
    return seeded_template[1]


@pytest.fixture
def client(api_settings: Settings) -> Iterator[TestClient]:
    """An anonymous client of a fresh app."""
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in and return the Authorization header."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def headers_for(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Return a function that logs a seeded user in (cached per test) and returns its header."""
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = login(client, username)
        return cache[username]

    return headers
