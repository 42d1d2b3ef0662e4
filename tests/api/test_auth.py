"""Login, token checks, API keys, user administration and the setup mode of the legacy endpoint."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.tokens import issue_token
from settings import Settings
from tests.api.conftest import UNREACHABLE_INFLUX, login


def test_login_returns_role_and_unit(client):
    response = client.post("/api/v1/auth/token", data={"username": "company1", "password": "secret-pass-1"})

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["role"] == "company"
    assert body["unit"] == "U01"


def test_login_wrong_password_is_chinese_401(client):
    response = client.post("/api/v1/auth/token", data={"username": "admin", "password": "wrong-password"})

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "invalid_credentials", "message": "用户名或密码错误"}


def test_login_locks_after_five_failures(client):
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": "inspector", "password": "wrong-password"})

    locked = client.post("/api/v1/auth/token", data={"username": "inspector", "password": "secret-pass-1"})

    assert locked.status_code == 429
    assert "分钟后再试" in locked.json()["error"]["message"]


def test_me_reports_caller(client, headers_for):
    response = client.get("/api/v1/auth/me", headers=headers_for("inspector"))

    assert response.json() == {"username": "inspector", "role": "inspector", "unit": None}


def test_tampered_token_is_rejected(client, headers_for):
    token = headers_for("company1")["Authorization"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.get("/api/v1/auth/me", headers={"Authorization": forged})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_token_signed_with_other_key_is_rejected(client):
    token = issue_token("another-secret", username="admin", role="admin", unit_code=None, password_hash="x")

    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


def test_password_change_revokes_old_tokens(client, headers_for):
    old = headers_for("company2")
    changed = client.patch("/api/v1/users/company2", json={"password": "a-new-password"}, headers=headers_for("admin"))

    response = client.get("/api/v1/auth/me", headers=old)

    assert changed.status_code == 200
    assert response.status_code == 401
    assert "密码已修改" in response.json()["error"]["message"]
    assert login(client, "company2", "a-new-password")


def test_deactivated_user_is_locked_out(client, headers_for):
    token = headers_for("inspector2")
    client.patch("/api/v1/users/inspector2", json={"active": False}, headers=headers_for("admin"))

    response = client.get("/api/v1/auth/me", headers=token)

    assert response.status_code == 401
    assert "停用" in response.json()["error"]["message"]


def test_role_change_requires_new_login(client, headers_for):
    token = headers_for("citizen")
    client.patch("/api/v1/users/citizen", json={"role": "inspector"}, headers=headers_for("admin"))

    response = client.get("/api/v1/auth/me", headers=token)

    assert response.status_code == 401


def test_api_key_works_in_header(client, headers_for):
    issued = client.post("/api/v1/auth/api-keys", json={"username": "inspector", "valid_days": 30},
                         headers=headers_for("admin"))

    response = client.get("/api/v1/stations", headers={"X-API-Key": issued.json()["api_key"]})

    assert issued.status_code == 201
    assert issued.json()["expires_in"] == 30 * 86400
    assert response.status_code == 200


def test_admin_creates_company_user(client, headers_for):
    created = client.post("/api/v1/users", json={"username": "u02-ops", "password": "long-enough-1", "role": "company",
                                                 "unit": "U02"}, headers=headers_for("admin"))
    duplicate = client.post("/api/v1/users", json={"username": "u02-ops", "password": "long-enough-1",
                                                   "role": "public"}, headers=headers_for("admin"))
    no_unit = client.post("/api/v1/users", json={"username": "nobody", "password": "long-enough-1",
                                                  "role": "company"}, headers=headers_for("admin"))

    assert created.status_code == 201
    assert created.json()["unit"] == "U02"
    assert duplicate.status_code == 409
    assert no_unit.status_code == 422
    assert "所属供热单位" in no_unit.json()["error"]["message"]


def test_short_password_rejected_in_chinese(client, headers_for):
    response = client.post("/api/v1/users", json={"username": "x1", "password": "short", "role": "public"},
                           headers=headers_for("admin"))

    assert response.status_code == 422
    assert "太短" in response.json()["error"]["message"]


def test_legacy_indicators_need_login_once_users_exist(client):
    response = client.get("/api/v1/units/U01/indicators", params={"from": "2025-12-01", "to": "2025-12-02"})

    assert response.status_code == 401


def test_indicators_closed_even_before_first_user(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'empty.db'}",
                        influx_url=UNREACHABLE_INFLUX, influx_timeout_s=2.0)
    with TestClient(create_app(settings)) as empty:
        response = empty.get("/api/v1/units/U01/indicators", params={"from": "2025-12-01", "to": "2025-12-02"})

    assert response.status_code == 401
