"""Ingest throughput beside the broker's raw delivery rate, measured in one run.

Both consumers are measured the same way, one after the other, on the same broker: N room
readings are queued for the consumer's persistent session while it is offline, then the
consumer connects and the clock runs until it is done.

- raw: a paho subscriber that only counts messages (QoS 1, automatic acks); done when it
  has counted N.
- heatscore: ``heatscore ingest`` as a child process; done when InfluxDB holds N points,
  which the ingest acknowledges right after the write.

The ingest is measured as one process and as several processes sharing one subscription
(``$share/<group>/...``), the way it scales out. Prints each rate, its ratio to the raw
rate (target ≥ 0.8 at N = 200,000) and the ingest's peak RSS per process.
Needs the local services: ``bash deploy/services.sh start``.

    python benchmarks/ingest.py [--readings N] [--processes 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from simulators.publisher import publish_messages  # noqa: E402

MQTT_HOST = os.environ.get("HEATSCORE_MQTT_HOST", "127.0.0.1")
MQTT_PORT = int(os.environ.get("HEATSCORE_MQTT_PORT", "18830"))
INFLUX_URL = os.environ.get("HEATSCORE_INFLUX_URL", "http://127.0.0.1:18086")
ADMIN = (
    os.environ.get("HEATSCORE_INFLUX_ADMIN_USERNAME", "admin"),
    os.environ.get("HEATSCORE_INFLUX_ADMIN_PASSWORD", "heatscore-admin-local"),
)
START_MS = 1_764_518_400_000  # 2025-12-01 00:00 Asia/Shanghai


class Reading:
    __slots__ = ("topic", "payload")

    def __init__(self, topic: str, payload: bytes) -> None:
        self.topic = topic
        self.payload = payload


def readings(prefix: str, count: int, households: int = 2000):
    """Distinct valid room readings: one per household per 15-minute slot."""
    for index in range(count):
        household = index % households
        body = {
            "ts": START_MS + (index // households) * 900_000,
            "household": f"H{household:05d}",
            "temp_c": round(17.0 + (index % 80) / 10, 1),
        }
        topic = f"{prefix}/BENCH/BENCH-S{household // 100:02d}/room/T{household:05d}"
        yield Reading(topic, json.dumps(body).encode())


def admin_query(statement: str, database: str | None = None) -> dict:
    data = {"q": statement}
    if database:
        data["db"] = database
    response = httpx.post(f"{INFLUX_URL}/query", data=data, auth=ADMIN, timeout=60)
    response.raise_for_status()
    return response.json()


def stored_count(database: str) -> int:
    answer = admin_query("SELECT count(temp_c) FROM room_reading WHERE unit = 'BENCH'", database)
    series = answer["results"][0].get("series")
    return int(series[0]["values"][0][1]) if series else 0


def subscribe_session(client_id: str, topic_filter: str, port: int = MQTT_PORT) -> None:
    """Create a persistent session with a QoS 1 subscription, then go offline."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    granted = threading.Event()
    client.on_subscribe = lambda *args: granted.set()
    properties = mqtt.Properties(mqtt.PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    client.connect(MQTT_HOST, port, clean_start=True, properties=properties)
    client.loop_start()
    client.subscribe(topic_filter, qos=1)
    if not granted.wait(10):
        raise RuntimeError("subscription not granted")
    client.disconnect()
    client.loop_stop()


def measure_raw(prefix: str, count: int) -> float:
    """Queue N messages for a counting subscriber, then time its drain."""
    client_id = f"bench-counter-{uuid.uuid4().hex[:6]}"
    subscribe_session(client_id, f"{prefix}/#")
    publish_messages(readings(prefix, count), host=MQTT_HOST, port=MQTT_PORT, window=500)

    received = 0
    done = threading.Event()

    def on_message(client, userdata, message) -> None:  # noqa: ANN001
        nonlocal received
        received += 1
        if received >= count:
            done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    properties = mqtt.Properties(mqtt.PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 0
    properties.ReceiveMaximum = 5000
    started = time.perf_counter()
    client.connect(MQTT_HOST, MQTT_PORT, clean_start=False, properties=properties)
    client.loop_start()
    if not done.wait(600):
        raise RuntimeError(f"counter received only {received} of {count}")
    elapsed = time.perf_counter() - started
    client.disconnect()
    client.loop_stop()
    return elapsed


def ingest_process(prefix: str, database: str, client_id: str, data_dir: Path, group: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "HEATSCORE_MQTT_TOPIC_PREFIX": prefix,
        "HEATSCORE_INFLUX_DATABASE": database,
        "HEATSCORE_MQTT_CLIENT_ID": client_id,
        "HEATSCORE_DATA_DIR": str(data_dir),
        "HEATSCORE_MQTT_SHARE_GROUP": group,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "heatscore.cli", "--log-level", "WARNING", "ingest"],
        env=environment,
        cwd=REPO,
    )


def wait_subscribed(processes: list[subprocess.Popen], data_dir: Path, client_ids: list[str]) -> None:
    deadline = time.monotonic() + 30
    for client_id in client_ids:
        stats = data_dir / "ingest" / client_id / "spool"
        while not stats.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("ingest did not start")
            time.sleep(0.1)
    time.sleep(1.0)


def peak_rss_mb(process: subprocess.Popen) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_heatscore(prefix: str, count: int, database: str, processes: int) -> tuple[float, float]:
    """Queue N messages for heatscore's session(s), then time until InfluxDB contains them all."""
    data_dir = Path(f"/tmp/heatscore-bench-{uuid.uuid4().hex[:6]}")
    group = "bench" if processes > 1 else ""
    client_ids = [f"bench-ingest-{index}-{uuid.uuid4().hex[:4]}" for index in range(processes)]

    children = [ingest_process(prefix, database, cid, data_dir, group) for cid in client_ids]
    wait_subscribed(children, data_dir, client_ids)
    for child in children:
        child.send_signal(signal.SIGTERM)
        child.wait(60)

    publish_messages(readings(prefix, count), host=MQTT_HOST, port=MQTT_PORT, window=500)

    started = time.perf_counter()
    children = [ingest_process(prefix, database, cid, data_dir, group) for cid in client_ids]
    while stored_count(database) < count:
        if time.perf_counter() - started > 900:
            raise RuntimeError("heatscore did not store every reading within 15 minutes")
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    rss = max(peak_rss_mb(child) for child in children)
    for child in children:
        child.send_signal(signal.SIGTERM)
        child.wait(60)
    return elapsed, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=200_000, help="readings per measurement (default 200000)")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1, 2], help="ingest process counts to measure (default 1 2)"
    )
    arguments = parser.parse_args()
    count = arguments.readings

    run = uuid.uuid4().hex[:6]
    raw_s = measure_raw(f"bench-raw-{run}/v1", count)
    raw_rate = count / raw_s
    print(f"readings                          {count}")
    print(f"raw counting subscriber           {raw_rate:8.0f} msg/s  ({raw_s:.1f} s)")

    for processes in arguments.processes:
        database = f"heatscore_bench_{run}_{processes}"
        admin_query(f'CREATE DATABASE "{database}"')
        admin_query(f'GRANT ALL ON "{database}" TO "heatscore"')
        try:
            heatscore_s, rss_mb = measure_heatscore(f"bench-hs{processes}-{run}/v1", count, database, processes)
        finally:
            admin_query(f'DROP DATABASE "{database}"')
        rate = count / heatscore_s
        print(
            f"heatscore, {processes} ingest process(es)   {rate:8.0f} msg/s  ({heatscore_s:.1f} s)  "
            f"ratio {rate / raw_rate:.2f} (target >= 0.8)  peak RSS {rss_mb:.1f} MB per process"
        )


if __name__ == "__main__":
    main()
