"""Processes the fault tests control: a private Mosquitto, a private InfluxDB, an ingest.

Each runs on free loopback ports with its state in the test's temporary folder, so a test
can stop, kill and restart it without touching the shared services.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout_s: float, what: str, interval_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval_s)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class MosquittoProcess:
    """A persistent Mosquitto with the same queue settings as deploy/services.sh."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        state.mkdir(parents=True, exist_ok=True)
        template = (REPO / "deploy" / "mosquitto" / "local.conf.template").read_text()
        config = template.replace("@STATE@", str(state)).replace("@PORT@", str(self.port))
        if os.geteuid() == 0:
            # pytest's temporary folders are private to root, so stay root instead of
            # dropping to the 'mosquitto' user.
            config += "\nuser root\n"
        self.config = state / "mosquitto.conf"
        self.config.write_text(config)

    def start(self) -> None:
        self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)])
        wait_until(lambda: port_open(self.port), 20, f"Mosquitto on port {self.port}")

    def stop(self) -> None:
        """Stop cleanly: Mosquitto writes its persistence file on SIGTERM."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)

    def restart(self) -> None:
        self.stop()
        self.start()


class InfluxProcess:
    """A private InfluxDB 1.x with authentication, provisioned like deploy/services.sh does."""

    ADMIN = ("admin", "admin-test")

    def __init__(self, state: Path, database: str = "heatscore") -> None:
        self.state = state
        self.port = free_port()
        self.database = database
        self.process: subprocess.Popen | None = None
        state.mkdir(parents=True, exist_ok=True)
        template = (REPO / "deploy" / "influxdb" / "local.conf.template").read_text()
        config = (
            template.replace("@STATE@", str(state))
            .replace("@RPC_PORT@", str(free_port()))
            .replace("@PORT@", str(self.port))
        )
        self.config = state / "influxdb.conf"
        self.config.write_text(config)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.state / "influxd.log", "ab")
        self.process = subprocess.Popen(["influxd", "-config", str(self.config)], stdout=log, stderr=log)
        wait_until(self._answers, 60, f"InfluxDB on port {self.port}", 0.25)

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/ping", timeout=1).status_code == 204
        except httpx.HTTPError:
            return False

    def provision(self) -> None:
        self._query("CREATE USER admin WITH PASSWORD 'admin-test' WITH ALL PRIVILEGES", auth=None)
        self._query(f'CREATE DATABASE "{self.database}"')
        self._query("CREATE USER heatscore WITH PASSWORD 'heatscore-test'")
        self._query(f'GRANT ALL ON "{self.database}" TO heatscore')

    def _query(self, statement: str, auth=ADMIN) -> dict:
        response = httpx.post(f"{self.url}/query", data={"q": statement}, auth=auth, timeout=10)
        response.raise_for_status()
        return response.json()

    def select(self, statement: str) -> list:
        response = httpx.post(
            f"{self.url}/query", data={"q": statement, "db": self.database, "epoch": "ms"}, auth=self.ADMIN, timeout=30
        )
        response.raise_for_status()
        series = response.json()["results"][0].get("series", [])
        return [row for item in series for row in item["values"]]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


class IngestProcess:
    """``heatscore ingest`` as a child process with its settings in the environment."""

    # Every instance, so a fixture can kill what a failed test left running.
    started: list["IngestProcess"] = []

    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.environment = {**os.environ, **environment}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        IngestProcess.started.append(self)

    @classmethod
    def kill_all(cls) -> None:
        """Kill every ingest child still running."""
        for instance in cls.started:
            if instance.process and instance.process.poll() is None:
                instance.process.kill()
                instance.process.wait(10)
        cls.started.clear()

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "heatscore.cli", "ingest"], env=self.environment, stdout=log, stderr=log, cwd=REPO
        )

    def wait_subscribed(self, timeout_s: float = 20) -> None:
        """Wait until this process logs that the broker granted its subscription."""
        start = self.log_path.stat().st_size if self.log_path.exists() else 0

        def granted() -> bool:
            if not self.log_path.exists():
                return False
            with open(self.log_path, "rb") as log:
                log.seek(start)
                return b"granted" in log.read()

        wait_until(granted, timeout_s, "the ingest's MQTT subscription")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(60)

    def peak_rss_kb(self) -> int:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


@dataclass
class Reading:
    topic: str
    payload: bytes


class ResilientPublisher:
    """Publishes at QoS 1 like a device gateway: what was not acknowledged is sent again.

    It runs on its own thread at a steady rate and survives broker restarts by
    republishing every message whose PUBACK it never saw.
    """

    def __init__(self, port: int, readings: list[Reading], rate_per_s: float, client_id: str) -> None:
        self.port = port
        self.readings = readings
        self.rate_per_s = rate_per_s
        self.client_id = client_id
        self.acked: set[int] = set()
        self.refused = 0
        self._pending: dict[int, int] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout_s: float) -> None:
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise TimeoutError(f"publisher still has {len(self.readings) - len(self.acked)} unacknowledged readings")
        if self.error:
            raise self.error

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv5)
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.on_publish = self._on_publish
        return client

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        with self._lock:
            index = self._pending.pop(mid, None)
            if index is None:
                return
            # 0x10 "no matching subscribers" means the broker dropped the message.
            if reason_code.is_failure or reason_code.value == 0x10:
                self.refused += 1
                return
            self.acked.add(index)

    def _run(self) -> None:
        try:
            while len(self.acked) < len(self.readings):
                self._publish_round()
        except BaseException as error:  # noqa: BLE001 - reported by join()
            self.error = error

    def _publish_round(self) -> None:
        client = self._client()
        try:
            client.connect("127.0.0.1", self.port, keepalive=10)
        except OSError:
            time.sleep(0.5)
            return
        client.loop_start()
        interval = 1.0 / self.rate_per_s
        next_send = time.monotonic()
        try:
            for index, reading in enumerate(self.readings):
                if index in self.acked:
                    continue
                if not client.is_connected() and time.monotonic() > next_send + 2:
                    break
                info = client.publish(reading.topic, reading.payload, qos=1)
                if info.rc != mqtt.MQTT_ERR_SUCCESS and info.rc != mqtt.MQTT_ERR_NO_CONN:
                    break
                with self._lock:
                    if info.mid not in self._pending and index not in self.acked:
                        self._pending[info.mid] = index
                next_send += interval
                delay = next_send - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            wait_until(lambda: not client.is_connected() or not self._pending, 30, "PUBACKs")
        except TimeoutError:
            pass
        finally:
            client.loop_stop()
            client.disconnect()
            with self._lock:
                self._pending.clear()


def room_readings(prefix: str, unit: str, count: int, start_ms: int, households: int = 20) -> list[Reading]:
    """Valid room readings, one per household per 15-minute slot, in time order."""
    readings = []
    for index in range(count):
        household = index % households
        slot = index // households
        body = {
            "ts": start_ms + slot * 900_000,
            "household": f"{unit}-H{household:03d}",
            "temp_c": round(18.0 + (index % 70) / 10, 1),
        }
        topic = f"{prefix}/{unit}/{unit}-S01/room/T-{unit}-{household:03d}"
        readings.append(Reading(topic, json.dumps(body).encode()))
    return readings
