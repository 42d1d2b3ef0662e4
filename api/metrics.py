"""Request counters and latency sums per route, rendered in the Prometheus text format."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response


class RequestMetrics:
    """Thread-safe totals since the process started, keyed by method, route template and status."""

    def __init__(self) -> None:
        self.started_at = time.time()
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = defaultdict(int)
        self._seconds: dict[tuple[str, str], float] = defaultdict(float)

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            self._counts[(method, route, status)] += 1
            self._seconds[(method, route)] += seconds

    def render(self, extra_gauges: dict[str, float] | None = None) -> str:
        """Return every counter as Prometheus exposition text."""
        lines = [
            "# HELP heatscore_api_requests_total Finished HTTP requests.",
            "# TYPE heatscore_api_requests_total counter",
        ]
        with self._lock:
            counts = dict(self._counts)
            seconds = dict(self._seconds)
        for (method, route, status), count in sorted(counts.items()):
            lines.append(f'heatscore_api_requests_total{{method="{method}",route="{route}",status="{status}"}} {count}')
        lines += [
            "# HELP heatscore_api_request_seconds_total Time spent answering requests.",
            "# TYPE heatscore_api_request_seconds_total counter",
        ]
        for (method, route), total in sorted(seconds.items()):
            lines.append(f'heatscore_api_request_seconds_total{{method="{method}",route="{route}"}} {total:.6f}')
        lines += [
            "# HELP heatscore_api_uptime_seconds Seconds since the API process started.",
            "# TYPE heatscore_api_uptime_seconds gauge",
            f"heatscore_api_uptime_seconds {time.time() - self.started_at:.1f}",
        ]
        for name, value in sorted((extra_gauges or {}).items()):
            lines += [f"# TYPE {name} gauge", f"{name} {value}"]
        return "\n".join(lines) + "\n"


class MetricsMiddleware(BaseHTTPMiddleware):
    """Time each request and record it under its route template, so ids do not explode the label set."""

    def __init__(self, app, metrics: RequestMetrics) -> None:  # noqa: ANN001 - ASGI app
        super().__init__(app)
        self.metrics = metrics

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Pass the request on and record its status and duration."""
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", None) or ("/static" if request.url.path.startswith("/static") else "other")
            self.metrics.record(request.method, template, status, time.perf_counter() - started)
