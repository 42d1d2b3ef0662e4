"""A company never reads or writes another company's unpublished data, through any endpoint."""

from __future__ import annotations

import pytest

from api.app import create_app

SPAN = "from=2025-12-01&to=2025-12-14"
DRAFT = "{u02_draft_entry}"

# Every request that targets unit U02's unpublished data; company1 belongs to U01.
FOREIGN_REQUESTS = [
    ("GET", "/api/v1/units/U02", None),
    ("GET", f"/api/v1/units/U02/indicators?{SPAN}", None),
    ("GET", f"/api/v1/units/U02/daily?{SPAN}", None),
    ("GET", f"/api/v1/units/U02/completeness?{SPAN}", None),
    ("GET", "/api/v1/stations?unit=U02", None),
    ("GET", "/api/v1/stations/S02A", None),
    ("GET", f"/api/v1/stations/S02A/daily?{SPAN}", None),
    ("GET", "/api/v1/households?unit=U02", None),
    ("GET", "/api/v1/households/H02A1", None),
    ("GET", f"/api/v1/households/H02A1/daily?{SPAN}", None),
    ("GET", "/api/v1/devices?unit=U02", None),
    ("GET", "/api/v1/seasons/2025-2026/entries?unit=U02", None),
    ("POST", "/api/v1/seasons/2025-2026/entries",
     {"unit": "U02", "code": "service_proactive", "entry_kind": "item", "source": "self_assessment", "points": 1}),
    ("GET", f"/api/v1/entries/{DRAFT}", None),
    ("PATCH", f"/api/v1/entries/{DRAFT}", {"points": 5}),
    ("POST", f"/api/v1/entries/{DRAFT}/submit", None),
    ("POST", f"/api/v1/entries/{DRAFT}/review", {"accept": True}),
    ("DELETE", f"/api/v1/entries/{DRAFT}", None),
    ("POST", f"/api/v1/entries/{DRAFT}/evidence", "file"),
    ("GET", f"/api/v1/entries/{DRAFT}/evidence/1", None),
    ("DELETE", f"/api/v1/entries/{DRAFT}/evidence/1", None),
    ("GET", "/api/v1/seasons/2025-2026/results/U02", None),
    ("GET", "/api/v1/seasons/2025-2026/results/U02/explanation", None),
    ("GET", f"/api/v1/exports/units/U02/daily?{SPAN}&format=csv", None),
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"username": "intruder", "password": "long-enough-1", "role": "admin"}),
    ("PATCH", "/api/v1/users/company2", {"active": False}),
    ("POST", "/api/v1/auth/api-keys", {"username": "company2"}),
    ("GET", "/api/v1/ops/ingest", None),
    ("GET", "/api/v1/ops/dead-letters?client_id=heatscore-ingest", None),
]

# Endpoints open to everyone, and lists a company may call that are filtered to what it may see.
OPEN_ENDPOINTS = {
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/auth/me"), ("GET", "/api/v1/units"), ("GET", "/api/v1/seasons"),
    ("GET", "/api/v1/seasons/{season}"), ("GET", "/api/v1/rubrics"), ("GET", "/api/v1/rubrics/{rubric_id}"),
}
FILTERED_LISTS = {
    ("GET", "/api/v1/stations"), ("GET", "/api/v1/households"), ("GET", "/api/v1/devices"),
    ("GET", "/api/v1/seasons/{season}/entries"), ("GET", "/api/v1/seasons/{season}/results"),
    ("GET", "/api/v1/exports/ranking"),
}


def _send(client, method: str, path: str, body, headers: dict, ids: dict):  # noqa: ANN001, ANN202
    url = path.format(**ids)
    if body == "file":
        return client.request(method, url, headers=headers, files={"file": ("a.pdf", b"%PDF-1.4\n", "application/pdf")})
    return client.request(method, url, headers=headers, json=body)




def test_table_covers_every_endpoint(client):
    routes = {(method, route.path) for route in client.app.routes if hasattr(route, "methods")
              for method in route.methods if method != "HEAD" and route.path.startswith(("/api", "/healthz", "/readyz", "/metrics"))}
    from starlette.routing import compile_path

    covered = set(OPEN_ENDPOINTS) | FILTERED_LISTS
    for method, path, _ in FOREIGN_REQUESTS:
        concrete = path.split("?")[0].replace(DRAFT, "7")
        for route_method, template in routes:
            regex = compile_path(template)[0]
            if route_method == method and regex.match(concrete):
                covered.add((route_method, template))
    assert routes - covered == set()


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN_REQUESTS, ids=[f"{m} {p}" for m, p, _ in FOREIGN_REQUESTS])
def test_company_cannot_reach_other_unit(client, headers_for, seed_ids, method, path, body):
    response = _send(client, method, path, body, headers_for("company1"), seed_ids)

    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"].startswith("forbidden")


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN_REQUESTS, ids=[f"{m} {p}" for m, p, _ in FOREIGN_REQUESTS])
def test_public_user_is_refused(client, headers_for, seed_ids, method, path, body):
    response = _send(client, method, path, body, headers_for("citizen"), seed_ids)

    assert response.status_code == 403, response.text


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN_REQUESTS, ids=[f"{m} {p}" for m, p, _ in FOREIGN_REQUESTS])
def test_anonymous_caller_must_log_in(client, seed_ids, method, path, body):
    response = _send(client, method, path, body, {}, seed_ids)

    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


def test_company_lists_hold_only_own_unit(client, headers_for):
    headers = headers_for("company1")

    stations = client.get("/api/v1/stations", headers=headers).json()
    households = client.get("/api/v1/households", headers=headers).json()
    devices = client.get("/api/v1/devices", headers=headers).json()
    entries = client.get("/api/v1/seasons/2025-2026/entries", headers=headers).json()
    ranking = client.get("/api/v1/seasons/2025-2026/results", headers=headers).json()
    export = client.get("/api/v1/exports/ranking?season=2025-2026", headers=headers).text

    assert {item["unit"] for item in stations["data"]} == {"U01"}
    assert {item["unit"] for item in households["data"]} == {"U01"}
    assert {item["unit"] for item in devices["data"]} == {"U01"}
    assert entries == []
    assert [row["unit"] for row in ranking["data"]] == ["U01"]
    assert "U02" not in export


def test_company_station_filter_cannot_escape_unit(client, headers_for):
    response = client.get("/api/v1/households?station=S02A", headers=headers_for("company1"))

    assert response.status_code == 200
    assert response.json()["data"] == []


def test_company_sees_own_unpublished_result(client, headers_for):
    response = client.get("/api/v1/seasons/2025-2026/results/U02", headers=headers_for("company2"))

    assert response.status_code == 200
    assert response.json()["result"]["published"] is False
