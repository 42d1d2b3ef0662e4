"""A per-username limit on failed logins, kept in process memory."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

# Five wrong passwords within five minutes lock the name for the rest of that window.
MAX_FAILURES = 5
WINDOW_S = 300.0


class LoginThrottle:
    """Counts failed logins per user name inside a sliding window.

    NOTE: the counts live in one process; with several API workers each keeps its own,
    so the effective limit is MAX_FAILURES per worker.
    """

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self._max_failures = max_failures
        self._window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, username: str, now: float) -> deque[float]:
        failures = self._failures[username]
        while failures and now - failures[0] > self._window_s:
            failures.popleft()
        return failures

    def retry_after_s(self, username: str) -> float:
        """Return how many seconds the name stays locked, 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(username, now)
            if len(failures) < self._max_failures:
                return 0.0
            return max(0.0, self._window_s - (now - failures[0]))

    def record_failure(self, username: str) -> int:
        """Record one failed login and return the failures inside the window."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(username, now)
            failures.append(now)
            return len(failures)

    def reset(self, username: str) -> None:
        """Forget the failures of a name after a successful login."""
        with self._lock:
            self._failures.pop(username, None)
