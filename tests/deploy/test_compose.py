"""Structure of deploy/compose.yaml, the environment files and the systemd units.

When Debian's docker-compose 1.29 is installed, it also validates the compose file. It
checks the file against the Compose schema offline, so no Docker engine is needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from settings import ENV_PREFIX, Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
APP_SERVICES = ("migrate", "ingest-1", "ingest-2", "scheduler", "api")
SETTING_NAMES = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
# Read by deploy/compose.yaml (and Docker Compose itself) only, never by heatscore.
COMPOSE_ONLY_NAMES = {
    "COMPOSE_PROJECT_NAME",
    "HEATSCORE_IMAGE_TAG",
    "HEATSCORE_INGEST_REPLICAS",
    "HEATSCORE_MQTT_TLS_PORT",
    "HEATSCORE_MQTT_CERT_DIR",
    "HEATSCORE_MQTT_STATE_DIR",
    "HEATSCORE_INFLUX_ORG",
    "HEATSCORE_INFLUX_ADMIN_USERNAME",
    "HEATSCORE_INFLUX_ADMIN_PASSWORD",
    "HEATSCORE_INFLUX_ADMIN_TOKEN",
    "HEATSCORE_POSTGRES_PASSWORD",
    "HEATSCORE_GRAFANA_ADMIN_PASSWORD",
    "HEATSCORE_GRAFANA_PORT",
}
VARIABLE_REFERENCE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)")


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_app_environment_names_are_settings(compose: dict) -> None:
    for service in APP_SERVICES:
        names = set(compose["services"][service]["environment"])
        assert names <= SETTING_NAMES, f"{service}: {sorted(names - SETTING_NAMES)}"


def test_app_environment_values_parse(compose: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    environment = compose["services"]["api"]["environment"]
    for name, value in environment.items():
        resolved = re.sub(r"\$\{[A-Z0-9_]+:\?[^}]*\}", "secret", str(value))
        resolved = re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", resolved)
        monkeypatch.setenv(name, resolved)

    settings = Settings(_env_file=None)

    assert settings.mqtt_host == "mosquitto"
    assert settings.influx_url == "http://influxdb:8086"
    assert settings.database_url == "postgresql+psycopg://heatscore:secret@postgres:5432/heatscore"


def test_compose_variables_defined_in_env_example() -> None:
    referenced = set(VARIABLE_REFERENCE.findall((DEPLOY / "compose.yaml").read_text()))
    defined = set(read_env_file(DEPLOY / ".env.example"))

    assert referenced - defined == set()


def test_env_example_names_known() -> None:
    names = set(read_env_file(DEPLOY / ".env.example"))

    assert names - SETTING_NAMES - COMPOSE_ONLY_NAMES == set()


def test_systemd_env_names_are_settings() -> None:
    names = set(read_env_file(DEPLOY / "systemd" / "heatscore.env.example"))

    assert names - SETTING_NAMES == set()


@pytest.mark.parametrize("env_file", [".env.example", "systemd/heatscore.env.example"])
def test_env_examples_parse_as_settings(env_file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in read_env_file(DEPLOY / env_file).items():
        monkeypatch.setenv(name, value)

    settings = Settings(_env_file=None)

    assert settings.mqtt_share_group == "heatscore-ingest"
    assert settings.timezone == "Asia/Shanghai"


def test_ingest_instances_share_with_fixed_client_ids(compose: dict) -> None:
    instances = [compose["services"][name] for name in ("ingest-1", "ingest-2")]
    client_ids = [ingest["environment"]["HEATSCORE_MQTT_CLIENT_ID"] for ingest in instances]

    for ingest in instances:
        assert ingest["command"] == ["ingest"]
        assert ingest["environment"]["HEATSCORE_MQTT_SHARE_GROUP"].startswith("${HEATSCORE_MQTT_SHARE_GROUP")
        assert "deploy" not in ingest, "replicas would share one client id"
    assert client_ids == ["${HEATSCORE_MQTT_CLIENT_ID:-heatscore-ingest}-1", "${HEATSCORE_MQTT_CLIENT_ID:-heatscore-ingest}-2"]


def test_exactly_one_scheduler(compose: dict) -> None:
    assert compose["services"]["scheduler"]["deploy"]["replicas"] == 1
    assert compose["services"]["scheduler"]["command"] == ["scheduler"]
    assert compose["services"]["api"]["command"] == ["api"]


def test_broker_publishes_tls_port_only(compose: dict) -> None:
    mosquitto = compose["services"]["mosquitto"]

    assert mosquitto["ports"] == ["${HEATSCORE_MQTT_TLS_PORT:-8883}:8883"]
    assert any("production.conf" in volume for volume in mosquitto["volumes"])


def test_ingest_unit_sets_instance_client_id() -> None:
    unit = (DEPLOY / "systemd" / "heatscore-ingest@.service").read_text()

    assert "EnvironmentFile=/etc/heatscore/heatscore.env" in unit
    assert 'HEATSCORE_MQTT_CLIENT_ID="$${HEATSCORE_MQTT_CLIENT_ID:-heatscore-ingest}-%i"' in unit
    assert "heatscore ingest" in unit


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed")
def test_docker_compose_validates(tmp_path: Path) -> None:
    command = ["docker-compose", "-f", str(DEPLOY / "compose.yaml"), "--profile", "monitoring"]

    valid = subprocess.run(
        [*command, "--env-file", str(DEPLOY / ".env.example"), "config", "--quiet"],
        capture_output=True, text=True, check=False,
    )
    missing_secret = tmp_path / "missing.env"
    missing_secret.write_text(
        "\n".join(
            line for line in (DEPLOY / ".env.example").read_text().splitlines()
            if not line.startswith("HEATSCORE_MQTT_PASSWORD=")
        )
    )
    invalid = subprocess.run(
        [*command, "--env-file", str(missing_secret), "config", "--quiet"],
        capture_output=True, text=True, check=False,
    )

    assert valid.returncode == 0, valid.stderr
    assert invalid.returncode != 0
    assert "HEATSCORE_MQTT_PASSWORD" in invalid.stderr


@pytest.mark.parametrize("document", ["deployment.md", "部署与配置.md"])
def test_docs_list_every_setting(document: str) -> None:
    text = (DEPLOY.parent / "docs" / document).read_text()

    undocumented = {name for name in SETTING_NAMES if f"`{name}`" not in text}

    assert undocumented == set(), f"add these variables to docs/{document}"
