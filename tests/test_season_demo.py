"""The whole-season demo on the real services: every injected fault found, a full ranking.

This is the slowest test (about four minutes here): 183 days of a small city go over
MQTT through two ingest processes into InfluxDB, are rolled up day by day and assessed.
"""

from __future__ import annotations

import pytest

from heatscore.season_demo import SEASON_CODE, run_season_demo
from scoring.annual import AssessmentResult
from storage.registry import list_annual_results, session_scope

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
