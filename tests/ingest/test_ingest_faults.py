"""Ingest under failure, on a private Mosquitto and a private InfluxDB.

Each test publishes a steady stream of distinct valid readings, injects one fault in the
middle, and then checks that InfluxDB contains every reading exactly once: as many points as
readings published, with exactly the published timestamps.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from tests.ingest.harness import (
    InfluxProcess,
    IngestProcess,
    MosquittoProcess,
    Reading,
    ResilientPublisher,
    room_readings,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

PREFIX = "heatscore/v1"
START_MS = 1_764_518_400_000  # 2025-11-30T16:00:00Z, 2025-12-01 00:00 in Shanghai
INFLUX_OUTAGE_S = 60


@pytest.fixture(autouse=True)
def no_orphan_ingest():
    yield
    IngestProcess.kill_all()


@pytest.fixture
def broker(tmp_path: Path):
    process = MosquittoProcess(tmp_path / "mosquitto")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def influx(tmp_path: Path):
    process = InfluxProcess(tmp_path / "influxdb")
    process.start()
    process.provision()
    yield process
    process.stop()


def make_ingest(tmp_path: Path, broker: MosquittoProcess, influx: InfluxProcess, **extra: str) -> IngestProcess:
    environment = {
        "HEATSCORE_MQTT_PORT": str(broker.port),
        "HEATSCORE_INFLUX_URL": influx.url,
        "HEATSCORE_INFLUX_PASSWORD": "heatscore-test",
        "HEATSCORE_DATA_DIR": str(tmp_path / "var"),
        "HEATSCORE_MQTT_CLIENT_ID": f"ingest-{uuid.uuid4().hex[:6]}",
        "HEATSCORE_INGEST_BATCH_MAX_AGE_S": "0.2",
        **extra,
    }
    return IngestProcess(environment, tmp_path / "ingest.log")


def stored_times(influx: InfluxProcess, unit: str) -> list[int]:
    rows = influx.select(f"SELECT temp_c FROM room_reading WHERE unit = '{unit}'")
    return [row[0] for row in rows]


def expected_times(readings: list[Reading]) -> list[tuple[str, int]]:
    return sorted((json.loads(r.payload)["household"], json.loads(r.payload)["ts"]) for r in readings)


def stored_points(influx: InfluxProcess, unit: str) -> list[tuple[str, int]]:
    rows = influx.select(f"SELECT household, temp_c FROM room_reading WHERE unit = '{unit}'")
    return sorted((row[1], row[0]) for row in rows)


def assert_exactly_once(influx: InfluxProcess, unit: str, readings: list[Reading], timeout_s: float = 120) -> None:
    wait_until(lambda: len(stored_times(influx, unit)) >= len(readings), timeout_s, f"{len(readings)} points of {unit}", 0.5)
    assert stored_points(influx, unit) == expected_times(readings)


def start_ingest(ingest: IngestProcess, broker: MosquittoProcess) -> None:
    ingest.start()
    ingest.wait_subscribed()


def test_broker_restart_mid_stream_loses_nothing(tmp_path, broker, influx):
    unit = "RB"
    readings = room_readings(PREFIX, unit, 3000, START_MS)
    ingest = make_ingest(tmp_path, broker, influx)
    start_ingest(ingest, broker)
    publisher = ResilientPublisher(broker.port, readings, rate_per_s=600, client_id="pub-restart")

    publisher.start()
    wait_until(lambda: len(publisher.acked) > 1000, 30, "a third of the stream")
    broker.restart()
    publisher.join(120)

    assert_exactly_once(influx, unit, readings)
    ingest.terminate()


def test_influx_outage_mid_stream_spools_and_drains(tmp_path, broker, influx):
    unit = "IO"
    readings = room_readings(PREFIX, unit, 3000, START_MS)
    ingest = make_ingest(tmp_path, broker, influx)
    start_ingest(ingest, broker)
    publisher = ResilientPublisher(broker.port, readings, rate_per_s=100, client_id="pub-outage")

    publisher.start()
    wait_until(lambda: len(publisher.acked) > 500, 30, "the first readings")
    influx.stop()
    time.sleep(INFLUX_OUTAGE_S)
    influx.start()
    publisher.join(120)

    assert_exactly_once(influx, unit, readings)
    stats_path = next((tmp_path / "var" / "ingest").glob("*/stats.json"))
    wait_until(lambda: json.loads(stats_path.read_text())["spool_batches"] == 0, 30, "the spool to drain")
    stats = json.loads(stats_path.read_text())
    assert stats["spooled_batches_total"] > 0
    assert stats["retried_writes"] > 0
    ingest.terminate()


def test_ingest_sigkill_mid_stream_loses_nothing(tmp_path, broker, influx):
    unit = "KL"
    readings = room_readings(PREFIX, unit, 3000, START_MS)
    ingest = make_ingest(tmp_path, broker, influx)
    start_ingest(ingest, broker)
    publisher = ResilientPublisher(broker.port, readings, rate_per_s=600, client_id="pub-kill")

    publisher.start()
    wait_until(lambda: len(publisher.acked) > 1000, 30, "a third of the stream")
    ingest.kill()
    time.sleep(1.0)
    ingest.start()
    publisher.join(120)

    assert_exactly_once(influx, unit, readings)
    ingest.terminate()


def test_sigkill_during_influx_outage_keeps_spooled_readings(tmp_path, broker, influx):
    unit = "KS"
    readings = room_readings(PREFIX, unit, 1500, START_MS)
    ingest = make_ingest(tmp_path, broker, influx)
    start_ingest(ingest, broker)
    influx.stop()
    publisher = ResilientPublisher(broker.port, readings, rate_per_s=1000, client_id="pub-spool-kill")

    publisher.start()
    publisher.join(60)
    spool = next((tmp_path / "var" / "ingest").glob("*/spool"))
    wait_until(lambda: any(spool.glob("*.lp")), 30, "spooled batches")
    ingest.kill()
    influx.start()
    ingest.start()

    assert_exactly_once(influx, unit, readings)
    ingest.terminate()


def test_burst_of_ten_times_steady_rate_with_bounded_memory(tmp_path, broker, influx):
    unit = "BU"
    steady = room_readings(PREFIX, unit, 1000, START_MS)
    burst = room_readings(PREFIX, unit, 30_000, START_MS + 1000 * 900_000)[1000:]
    ingest = make_ingest(tmp_path, broker, influx, HEATSCORE_INGEST_MAX_INFLIGHT="2000")
    start_ingest(ingest, broker)

    steady_publisher = ResilientPublisher(broker.port, steady, rate_per_s=500, client_id="pub-steady")
    steady_publisher.start()
    steady_publisher.join(60)
    burst_publisher = ResilientPublisher(broker.port, burst, rate_per_s=5000, client_id="pub-burst")
    burst_publisher.start()
    burst_publisher.join(120)

    assert_exactly_once(influx, unit, steady + burst, timeout_s=180)
    peak_mb = ingest.peak_rss_kb() / 1024
    assert peak_mb < 250, f"ingest peak RSS {peak_mb:.0f} MB"
    ingest.terminate()


def test_bad_input_dead_lettered_with_reasons_and_neighbours_stored(tmp_path, broker, influx):
    unit = "BD"
    good = room_readings(PREFIX, unit, 40, START_MS)
    topic = f"{PREFIX}/{unit}/{unit}-S01/room/T-{unit}-bad"
    bad = [
        Reading(topic, b'{"ts": "2025-12-01T08:00:00+08:00", "household": "H1", "temp_c": NaN}'),
        Reading(topic, b'{"ts": "2025-12-01T08:00:00+08:00", "household": "H1", "temp_c": "20.1"}'),
        Reading(topic, b'{"ts": "2025-12-01T08:00:00+08:00", "household": "H1"}'),
        Reading(topic, b'{"ts": "2025-12-01T08:00:00", "household": "H1", "temp_c": 20.1}'),
        Reading(topic, b'{"ts": "2099-12-01T08:00:00+08:00", "household": "H1", "temp_c": 20.1}'),
        Reading(topic, b'{"ts": "2025-12-01T08:00:00+08:00", "household": "H1", "temp_c": 95}'),
        Reading(topic, b"not json at all"),
        Reading(topic, b'{"ts": 1764540000000, "household": "H1", "temp_c": 20.0, "x": ' + b"1" * 20000 + b"}"),
        Reading(f"{PREFIX}/{unit}/{unit}-S01/boiler/B1", b'{"ts": 1764540000000}'),
        Reading(f"{PREFIX}/{unit}/room", b'{"ts": 1764540000000}'),
        Reading(f"{PREFIX}/{unit}/{unit}-S01/meter/M1", b"68 20 38 04 21 08 00 59 42 81 2E 90 1F 00 F7 16"),
    ]
    mixed = []
    for index, reading in enumerate(good):
        mixed.append(reading)
        if index % 3 == 0 and bad:
            mixed.append(bad.pop(0))
    ingest = make_ingest(tmp_path, broker, influx, HEATSCORE_INGEST_NAIVE_TIMESTAMP_POLICY="reject")
    start_ingest(ingest, broker)

    publisher = ResilientPublisher(broker.port, mixed, rate_per_s=200, client_id="pub-bad")
    publisher.start()
    publisher.join(60)

    assert_exactly_once(influx, unit, good)
    from ingest.dead_letters import DeadLetterStore

    store_path = next((tmp_path / "var" / "ingest").glob("*/dead_letters.sqlite3"))
    wait_until(lambda: sum(DeadLetterStore(store_path).count_by_reason().values()) >= 11, 30, "11 dead letters")
    reasons = {entry["reason_code"]: entry["reason"] for entry in DeadLetterStore(store_path).recent(50)}
    assert reasons.keys() == {"non_finite", "schema", "timestamp", "json", "size", "topic", "frame"}
    assert "有限数值" in reasons["non_finite"]
    assert "负载过大" in reasons["size"]
    topic_reasons = [entry["reason"] for entry in DeadLetterStore(store_path).recent(50) if entry["reason_code"] == "topic"]
    assert any("设备类型 'boiler' 未知" in reason for reason in topic_reasons)
    assert any("层级数不对" in reason for reason in topic_reasons)
    assert "CJ/T 188" in reasons["frame"]
    ingest.terminate()


def test_shared_subscription_splits_stream_without_duplicates_or_loss(tmp_path, broker, influx):
    unit = "SH"
    readings = room_readings(PREFIX, unit, 3000, START_MS)
    first = make_ingest(tmp_path, broker, influx, HEATSCORE_MQTT_SHARE_GROUP="ingest")
    second = make_ingest(tmp_path, broker, influx, HEATSCORE_MQTT_SHARE_GROUP="ingest")
    start_ingest(first, broker)
    start_ingest(second, broker)

    publisher = ResilientPublisher(broker.port, readings, rate_per_s=1000, client_id="pub-shared")
    publisher.start()
    publisher.join(60)

    assert_exactly_once(influx, unit, readings)
    first.terminate()
    second.terminate()
    received = [
        json.loads(path.read_text())["received"] for path in (tmp_path / "var" / "ingest").glob("*/stats.json")
    ]
    assert len(received) == 2
    assert all(count > 0 for count in received), received
    assert sum(received) == len(readings)
