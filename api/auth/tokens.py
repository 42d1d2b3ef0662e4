"""Signed bearer tokens: base64url JSON claims plus an HMAC-SHA256 tag over them.

The tag key is ``settings.secret_key``. A token carries the user name, role, unit and a
short fingerprint of the password hash, so changing a password or the secret key
revokes every token issued before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

ACCESS_TOKEN_TTL_S = 8 * 3600
API_KEY_MAX_DAYS = 366
TOKEN_VERSION = 1


class TokenError(Exception):
    """Raised for a token that is malformed, forged or expired; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token asserts about its bearer."""

    username: str
    role: str
    unit_code: str | None
    password_fingerprint: str
    kind: str  # "access" for a login token, "api_key" for a machine client
    issued_at: int
    expires_at: int


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def password_fingerprint(password_hash: str) -> str:
    """Return 12 hex characters that change whenever the stored password hash changes."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:12]


def _tag(secret_key: str, body: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), body.encode("ascii"), hashlib.sha256).digest()
    return _b64encode(digest)


def issue_token(
    secret_key: str,
    *,
    username: str,
    role: str,
    unit_code: str | None,
    password_hash: str,
    ttl_s: int = ACCESS_TOKEN_TTL_S,
    kind: str = "access",
    now: float | None = None,
) -> str:
    """Return a signed token for the user that expires ``ttl_s`` seconds from now."""
    issued_at = int(now if now is not None else time.time())
    claims = {
        "v": TOKEN_VERSION,
        "sub": username,
        "role": role,
        "unit": unit_code,
        "pwf": password_fingerprint(password_hash),
        "kind": kind,
        "iat": issued_at,
        "exp": issued_at + ttl_s,
    }
    body = _b64encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{body}.{_tag(secret_key, body)}"


def verify_token(secret_key: str, token: str, *, now: float | None = None) -> TokenClaims:
    """Return the claims of a token signed with ``secret_key``, raising TokenError otherwise."""
    body, separator, tag = token.partition(".")
    if not separator or not body or not tag:
        raise TokenError("令牌格式无效")
    if not hmac.compare_digest(_tag(secret_key, body), tag):
        raise TokenError("令牌签名无效")

    try:
        claims = json.loads(_b64decode(body))
        parsed = TokenClaims(
            username=str(claims["sub"]),
            role=str(claims["role"]),
            unit_code=claims["unit"],
            password_fingerprint=str(claims["pwf"]),
            kind=str(claims["kind"]),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TokenError("令牌内容无效") from None
    if claims.get("v") != TOKEN_VERSION:
        raise TokenError("令牌版本不受支持，请重新登录")

    current = now if now is not None else time.time()
    if parsed.expires_at <= current:
        raise TokenError("令牌已过期，请重新登录")
    return parsed
