"""The batch writer: turns validated messages into InfluxDB writes and acknowledges them.

A message is acknowledged only after its point was accepted by InfluxDB, written to the
on-disk spool, or stored as a dead letter. Batches close at ``batch_size`` lines,
``batch_max_bytes`` bytes or ``batch_max_age_s`` seconds after their first message,
whichever comes first. The MQTT network thread only enqueues; all HTTP and disk work
happens on this writer's own thread.
"""

from __future__ import annotations

import logging
from collections import deque
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.dead_letters import DeadLetter, DeadLetterStore
from ingest.mqtt_client import DeliveryToken
from ingest.spool import Spool
from ingest.stats import IngestStats
from storage.influx import InfluxClient, InfluxRejectedError, InfluxRetryableError

logger = logging.getLogger(__name__)

# Quick retries before a batch goes to the spool; longer outages are the spool's job.
QUICK_RETRIES = 3
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 30.0
# While InfluxDB is known to be down, batches go straight to the spool and InfluxDB is
# probed this often, so an outage does not slow the ingest to one batch per backoff.
OUTAGE_PROBE_INTERVAL_S = 5.0


@dataclass(slots=True)
class Outcome:
    """A validated message: either a line to write or a dead letter, with its ack token."""

    token: DeliveryToken
    topic: str
    line: str | None = None
    dead_letter: DeadLetter | None = None


@dataclass(slots=True)
class _Batch:
    outcomes: list[Outcome] = field(default_factory=list)
    byte_count: int = 0
    opened_at: float = 0.0


