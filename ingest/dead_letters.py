"""The dead-letter store: every message or line that could not be stored, with the reason.

It is a SQLite file on the ingest machine, written before the message is acknowledged, so
a rejected message is never lost silently. Entries older than the retention period are
purged by ``purge_expired``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letter (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at_ms INTEGER NOT NULL,
    topic TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload BLOB NOT NULL,
    payload_size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letter_time ON dead_letter (received_at_ms);
"""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One rejected message (stage ``validation``) or line (stage ``influx``)."""

    topic: str
    payload: bytes
    reason_code: str
    reason: str
    stage: str = "validation"
    received_at_ms: int = 0


class DeadLetterStore:
    """Thread-safe SQLite store of dead letters, payloads capped at ``payload_cap`` bytes."""

    def __init__(self, path: Path, payload_cap: int = 4096) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._payload_cap = payload_cap
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def add_many(self, letters: list[DeadLetter]) -> None:
        """Store letters durably in one transaction."""
        if not letters:
            return
        now_ms = int(time.time() * 1000)
        rows = [
            (
                letter.received_at_ms or now_ms,
                letter.topic,
                letter.stage,
                letter.reason_code,
                letter.reason,
                letter.payload[: self._payload_cap],
                len(letter.payload),
            )
            for letter in letters
        ]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO dead_letter (received_at_ms, topic, stage, reason_code, reason, payload, payload_size)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute("COMMIT")

    def recent(self, limit: int = 50, reason_code: str | None = None) -> list[dict]:
        """Return the newest entries first, optionally of one reason class."""
        query = "SELECT id, received_at_ms, topic, stage, reason_code, reason, payload, payload_size FROM dead_letter"
        params: tuple = ()
        if reason_code:
            query += " WHERE reason_code = ?"
            params = (reason_code,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(query, (*params, limit)).fetchall()
        keys = ("id", "received_at_ms", "topic", "stage", "reason_code", "reason", "payload", "payload_size")
        return [dict(zip(keys, row)) for row in rows]

    def count_by_reason(self) -> dict[str, int]:
        """Return how many entries each reason class has."""
        with self._lock:
            rows = self._db.execute(
                "SELECT reason_code, COUNT(*) FROM dead_letter GROUP BY reason_code"
            ).fetchall()
        return {code: count for code, count in rows}

    def purge_expired(self, retention_days: int) -> int:
        """Delete entries older than the retention period and return how many went."""
        cutoff = int((time.time() - retention_days * 86400) * 1000)
        with self._lock:
            cursor = self._db.execute("DELETE FROM dead_letter WHERE received_at_ms < ?", (cutoff,))
        return cursor.rowcount

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()
