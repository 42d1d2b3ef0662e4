"""The annual assessment against the real registry, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from scoring.annual import DataWindow, IndicatorSnapshot, IndicatorValue, recompute
from scoring.assessment import assess_season
from scoring.rubric import load_shipped_rubric
from simulators.inspections import enter_inspection_results
from storage.registry import (
    FrozenResultError,
    create_heating_unit,
    create_season,
    freeze_season_results,
    get_annual_result,
    list_annual_results,
    save_annual_result,
    session_scope,
)
from storage.registry.testing import temporary_database

SEASON = "2024-2025"
WINDOW = DataWindow(start=date(2024, 10, 15), end=date(2025, 4, 15))
GOOD_VALUES = {
    "late_station_days": 0,
    "early_stop_station_days": 0,
    "interruption_index": 0.0,
    "interruptions_24h": 0,
    "interruptions_4h": 0,
    "room_compliance_rate": 0.99,
    "low_temp_rate": 0.01,
    "high_temp_rate": 0.02,
    "data_completeness": 0.99,
    "heat_per_m2_gj": 0.35,
    "meter_coverage": 1.0,
    "meter_online_rate": 0.99,
    "measured_household_ratio": 0.15,
    "comfort_rate": 0.5,
    "long_low_temp": 0,
}


def snapshot(**overrides: float) -> IndicatorSnapshot:
    values = {**GOOD_VALUES, **overrides}
    return IndicatorSnapshot(window=WINDOW, values={code: IndicatorValue(value=value) for code, value in values.items()})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry_url(request, tmp_path):
    with temporary_database(request.param, tmp_path) as url:
        yield url


def seed(url: str) -> None:
    rubric = load_shipped_rubric("baotou-2024")
    chp = load_shipped_rubric("baotou-chp-2024")
    with session_scope(url) as session:
        create_season(session, code="2023-2024", official_start=date(2023, 10, 15), official_end=date(2024, 4, 15),
                      rubric_version="baotou-2023", actor="test")
        create_season(session, code=SEASON, official_start=date(2024, 10, 15), official_end=date(2025, 4, 15),
                      rubric_version="baotou-2024", actor="test")
        shares = {"A": 1.0, "B": 0.8, "C": 0.55, "D": 0.9, "E": 0.3}
        for code, share in shares.items():
            create_heating_unit(session, code=code, name=f"供热单位{code}", actor="test")
            enter_inspection_results(session, season_code=SEASON, unit_code=code, rubric=rubric, share=share)
        create_heating_unit(session, code="CHP1", name="热电厂", kind="chp_source", actor="test")
        enter_inspection_results(session, season_code=SEASON, unit_code="CHP1", rubric=chp, share=0.9)
        save_annual_result(session, season_code="2023-2024", unit_code="E", rubric_version="baotou-2023@1",
                           rubric_hash="sha256:old", total=41.0, grade="不达标", rank=5, vetoed=False,
                           consequences={}, explanation={}, indicator_values={},
                           computed_at=datetime(2024, 5, 1, tzinfo=timezone.utc), actor="test")


def run(url: str):
    snapshots = {
        "A": snapshot(),
        "B": snapshot(room_compliance_rate=0.95),
        "C": snapshot(room_compliance_rate=0.93, low_temp_rate=0.07),
        "D": snapshot(room_compliance_rate=0.85, low_temp_rate=0.15),  # veto: below 90 %
        "E": snapshot(room_compliance_rate=0.91, interruptions_24h=3, interruption_index=0.01),
        "CHP1": snapshot(),
    }
    with session_scope(url) as session:
        return assess_season(session, season_code=SEASON, snapshots=snapshots, actor="test")


def test_season_ranked_graded_and_stored(registry_url):
    seed(registry_url)

    outcome = run(registry_url)

    grades = {result.company_id: result.grade.value for result in outcome.results}
    assert grades["A"] == "优秀"
    assert grades["B"] == "良好"
    assert grades["C"] == "达标"
    assert grades["D"] == "不达标"
    assert {r.company_id for r in outcome.results if r.vetoed} == {"D"}
    heating = next(r for r in outcome.rankings if r.unit_kind.value == "heating_unit")
    chp = next(r for r in outcome.rankings if r.unit_kind.value == "chp_source")
    assert [company.company_id for company in chp.companies] == ["CHP1"]
    ranked = [company.company_id for company in heating.companies]
    assert ranked[0] == "A"
    assert ranked[-1] == "D"
    kinds = {company.company_id: {c.kind.value for c in company.consequences} for company in heating.companies}
    assert any("summon" in kind for kind in kinds["D"])
    assert any("takeover" in kind for kind in kinds["E"]), kinds["E"]


def test_explanation_adds_up_and_recomputes(registry_url):
    seed(registry_url)
    run(registry_url)

    with session_scope(registry_url) as session:
        stored = get_annual_result(session, season_code=SEASON, unit_code="C")
        from scoring.annual import AssessmentResult

        result = AssessmentResult.model_validate(stored.explanation)
    assert sum(line.points for line in result.lines) == result.total
    assert recompute(result, load_shipped_rubric("baotou-2024")) == result


def test_frozen_results_kept_on_rerun(registry_url):
    seed(registry_url)
    run(registry_url)
    with session_scope(registry_url) as session:
        assert freeze_season_results(session, season_code=SEASON, actor="test") == 6

    outcome = run(registry_url)

    assert sorted(outcome.skipped_frozen) == ["A", "B", "C", "CHP1", "D", "E"]
    with session_scope(registry_url) as session:
        assert all(result.frozen for result in list_annual_results(session, season_code=SEASON))
        with pytest.raises(FrozenResultError):
            save_annual_result(session, season_code=SEASON, unit_code="A", rubric_version="x", rubric_hash="x",
                               total=1, grade="不达标", rank=1, vetoed=False, consequences={}, explanation={},
                               indicator_values={}, computed_at=datetime.now(timezone.utc), actor="test")


def test_reports_written_in_chinese(registry_url, tmp_path):
    from openpyxl import load_workbook

    from scoring.reports import write_season_reports

    seed(registry_url)
    run(registry_url)

    with session_scope(registry_url) as session:
        files = write_season_reports(session, season_code=SEASON, folder=tmp_path / "report")

    ranking = files.ranking_html.read_text("utf-8")
    assert "包头市供热单位考核评价结果（2024-2025 供暖期）" in ranking
    assert "热电联产热源单位" in ranking
    assert "约谈" in ranking
    assert len(files.company_pages) == 6
    page = (tmp_path / "report" / "company-D.html").read_text("utf-8")
    assert "不达标" in page
    assert "室温达标率" in page
    sheet = load_workbook(files.ranking_xlsx)["排名"]
    assert sheet["A2"].value == "名次"
    assert {sheet.cell(row=r, column=2).value for r in range(3, 9)} == {"A", "B", "C", "D", "E", "CHP1"}
