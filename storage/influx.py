"""A small InfluxDB client for the v1-compatible HTTP API: /ping, /write and /query.

InfluxDB 1.x, 2.x (v1 compatibility with DBRP mapping) and 3.x all serve these paths.
Writes always send ``precision=ms``; queries ask for ``epoch=ms``; authentication is HTTP
Basic (on 3.x the token goes in the password). The client never creates databases:
they are provisioned by deploy/services.sh or by the operator.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from storage.influxql import check_portable

logger = logging.getLogger(__name__)


class InfluxError(Exception):
    """Base class of InfluxDB errors."""


class InfluxRetryableError(InfluxError):
    """The server was unreachable or overloaded; the same request may succeed later."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InfluxRejectedError(InfluxError):
    """The server rejected the request itself (bad line, schema conflict); retrying cannot help."""

    def __init__(self, message: str, status: int, body: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class InfluxAuthError(InfluxError):
    """The credentials were rejected (401/403)."""


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a query result."""

    name: str
    tags: dict[str, str]
    columns: list[str]
    values: list[list[Any]]


def _retry_after(response: httpx.Response) -> float | None:
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        return None


class InfluxClient:
    """Synchronous client bound to one database."""

    def __init__(
        self,
        url: str,
        database: str,
        username: str | None,
        password: str | None,
        timeout_s: float = 10.0,
    ) -> None:
        auth = httpx.BasicAuth(username or "", password or "") if username or password else None
        self.database = database
        self._http = httpx.Client(base_url=url.rstrip("/"), auth=auth, timeout=timeout_s)

    @classmethod
    def from_settings(cls, settings: Any, timeout_s: float | None = None) -> "InfluxClient":
        """Build a client from the shared settings object, with their request timeout unless one is given."""
        return cls(
            settings.influx_url,
            settings.influx_database,
            settings.influx_username,
            settings.influx_password,
            settings.influx_timeout_s if timeout_s is None else timeout_s,
        )

    @classmethod
    def for_jobs(cls, settings: Any) -> "InfluxClient":
        """Build a client for the scheduled jobs, whose whole-city requests take longer than a page's."""
        return cls.from_settings(settings, max(settings.influx_timeout_s, settings.influx_job_timeout_s))

    def close(self) -> None:
        """Close the underlying HTTP connection pool."""
        self._http.close()

    def __enter__(self) -> "InfluxClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ping(self) -> bool:
        """Return True when the server responds to /ping with 204."""
        try:
            response = self._http.get("/ping")
        except httpx.HTTPError:
            return False
        return response.status_code == 204

    def write_lines(self, lines: list[str]) -> None:
        """Write line-protocol lines with millisecond precision.

        Raises InfluxRetryableError for timeouts, refused connections, 429 and 5xx,
        InfluxRejectedError for 400/413/422 (the server may have stored the valid lines of a
        partial write), and InfluxAuthError for 401/403.
        """
        if not lines:
            return
        body = ("\n".join(lines) + "\n").encode("utf-8")
        try:
            response = self._http.post(
                "/write", params={"db": self.database, "precision": "ms"}, content=body
            )
        except httpx.TimeoutException as error:
            raise InfluxRetryableError(f"write to {self.database} timed out: {error}") from error
        except httpx.TransportError as error:
            raise InfluxRetryableError(f"write to {self.database} failed: {error}") from error

        self._raise_for_write_status(response)

    def _raise_for_write_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status == 204 or status == 200:
            return
        text = response.text[:2000]
        if status in (401, 403):
            raise InfluxAuthError(f"InfluxDB rejected the credentials for {self.database}: {text}")
        if status == 429 or status >= 500:
            raise InfluxRetryableError(
                f"InfluxDB responded {status} to a write to {self.database}: {text}",
                retry_after_s=_retry_after(response),
            )
        raise InfluxRejectedError(
            f"InfluxDB rejected a write to {self.database} with {status}: {text}", status, text
        )

    def query(self, statement: str, params: dict[str, Any] | None = None) -> list[Series]:
        """Run one portable InfluxQL SELECT or SHOW and return its series."""
        check_portable(statement)
        query_params: dict[str, Any] = {"db": self.database, "q": statement, "epoch": "ms"}
        if params:
            query_params["params"] = json.dumps(params)
        try:
            response = self._http.post("/query", data=query_params)
        except httpx.TimeoutException as error:
            raise InfluxRetryableError(f"query on {self.database} timed out: {error}") from error
        except httpx.TransportError as error:
            raise InfluxRetryableError(f"query on {self.database} failed: {error}") from error

        if response.status_code in (401, 403):
            raise InfluxAuthError(f"InfluxDB rejected the credentials for {self.database}")
        if response.status_code >= 500 or response.status_code == 429:
            raise InfluxRetryableError(
                f"InfluxDB responded {response.status_code} to a query: {response.text[:500]}",
                retry_after_s=_retry_after(response),
            )
        payload = response.json()
        if response.status_code != 200 or "error" in payload:
            raise InfluxRejectedError(
                f"query failed: {payload.get('error', response.text[:500])}",
                response.status_code,
                response.text[:2000],
            )
        return _collect_series(payload)


def _collect_series(payload: dict[str, Any]) -> list[Series]:
    collected: list[Series] = []
    for result in payload.get("results", []):
        if "error" in result:
            raise InfluxRejectedError(f"query failed: {result['error']}", 200, str(result["error"]))
        for series in result.get("series", []):
            collected.append(
                Series(
                    name=series.get("name", ""),
                    tags=series.get("tags", {}) or {},
                    columns=series.get("columns", []),
                    values=series.get("values", []),
                )
            )
    return collected
