"""Bad input gets a stable code and a Chinese message, never a stack trace or NaN."""

from __future__ import annotations

import math

import pytest

from api.jsonsafe import SafeJSONResponse, strip_non_finite


@pytest.mark.parametrize(("path", "field_message"), [
    ("/api/v1/units/U01/daily?from=2025-12-40&to=2025-12-41", "不是有效日期"),
    ("/api/v1/units/U01/daily?to=2025-12-02", "缺少必填参数"),
    ("/api/v1/stations?limit=abc", "必须是整数"),
    ("/api/v1/stations?limit=0", "不能小于 1"),
    ("/api/v1/stations?limit=5000", "不能大于 1000"),
    ("/api/v1/devices?kind=toaster", "取值无效"),
    ("/api/v1/households?measured=maybe", "true 或 false"),
    ("/api/v1/units/bad%20code/daily?from=2025-12-01&to=2025-12-02", "格式无效"),
])
def test_invalid_parameters_explained_in_chinese(client, headers_for, path, field_message):
    response = client.get(path, headers=headers_for("inspector"))

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "validation_error"
    assert field_message in error["message"]
    assert "Traceback" not in response.text


def test_backwards_date_range_is_422(client, headers_for):
    response = client.get("/api/v1/units/U01/daily?from=2025-12-05&to=2025-12-01", headers=headers_for("inspector"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "date_range_reversed"


def test_overlong_date_range_is_422(client, headers_for):
    response = client.get("/api/v1/units/U01/completeness?from=2024-01-01&to=2025-12-01",
                          headers=headers_for("inspector"))

    assert response.json()["error"]["code"] == "date_range_too_long"


@pytest.mark.parametrize("path", [
    "/api/v1/units/NOPE/daily?from=2025-12-01&to=2025-12-02",
    "/api/v1/units/NOPE",
    "/api/v1/stations/NOPE",
    "/api/v1/households/NOPE/daily?from=2025-12-01&to=2025-12-02",
    "/api/v1/seasons/2030-2031",
    "/api/v1/entries/999",
])
def test_unknown_objects_are_404(client, headers_for, path):
    response = client.get(path, headers=headers_for("inspector"))

    assert response.status_code == 404
    assert "不存在" in response.json()["error"]["message"]


def test_wrong_body_types_are_422(client, headers_for):
    response = client.post("/api/v1/seasons/2025-2026/entries", headers=headers_for("inspector"),
                           json={"unit": "U01", "code": "x", "entry_kind": "item", "source": "inspection",
                                 "points": "many"})

    assert response.status_code == 422
    assert "必须是数字" in response.json()["error"]["message"]


def test_non_json_body_is_422(client, headers_for):
    response = client.post("/api/v1/seasons/2025-2026/entries", content=b"{not json",
                           headers={**headers_for("inspector"), "Content-Type": "application/json"})

    assert response.status_code == 422
    assert "JSON" in response.json()["error"]["message"]


def test_unknown_path_and_method(client):
    missing = client.get("/api/v1/nothing-here")
    wrong_method = client.delete("/api/v1/units")

    assert missing.json()["error"]["code"] == "not_found"
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_timeseries_outage_is_503_in_chinese(client, headers_for):
    response = client.get("/api/v1/units/U01/daily?from=2025-12-01&to=2025-12-02", headers=headers_for("inspector"))

    assert response.status_code == 503
    assert response.json()["error"]["message"] == "时序数据库暂时不可用，请稍后重试"


def test_non_finite_numbers_become_null():
    body = SafeJSONResponse({"rate": math.nan, "values": [1.5, math.inf, -math.inf], "nested": {"x": math.nan}}).body

    assert body == b'{"rate":null,"values":[1.5,null,null],"nested":{"x":null}}'
    assert strip_non_finite((1.0, math.nan)) == [1.0, None]


def test_readiness_reports_failed_influx(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["registry"]["ok"] is True
    assert response.json()["checks"]["influx"]["message"] == "时序数据库无法连接"


def test_metrics_count_requests_by_route(client):
    client.get("/api/v1/units/U01")
    text = client.get("/metrics").text

    assert 'route="/api/v1/units/{unit}",status="401"' in text
    assert "heatscore_api_uptime_seconds" in text


def test_huge_ids_and_offsets_are_422_not_500(client, headers_for):
    inspector = headers_for("inspector")

    for path in ("/api/v1/entries/99999999999999999999999", "/api/v1/households?offset=9223372036854775808"):
        response = client.get(path, headers=inspector)

        assert response.status_code == 422, path
        assert response.json()["error"]["code"] == "value_out_of_range"
