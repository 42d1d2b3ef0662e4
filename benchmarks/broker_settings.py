"""What each Mosquitto and ingest setting changes, measured side by side in one run.

For each variant a private Mosquitto starts with the project's configuration plus one
change, N room readings are queued for the ingest's persistent session while it is
offline, and then one ``heatscore ingest`` drains them into InfluxDB. The table shows how
many readings reached InfluxDB and how fast, relative to the project configuration.

    python benchmarks/broker_settings.py [--readings N]

Needs the project's InfluxDB (``bash deploy/services.sh start``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from simulators.publisher import publish_messages  # noqa: E402
from tests.ingest.harness import MosquittoProcess  # noqa: E402

# benchmarks/ingest.py is loaded under another name: "ingest" is the project's package.
_spec = importlib.util.spec_from_file_location("ingest_benchmark", REPO / "benchmarks" / "ingest.py")
ingest_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ingest_benchmark)
admin_query = ingest_benchmark.admin_query
readings = ingest_benchmark.readings
stored_count = ingest_benchmark.stored_count
subscribe_session = ingest_benchmark.subscribe_session

VARIANTS = [
    ("project configuration", {}, {}),
    ("max_queued_messages 1000 (Mosquitto default)", {"max_queued_messages": "1000"}, {}),
    ("set_tcp_nodelay false", {"set_tcp_nodelay": "false"}, {}),
    ("ingest Receive Maximum 20", {}, {"HEATSCORE_INGEST_MAX_INFLIGHT": "20"}),
    ("ingest Receive Maximum 500", {}, {"HEATSCORE_INGEST_MAX_INFLIGHT": "500"}),
]


def configure(broker: MosquittoProcess, changes: dict[str, str]) -> None:
    lines = broker.config.read_text().splitlines()
    kept = [line for line in lines if line.split(" ")[0] not in changes]
    kept += [f"{key} {value}" for key, value in changes.items()]
    broker.config.write_text("\n".join(kept) + "\n")


def drain(broker: MosquittoProcess, count: int, environment: dict[str, str]) -> tuple[int, float]:
    """Queue N readings for an offline ingest session, then time the ingest's drain."""
    run = uuid.uuid4().hex[:6]
    database = f"heatscore_broker_{run}"
    prefix = f"broker-{run}/v1"
    client_id = f"broker-bench-{run}"
    admin_query(f'CREATE DATABASE "{database}"')
    admin_query(f'GRANT ALL ON "{database}" TO "heatscore"')
    try:
        subscribe_session(client_id, f"{prefix}/+/+/+/+", port=broker.port)
        publish_messages(readings(prefix, count), host="127.0.0.1", port=broker.port, window=500)

        child_environment = {
            **os.environ,
            "HEATSCORE_MQTT_PORT": str(broker.port),
            "HEATSCORE_MQTT_TOPIC_PREFIX": prefix,
            "HEATSCORE_MQTT_CLIENT_ID": client_id,
            "HEATSCORE_INFLUX_DATABASE": database,
            "HEATSCORE_DATA_DIR": tempfile.mkdtemp(prefix="heatscore-broker-"),
            **environment,
        }
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "heatscore.cli", "--log-level", "WARNING", "ingest"], env=child_environment, cwd=REPO
        )
        stored, last_change, finished = 0, time.perf_counter(), started
        while stored < count and time.perf_counter() - last_change < 5:
            time.sleep(0.25)
            now_stored = stored_count(database)
            if now_stored != stored:
                stored, last_change, finished = now_stored, time.perf_counter(), time.perf_counter()
        child.send_signal(signal.SIGTERM)
        child.wait(60)
        return stored, finished - started
    finally:
        admin_query(f'DROP DATABASE "{database}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=50_000, help="readings per variant (default 50000)")
    count = parser.parse_args().readings

    baseline_rate = None
    print(f"{'variant':<46}{'stored':>10}{'of':>8}{'msg/s':>9}{'rate vs project':>17}")
    with tempfile.TemporaryDirectory(prefix="heatscore-brokers-") as folder:
        for name, broker_changes, ingest_environment in VARIANTS:
            broker = MosquittoProcess(Path(folder) / uuid.uuid4().hex[:6])
            configure(broker, broker_changes)
            broker.start()
            try:
                stored, seconds = drain(broker, count, ingest_environment)
            finally:
                broker.stop()
            rate = stored / seconds if seconds else 0.0
            baseline_rate = baseline_rate or rate
            print(f"{name:<46}{stored:>10}{count:>8}{rate:>9.0f}{rate / baseline_rate:>16.2f}x")


if __name__ == "__main__":
    main()
