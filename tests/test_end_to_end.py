"""The whole path on the real broker and database: simulate, publish, ingest, roll up, compare."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from heatscore.demo import DEMO_START, format_table, run_demo
from scoring.compliance import unit_compliance
from storage.influx import InfluxClient

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_demo_matches_ground_truth_through_real_services(service_settings, capsys):
    days = 3

    exit_code = run_demo(service_settings, days=days, households=60)

    output = capsys.readouterr().out
    assert exit_code == 0, output
    assert "室温达标率" in output

    last_day = DEMO_START + timedelta(days=days - 1)
    with InfluxClient.from_settings(service_settings) as influx:
        results = unit_compliance(influx, DEMO_START, last_day, ZoneInfo(service_settings.timezone))
    import json

    truth = json.loads((service_settings.data_dir / "simulation" / "ground-truth.json").read_text("utf-8"))
    assert set(results) == {"U01", "U02", "U03"}
    for unit, expected in truth["unit_rates"].items():
        assert results[unit].valid_household_days == expected["valid"]
        assert results[unit].compliant_household_days == expected["compliant"]
        assert abs(results[unit].rate - expected["rate"]) * 100 <= 0.1

    client = logged_in_client(service_settings)
    listed = client.get("/api/v1/units").json()
    assert [item["code"] for item in listed["data"]] == ["U01", "U02", "U03"]
    answer = client.get("/api/v1/units/U03/indicators", params={"from": DEMO_START.isoformat(), "to": last_day.isoformat()})
    assert answer.status_code == 200
    body = answer.json()["room_compliance"]
    assert body["valid_household_days"] == truth["unit_rates"]["U03"]["valid"]
    assert abs(body["rate"] - truth["unit_rates"]["U03"]["rate"]) < 1e-9


def logged_in_client(settings) -> TestClient:
    """Create an inspector in the test's registry and return a client carrying its token."""
    from storage.registry import create_user, session_scope, upgrade_database

    upgrade_database(settings.database_url)
    with session_scope(settings.database_url) as session:
        create_user(session, username="e2e.inspector", password="inspector-pass-1", role="inspector", actor="test")
    client = TestClient(create_app(settings))
    token = client.post("/api/v1/auth/token", data={"username": "e2e.inspector", "password": "inspector-pass-1"})
    assert token.status_code == 200, token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


def test_indicators_need_login(service_settings):
    client = TestClient(create_app(service_settings))

    answer = client.get("/api/v1/units/U01/indicators", params={"from": "2025-12-01", "to": "2025-12-05"})

    assert answer.status_code == 401
    assert "登录" in answer.json()["error"]["message"]


def test_api_rejects_reversed_range_and_unknown_unit(service_settings):
    client = logged_in_client(service_settings)

    reversed_range = client.get("/api/v1/units/U01/indicators", params={"from": "2025-12-05", "to": "2025-12-01"})
    unknown = client.get("/api/v1/units/NOPE/indicators", params={"from": "2025-12-01", "to": "2025-12-05"})
    bad_date = client.get("/api/v1/units/U01/indicators", params={"from": "2025-13-01", "to": "2025-12-05"})

    assert reversed_range.status_code == 422
    assert reversed_range.json()["error"]["code"] == "date_range_reversed"
    assert unknown.status_code == 404
    assert "不存在" in unknown.json()["error"]["message"]
    assert bad_date.status_code == 422
    assert "日期" in bad_date.json()["error"]["message"]


def test_format_table_flags_missing_unit():
    table, gap = format_table({}, {"U09": {"rate": 0.5}})

    assert "无数据" in table
    assert gap == float("inf")
