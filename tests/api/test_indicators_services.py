"""Daily indicators, completeness and exports against the real InfluxDB with hand-made rollups."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from settings import Settings
from storage.influx import InfluxClient
from storage.registry import session_scope, upgrade_database
from tests.api.conftest import login
from tests.api.rollups import write_sample_rollups
from tests.api.seed import seed_registry

pytestmark = pytest.mark.services

SPAN = {"from": "2025-12-01", "to": "2025-12-14"}


@pytest.fixture
def live_client(private_influx_settings: Settings) -> Iterator[TestClient]:
    """A client of an app on the per-run InfluxDB database with the sample rollups and registry."""
    upgrade_database(private_influx_settings.database_url)
    with session_scope(private_influx_settings.database_url) as session:
        seed_registry(session)
    with InfluxClient.from_settings(private_influx_settings) as influx:
        write_sample_rollups(influx)
    with TestClient(create_app(private_influx_settings)) as client:
        client.headers.update(login(client, "inspector"))
        yield client


def test_unit_daily_matches_hand_counts(live_client):
    body = live_client.get("/api/v1/units/U01/daily", params=SPAN).json()

    first = body["days"][0]
    assert len(body["days"]) == 14
    assert first["valid_household_days"] == 3
    assert first["compliance_rate"] == pytest.approx(2 / 3)
    assert first["low_rate"] == pytest.approx(1 / 3)
    assert first["high_rate"] == pytest.approx(1 / 3)
    assert first["mean_temp_c"] == pytest.approx((20 + 16 + 25) / 3)
    assert first["heat_gj_per_m2"] == pytest.approx(90 / 18_000)
    assert body["days"][2]["interruptions"] == 1.0
    assert body["days"][2]["interruption_hours"] == 2.0
    assert body["notes"] == []


def test_days_without_rollups_are_null_with_reason(live_client):
    body = live_client.get("/api/v1/units/U01/daily", params={"from": "2025-12-13", "to": "2025-12-16"}).json()

    last = body["days"][-1]
    assert [day["compliance_rate"] is None for day in body["days"]] == [False, False, True, True]
    assert last["reason"] == "当日没有户日汇总数据"
    assert last["heat_gj_per_m2"] is None


def test_unit_without_station_rollups_has_note(live_client):
    body = live_client.get("/api/v1/units/U02/daily", params=SPAN).json()

    assert body["days"][0]["compliance_rate"] == 1.0
    assert body["days"][0]["heat_gj_per_m2"] is None
    assert body["notes"] == ["尚无热力站日汇总数据（供热量、停热），该项暂不可用"]


def test_station_daily_is_limited_to_station(live_client):
    body = live_client.get("/api/v1/stations/S01A/daily", params=SPAN).json()

    assert body["days"][0]["valid_household_days"] == 2
    assert body["days"][0]["compliance_rate"] == 0.5
    assert body["days"][0]["heat_gj_per_m2"] == pytest.approx(50 / 10_000)


def test_household_daily(live_client):
    body = live_client.get("/api/v1/households/H01A2/daily", params={"from": "2025-12-14", "to": "2025-12-15"}).json()

    assert body["station"] == "S01A"
    assert body["days"][0]["mean_temp_c"] == 16.0
    assert body["days"][0]["valid"] is True
    assert body["days"][0]["compliant"] is False
    assert body["days"][1]["reason"].startswith("当日没有户日汇总数据")


def test_completeness_flags_silent_households(live_client):
    body = live_client.get("/api/v1/units/U01/completeness", params={"from": "2025-12-01", "to": "2025-12-28"}).json()

    stations = {row["station"]: row for row in body["stations"]}
    assert stations["S01A"]["expected_household_days"] == 56
    assert stations["S01A"]["valid_household_days"] == 28
    assert stations["S01A"]["completeness"] == 0.5
    assert body["completeness"] == pytest.approx(42 / 84)
    assert any("S01A" in warning and "50%" in warning for warning in body["warnings"])


def test_legacy_indicators_for_staff(live_client):
    body = live_client.get("/api/v1/units/U01/indicators", params=SPAN).json()

    assert body["room_compliance"]["valid_household_days"] == 42
    assert body["room_compliance"]["compliant_household_days"] == 28


def test_daily_xlsx_export(live_client):
    response = live_client.get("/api/v1/exports/units/U01/daily", params={**SPAN, "format": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "日期"
    assert rows[1][:3] == ("2025-12-01", 3, 3)
    assert rows[1][3] == pytest.approx(2 / 3)
    assert len(rows) == 15


def test_readiness_with_services_up(live_client):
    response = live_client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ready"
