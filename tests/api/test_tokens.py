"""Signed tokens: round trip, expiry, tampering and password fingerprints."""

from __future__ import annotations

import pytest

from api.auth.tokens import TokenError, issue_token, password_fingerprint, verify_token


def test_token_round_trip():
    token = issue_token("key", username="张三", role="company", unit_code="U01", password_hash="h", ttl_s=60, now=1000)

    claims = verify_token("key", token, now=1059)

    assert claims.username == "张三"
    assert claims.unit_code == "U01"
    assert claims.expires_at == 1060
    assert claims.password_fingerprint == password_fingerprint("h")


def test_token_expires_at_ttl():
    token = issue_token("key", username="a", role="admin", unit_code=None, password_hash="h", ttl_s=60, now=1000)

    with pytest.raises(TokenError, match="过期"):
        verify_token("key", token, now=1060)


@pytest.mark.parametrize("token", ["", "abc", "abc.", ".def", "a.b.c"])
def test_malformed_token_rejected(token):
    with pytest.raises(TokenError):
        verify_token("key", token)


def test_changed_claims_break_signature():
    token = issue_token("key", username="a", role="public", unit_code=None, password_hash="h")
    body, tag = token.split(".")
    other = issue_token("key", username="a", role="admin", unit_code=None, password_hash="h").split(".")[0]

    with pytest.raises(TokenError, match="签名"):
        verify_token("key", f"{other}.{tag}")
    assert body != other
