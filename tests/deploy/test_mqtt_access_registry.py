"""The MQTT account tool issuing station accounts straight from the registry."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from storage.registry import create_heating_unit, create_station, session_scope, update_heating_unit, upgrade_database

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("mqtt_access", REPO / "deploy" / "mqtt_access.py")
mqtt_access = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mqtt_access)


def test_issue_stations_from_registry_skips_inactive_units(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade_database(url)
    with session_scope(url) as session:
        create_heating_unit(session, code="U01", name="青山热力", actor="test")
        create_heating_unit(session, code="U02", name="停业单位", actor="test")
        create_station(session, code="U01-S01", unit_code="U01", name="一站", actor="test")
        create_station(session, code="U01-S02", unit_code="U01", name="二站", actor="test")
        create_station(session, code="U02-S01", unit_code="U02", name="三站", actor="test")
        update_heating_unit(session, code="U02", active=False, actor="test")
    monkeypatch.setenv("HEATSCORE_DATABASE_URL", url)
    monkeypatch.setenv("HEATSCORE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEATSCORE_MQTT_USERNAME", "ingest")
    monkeypatch.setenv("HEATSCORE_MQTT_PASSWORD", "ingest-secret")

    exit_code = mqtt_access.main([
        "--password-file", str(tmp_path / "passwd"), "--acl-file", str(tmp_path / "acl"),
        "issue-stations", "--from-registry",
    ])

    assert exit_code == 0
    assert "新签发 2 个热力站账号" in capsys.readouterr().out
    acl = (tmp_path / "acl").read_text()
    assert "U01/U01-S01" in acl and "U01/U01-S02" in acl
    assert "U02-S01" not in acl
