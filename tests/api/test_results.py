"""Ranking, results and explanations per role, seasons and rubrics, and CSV/Excel exports."""

from __future__ import annotations

import io

from openpyxl import load_workbook

RESULTS = "/api/v1/seasons/2025-2026/results"


def test_anonymous_ranking_shows_published_only(client):
    response = client.get(RESULTS)

    rows = response.json()["data"]
    assert [row["unit"] for row in rows] == ["U01"]
    assert rows[0]["consequences"][0]["title"] == "通报表扬"
    assert rows[0]["published"] is True


def test_inspector_ranking_shows_all(client, headers_for):
    rows = client.get(RESULTS, headers=headers_for("inspector")).json()["data"]

    assert [(row["unit"], row["rank"], row["published"]) for row in rows] == [("U01", 1, True), ("U02", 2, False)]


def test_ranking_of_empty_kind_gives_reason(client):
    response = client.get(RESULTS, params={"kind": "chp_source"})

    assert response.json()["data"] == []
    assert "尚无考核结果" in response.json()["reason"]


def test_published_explanation_is_public(client):
    response = client.get(f"{RESULTS}/U01/explanation")

    body = response.json()
    assert response.status_code == 200
    assert body["text"].startswith("华北供热公司")
    assert body["lines"][0]["code"] == "quality_on_time_start"


def test_missing_result_is_null_with_reason(client, headers_for):
    response = client.get(f"{RESULTS}/C01", headers=headers_for("inspector"))

    assert response.status_code == 200
    assert response.json()["result"] is None
    assert "尚无考核结果" in response.json()["reason"]


def test_result_for_unknown_unit_is_404(client, headers_for):
    response = client.get(f"{RESULTS}/NOPE", headers=headers_for("inspector"))

    assert response.status_code == 404
    assert "NOPE" in response.json()["error"]["message"]


def test_seasons_and_rubrics_are_public(client):
    seasons = client.get("/api/v1/seasons").json()
    rubrics = client.get("/api/v1/rubrics").json()
    rubric = client.get("/api/v1/rubrics/baotou-2024").json()
    unknown = client.get("/api/v1/rubrics/nope")

    assert seasons[0]["code"] == "2025-2026"
    assert {item["rubric_id"] for item in rubrics} >= {"baotou-2024", "baotou-chp-2024"}
    assert rubric["areas"]
    assert unknown.status_code == 404


def test_ranking_csv_export(client, headers_for):
    response = client.get("/api/v1/exports/ranking", params={"season": "2025-2026", "format": "csv"},
                          headers=headers_for("inspector"))

    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert response.headers["content-type"].startswith("text/csv")
    assert lines[0].startswith("排名,单位编号,单位名称")
    assert lines[1].startswith("1,U01,华北供热公司,供热单位,92.5,优秀,否,通报表扬,是")
    assert len(lines) == 3


def test_ranking_xlsx_export(client):
    response = client.get("/api/v1/exports/ranking", params={"season": "2025-2026", "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "单位编号", "单位名称")
    assert rows[1][:5] == (1, "U01", "华北供热公司", "供热单位", 92.5)
    assert len(rows) == 2


def test_export_guards_against_formulas():
    from api.tables import safe_cell

    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("-2") == "'-2"
    assert safe_cell(-2.0) == -2.0
    assert safe_cell("华北") == "华北"


def test_engine_results_render_explanation(api_settings, client, headers_for):
    from scoring.assessment import assess_season
    from storage.registry import session_scope

    with session_scope(api_settings.database_url) as session:
        assess_season(session, season_code="2025-2026", snapshots={}, actor="test")

    detail = client.get(f"{RESULTS}/U02", headers=headers_for("inspector")).json()
    explanation = client.get(f"{RESULTS}/U02/explanation", headers=headers_for("inspector")).json()

    assert detail["result"]["rubric_version"].startswith("baotou-2024@")
    assert isinstance(detail["result"]["consequences"], list)
    assert explanation["text"].startswith("城东热力公司")
    assert "总分" in explanation["text"]
    assert explanation["lines"]
