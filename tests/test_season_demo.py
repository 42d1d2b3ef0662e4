"""The whole-season demo on the real services: every injected fault found, a full ranking.

This is the slowest test (about four minutes here): 183 days of a small city go over
MQTT through two ingest processes into InfluxDB, are rolled up day by day and assessed.
"""

from __future__ import annotations

import pytest

from heatscore.season_demo import SEASON_CODE, run_season_demo
from scoring.annual import AssessmentResult
from fastapi.testclient import TestClient

from api.app import create_app
from storage.registry import create_user, list_annual_results, session_scope

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_season_demo_finds_every_fault_and_ranks(service_settings, capsys):
    exit_code = run_season_demo(service_settings)

    output = capsys.readouterr().out
    assert exit_code == 0, output
    assert "全部一致" in output
    with session_scope(service_settings.database_url) as session:
        results = {row.unit.code: AssessmentResult.model_validate(row.explanation) for row in
                   list_annual_results(session, season_code=SEASON_CODE)}
    heating = {code: result for code, result in results.items() if result.unit_kind.value == "heating_unit"}
    assert len({result.grade.value for result in heating.values()}) >= 3
    assert "veto_room_compliance" in results["U03"].vetoes_triggered
    for result in results.values():
        assert sum(line.points for line in result.lines) == result.total
    assert (service_settings.data_dir / "reports" / SEASON_CODE / "ranking.html").exists()

    # The API's figure for the season's dates is the one the annual result used.
    client = TestClient(create_app(service_settings))
    with session_scope(service_settings.database_url) as session:
        create_user(session, username="check.inspector", password="inspector-pass-1", role="inspector", actor="test")
    token = client.post("/api/v1/auth/token", data={"username": "check.inspector", "password": "inspector-pass-1"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for unit in ("U01", "U03"):
        answer = client.get(f"/api/v1/units/{unit}/indicators", params={"from": "2024-10-15", "to": "2025-04-15"},
                            headers=headers)
        used = results[unit].inputs.indicators.get("room_compliance_rate").value
        assert answer.status_code == 200
        assert answer.json()["room_compliance"]["rate"] == pytest.approx(used, abs=1e-6)
