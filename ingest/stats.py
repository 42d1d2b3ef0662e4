"""Self-metrics of one ingest process: counters a thread can bump and a snapshot to report."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class IngestStats:
    """Counters since the process started; every method is thread-safe."""

    started_at: float = field(default_factory=time.time)
    received: int = 0
    stored: int = 0
    dead_lettered: int = 0
    retried_writes: int = 0
    spooled_batches: int = 0
    stale_acks: int = 0
    batches: int = 0
    batch_latency_ms_total: float = 0.0
    batch_latency_ms_max: float = 0.0
    rejected: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **increments: int) -> None:
        """Add to named counters, e.g. ``add(received=1)``."""
        with self._lock:
            for name, amount in increments.items():
                setattr(self, name, getattr(self, name) + amount)

    def reject(self, reason_code: str, count: int = 1) -> None:
        """Count rejected messages or lines by reason class."""
        with self._lock:
            self.rejected[reason_code] += count
            self.dead_lettered += count

    def record_batch(self, latency_ms: float) -> None:
        """Record the time from a batch's first message to its acknowledgement."""
        with self._lock:
            self.batches += 1
            self.batch_latency_ms_total += latency_ms
            self.batch_latency_ms_max = max(self.batch_latency_ms_max, latency_ms)

    def snapshot(self, in_flight: int, spool_batches: int, spool_bytes: int) -> dict:
        """Return every counter plus the current in-flight and spool figures."""
        with self._lock:
            mean_latency = self.batch_latency_ms_total / self.batches if self.batches else 0.0
            return {
                "uptime_s": round(time.time() - self.started_at, 1),
                "received": self.received,
                "stored": self.stored,
                "dead_lettered": self.dead_lettered,
                "rejected_by_reason": dict(self.rejected),
                "retried_writes": self.retried_writes,
                "spooled_batches_total": self.spooled_batches,
                "stale_acks": self.stale_acks,
                "in_flight": in_flight,
                "spool_batches": spool_batches,
                "spool_bytes": spool_bytes,
                "batches": self.batches,
                "batch_latency_ms_mean": round(mean_latency, 1),
                "batch_latency_ms_max": round(self.batch_latency_ms_max, 1),
            }