class BatchWriter:
    """Consumes outcomes on its own thread; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        influx: InfluxClient,
        spool: Spool,
        dead_letters: DeadLetterStore,
        stats: IngestStats,
        ack: Callable[[DeliveryToken], bool],
        batch_size: int,
        batch_max_bytes: int,
        batch_max_age_s: float,
    ) -> None:
        self._influx = influx
        self._spool = spool
        self._dead_letters = dead_letters
        self._stats = stats
        self._ack = ack
        self._batch_size = batch_size
        self._batch_max_bytes = batch_max_bytes
        self._batch_max_age_s = batch_max_age_s
        # A deque, not a queue.Queue: appending needs no lock, which matters on the MQTT
        # thread at thousands of messages per second. The writer sleeps on ``_wakeup``
        # only after announcing it through ``_waiting``.
        self._pending: deque[Outcome] = deque()
        self._wakeup = threading.Event()
        self._waiting = False
        self._submitted = 0
        self._handled = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="influx-writer", daemon=True)
        self.influx_available = True
        self._last_probe = 0.0

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def submit(self, outcome: Outcome) -> None:
        """Hand over one message; called from the MQTT thread only."""
        self._submitted += 1
        self._pending.append(outcome)
        if self._waiting:
            self._wakeup.set()

    def in_flight(self) -> int:
        """Return how many messages wait for their acknowledgement."""
        return self._submitted - self._handled

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until every submitted message was handled, or the timeout passed."""
        deadline = time.monotonic() + timeout_s
        while self.in_flight() > 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def stop(self, timeout_s: float = 30.0) -> None:
        """Flush what is queued, then stop the thread."""
        self._stopping.set()
        self._wakeup.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        batch = _Batch()
        while True:
            self._take_pending(batch)

            if batch.outcomes and self._batch_is_due(batch):
                self._flush(batch)
                self._handled += len(batch.outcomes)
                batch = _Batch()
                continue
            if not batch.outcomes and self._spool.bytes_used and self._probe_due():
                self._drain_when_idle()

            if not batch.outcomes and not self._pending and self._stopping.is_set():
                return
            self._sleep_until_work(batch)

    def _take_pending(self, batch: _Batch) -> None:
        while self._pending and len(batch.outcomes) < self._batch_size and batch.byte_count < self._batch_max_bytes:
            outcome = self._pending.popleft()
            if not batch.outcomes:
                batch.opened_at = time.monotonic()
            batch.outcomes.append(outcome)
            batch.byte_count += len(outcome.line or "") + 1

    def _sleep_until_work(self, batch: _Batch) -> None:
        if self._pending or self._stopping.is_set():
            return
        self._waiting = True
        # Check again after announcing the wait: a message appended in between would
        # otherwise sit until the timeout.
        if not self._pending:
            self._wakeup.wait(self._time_left(batch))
        self._waiting = False
        self._wakeup.clear()

    def _time_left(self, batch: _Batch) -> float:
        if not batch.outcomes:
            return 0.2
        return max(0.0, batch.opened_at + self._batch_max_age_s - time.monotonic())

    def _batch_is_due(self, batch: _Batch) -> bool:
        return (
            len(batch.outcomes) >= self._batch_size
            or batch.byte_count >= self._batch_max_bytes
            or time.monotonic() - batch.opened_at >= self._batch_max_age_s
            or self._stopping.is_set()
        )

    def _probe_due(self) -> bool:
        return time.monotonic() - self._last_probe >= OUTAGE_PROBE_INTERVAL_S

    def _drain_when_idle(self) -> None:
        self._last_probe = time.monotonic()
        try:
            self._drain_spool()
            self.influx_available = True
        except InfluxRetryableError as error:
            logger.info("InfluxDB still unavailable (%s); %d bytes stay spooled", error, self._spool.bytes_used)

    def _flush(self, batch: _Batch) -> None:
        letters = [outcome.dead_letter for outcome in batch.outcomes if outcome.dead_letter]
        written = [outcome for outcome in batch.outcomes if outcome.line is not None]

        rejected = self._store_lines(written)
        for outcome, reason in rejected:
            letters.append(
                DeadLetter(
                    topic=outcome.topic,
                    payload=(outcome.line or "").encode("utf-8"),
                    reason_code="influx_rejected",
                    reason=f"InfluxDB 拒绝写入：{reason}",
                    stage="influx",
                )
            )
        self._dead_letters.add_many(letters)
        self._stats.add(stored=len(written) - len(rejected))
        if rejected:
            self._stats.reject("influx_rejected", len(rejected))

        stale = sum(1 for outcome in batch.outcomes if not self._ack(outcome.token))
        if stale:
            self._stats.add(stale_acks=stale)
            logger.info("%d acknowledgements dropped: their MQTT connection closed; the broker redelivers", stale)
        self._stats.record_batch((time.monotonic() - batch.opened_at) * 1000)

    def _store_lines(self, outcomes: list[Outcome]) -> list[tuple[Outcome, str]]:
        """Write the lines or spool them; return lines InfluxDB rejected, with the reason."""
        if not outcomes:
            return []
        attempt = 0
        if not self.influx_available and not self._probe_due():
            attempt = QUICK_RETRIES
        while True:
            self._last_probe = time.monotonic()
            try:
                self._drain_spool()
                rejected = self._write_splitting(outcomes)
                self.influx_available = True
                return rejected
            except InfluxRetryableError as error:
                self.influx_available = False
                attempt += 1
                self._stats.add(retried_writes=1)
                if attempt > QUICK_RETRIES and self._spool.append([o.line for o in outcomes if o.line is not None]):
                    self._stats.add(spooled_batches=1)
                    logger.warning(
                        "InfluxDB unavailable (%s); spooled %d lines to %s (%d bytes spooled)",
                        error, len(outcomes), self._spool.directory, self._spool.bytes_used,
                    )
                    return []
                if attempt > QUICK_RETRIES:
                    logger.error(
                        "InfluxDB unavailable and spool full (%d of %d bytes); holding %d messages"
                        " unacknowledged so the broker keeps them",
                        self._spool.bytes_used, self._spool.max_bytes, len(outcomes),
                    )
                time.sleep(self._backoff_s(attempt, error.retry_after_s))

    def _drain_spool(self) -> None:
        for path in self._spool.pending():
            lines = self._spool.read(path)
            rejected = self._write_lines_splitting(lines)
            if rejected:
                self._dead_letters.add_many(
                    [
                        DeadLetter(
                            topic="(spool)",
                            payload=line.encode("utf-8"),
                            reason_code="influx_rejected",
                            reason=f"InfluxDB 拒绝写入：{reason}",
                            stage="influx",
                        )
                        for line, reason in rejected
                    ]
                )
                self._stats.reject("influx_rejected", len(rejected))
            self._stats.add(stored=len(lines) - len(rejected))
            self._spool.remove(path)
            logger.info("drained spooled batch %s (%d lines) into InfluxDB", path.name, len(lines))

    def _write_splitting(self, outcomes: list[Outcome]) -> list[tuple[Outcome, str]]:
        by_line = {outcome.line: outcome for outcome in outcomes}
        rejected = self._write_lines_splitting([outcome.line for outcome in outcomes])
        return [(by_line[line], reason) for line, reason in rejected]

    def _write_lines_splitting(self, lines: list[str]) -> list[tuple[str, str]]:
        """Write lines; on a rejection, halve the batch until the bad lines are isolated.

        Rewriting lines that a partial write already stored is harmless: the same series
        and time overwrite the point with identical values.
        """
        try:
            self._influx.write_lines(lines)
            return []
        except InfluxRejectedError as error:
            if len(lines) == 1:
                return [(lines[0], error.body[:500])]
        middle = len(lines) // 2
        return self._write_lines_splitting(lines[:middle]) + self._write_lines_splitting(lines[middle:])

    @staticmethod
    def _backoff_s(attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, BACKOFF_MAX_S)
        delay = min(BACKOFF_BASE_S * 2 ** (attempt - 1), BACKOFF_MAX_S)
        return delay * (0.5 + random.random() / 2)
