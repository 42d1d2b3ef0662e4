"""The batch writer's decisions, with a scripted InfluxDB stand-in (pure logic, no services)."""

from __future__ import annotations

import time

import pytest

import ingest.writer as writer_module
from ingest.dead_letters import DeadLetter, DeadLetterStore
from ingest.mqtt_client import DeliveryToken
from ingest.spool import Spool
from ingest.stats import IngestStats
from ingest.writer import BatchWriter, Outcome
from storage.influx import InfluxRejectedError, InfluxRetryableError


class ScriptedInflux:
    """Accept lines unless a scripted failure is due, and record every accepted line."""

    def __init__(self, failures: list[Exception] | None = None, bad_marker: str | None = None) -> None:
        self.failures = list(failures or [])
        self.bad_marker = bad_marker
        self.stored: list[str] = []
        self.calls = 0

    def write_lines(self, lines: list[str]) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        if self.bad_marker and any(self.bad_marker in line for line in lines):
            good = [line for line in lines if self.bad_marker not in line]
            self.stored.extend(good)  # a partial write keeps the valid lines
            raise InfluxRejectedError("partial write", 400, 'partial write: field type conflict dropped=1')
        self.stored.extend(lines)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr(writer_module.time, "sleep", sleeps.append)
    return sleeps


def make_writer(tmp_path, influx, acked, spool_bytes=1_000_000):
    return BatchWriter(
        influx=influx,
        spool=Spool(tmp_path / "spool", spool_bytes),
        dead_letters=DeadLetterStore(tmp_path / "dead.sqlite3"),
        stats=IngestStats(),
        ack=lambda token: acked.append(token) or True,
        batch_size=10,
        batch_max_bytes=100_000,
        batch_max_age_s=0.05,
    )


def outcomes(count: int, prefix: str = "m") -> list[Outcome]:
    return [Outcome(DeliveryToken(1, index + 1, 1), "t", line=f"{prefix} v={index}.0 {index}") for index in range(count)]


def run_until_idle(writer: BatchWriter, items: list[Outcome]) -> None:
    writer.start()
    for item in items:
        writer.submit(item)
    deadline = time.monotonic() + 10
    while writer.in_flight() and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.stop()


def test_every_message_acked_after_write(tmp_path):
    influx, acked = ScriptedInflux(), []
    writer = make_writer(tmp_path, influx, acked)

    run_until_idle(writer, outcomes(25))

    assert len(influx.stored) == 25
    assert sorted(token.mid for token in acked) == list(range(1, 26))


def test_rejected_line_isolated_and_dead_lettered(tmp_path):
    influx, acked = ScriptedInflux(bad_marker="v=7.0"), []
    writer = make_writer(tmp_path, influx, acked)

    run_until_idle(writer, outcomes(10))

    assert sorted(set(influx.stored)) == sorted(line.line for line in outcomes(10) if "v=7.0" not in line.line)
    letters = DeadLetterStore(tmp_path / "dead.sqlite3").recent(10)
    assert [letter["reason_code"] for letter in letters] == ["influx_rejected"]
    assert b"v=7.0" in letters[0]["payload"]
    assert "field type conflict" in letters[0]["reason"]
    assert len(acked) == 10


def test_retry_after_honoured_then_written(tmp_path, no_backoff):
    influx = ScriptedInflux([InfluxRetryableError("busy", retry_after_s=7.0)])
    acked: list = []
    writer = make_writer(tmp_path, influx, acked)

    run_until_idle(writer, outcomes(3))

    assert 7.0 in no_backoff
    assert len(influx.stored) == 3
    assert len(acked) == 3


def test_outage_spools_then_drains_in_order(tmp_path):
    down = [InfluxRetryableError("refused")] * 4
    influx, acked = ScriptedInflux(down), []
    writer = make_writer(tmp_path, influx, acked)

    run_until_idle(writer, outcomes(3, "first"))

    assert len(acked) == 3
    assert influx.stored == []
    assert len(writer._spool.pending()) == 1

    writer = make_writer(tmp_path, influx, acked)
    run_until_idle(writer, outcomes(2, "second"))
    assert [line.split()[0] for line in influx.stored] == ["first"] * 3 + ["second"] * 2
    assert writer._spool.pending() == []


def test_full_spool_holds_acks_until_influx_returns(tmp_path):
    influx = ScriptedInflux([InfluxRetryableError("refused")] * 6)
    acked: list = []
    writer = make_writer(tmp_path, influx, acked, spool_bytes=10)

    run_until_idle(writer, outcomes(2))

    assert len(influx.stored) == 2
    assert len(acked) == 2
    assert writer._spool.pending() == []


def test_dead_letter_outcome_acked_without_write(tmp_path):
    influx, acked = ScriptedInflux(), []
    writer = make_writer(tmp_path, influx, acked)
    letter = DeadLetter(topic="t", payload=b"{}", reason_code="schema", reason="字段 temp_c：缺失")

    run_until_idle(writer, [Outcome(DeliveryToken(1, 9, 1), "t", dead_letter=letter)])

    assert influx.calls == 0
    assert [token.mid for token in acked] == [9]
    assert DeadLetterStore(tmp_path / "dead.sqlite3").count_by_reason() == {"schema": 1}
