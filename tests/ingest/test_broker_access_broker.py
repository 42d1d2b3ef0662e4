"""Per-station MQTT access, checked against a real Mosquitto running deploy/mosquitto/production.conf.

Each test module run starts its own Mosquitto on free loopback ports, with the production
configuration rewritten only in its file paths and ports, a self-signed certificate for
the TLS listener and the password and ACL files written by ingest/broker_access.py.
"""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from ingest.broker_access import AccountBook, IngestAccount, write_broker_files

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(shutil.which("mosquitto") is None, reason="mosquitto is not installed"),
]

PREFIX = "heatscore/v1"
REPO_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_CONF = REPO_ROOT / "deploy" / "mosquitto" / "production.conf"
INGEST = IngestAccount("heatscore-ingest", "ingest-secret-for-tests")
DEADLINE_S = 10.0
CLIENT_NUMBERS = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def make_self_signed_certificate(folder: Path) -> None:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )
    shutil.copy(folder / "server.crt", folder / "ca.crt")


def render_test_config(folder: Path, tls_port: int, plain_port: int) -> Path:
    text = PRODUCTION_CONF.read_text()
    text = text.replace("/etc/mosquitto/heatscore/", f"{folder}/")
    text = text.replace("/etc/mosquitto/certs/", f"{folder}/")
    text = text.replace("/var/lib/mosquitto/", f"{folder}/")
    text = text.replace("listener 8883", f"listener {tls_port} 127.0.0.1")
    text = text.replace("listener 1883", f"listener {plain_port} 127.0.0.1")
    # Run as root, Mosquitto would drop to the 'mosquitto' user, who cannot read pytest's tmp folder.
    text += "\nuser root\n"
    config = folder / "mosquitto.conf"
    config.write_text(text)
    return config


@dataclass
class Broker:
    folder: Path
    process: subprocess.Popen[bytes]
    plain_port: int
    tls_port: int

    @property
    def password_file(self) -> Path:
        return self.folder / "passwd"

    @property
    def acl_file(self) -> Path:
        return self.folder / "acl"

    def apply(self, book: AccountBook) -> None:
        """Write the broker files from the book and make Mosquitto reload them."""
        write_broker_files(book, INGEST, PREFIX, self.password_file, self.acl_file)
        self.process.send_signal(signal.SIGHUP)


@pytest.fixture(scope="module")
def book() -> AccountBook:
    accounts = AccountBook()
    accounts.issue_stations([("U1", "S1"), ("U1", "S2"), ("U2", "S1")])
    accounts.issue_gateway("gw-east", [("U3", "S1"), ("U3", "S2")])
    return accounts


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory, book: AccountBook) -> Iterator[Broker]:
    folder = tmp_path_factory.mktemp("mosquitto")
    make_self_signed_certificate(folder)
    write_broker_files(book, INGEST, PREFIX, folder / "passwd", folder / "acl")
    plain_port, tls_port = free_port(), free_port()
    config = render_test_config(folder, tls_port, plain_port)

    log = open(folder / "mosquitto.log", "wb")
    process = subprocess.Popen(["mosquitto", "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not (port_open(plain_port) and port_open(tls_port)):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Mosquitto did not start: {(folder / 'mosquitto.log').read_text()}")
            time.sleep(0.05)
        yield Broker(folder, process, plain_port, tls_port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Session:
    """A paho client whose connect, subscribe, publish and message events land in queues."""

    def __init__(self, username: str | None, password: str | None, protocol: mqtt.MQTTProtocolVersion) -> None:
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"test-{os.getpid()}-{next(CLIENT_NUMBERS)}",
            protocol=protocol,
            reconnect_on_failure=False,
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        self.connacks: queue.Queue[ReasonCode] = queue.Queue()
        self.subacks: queue.Queue[list[ReasonCode]] = queue.Queue()
        self.pubacks: queue.Queue[tuple[int, ReasonCode]] = queue.Queue()
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.disconnects: queue.Queue[ReasonCode] = queue.Queue()
        self.client.on_connect = lambda client, userdata, flags, code, props: self.connacks.put(code)
        self.client.on_subscribe = lambda client, userdata, mid, codes, props: self.subacks.put(codes)
        self.client.on_publish = lambda client, userdata, mid, code, props: self.pubacks.put((mid, code))
        self.client.on_message = lambda client, userdata, message: self.messages.put(message)
        self.client.on_disconnect = lambda client, userdata, flags, code, props: self.disconnects.put(code)

    def connect(self, port: int, ca_file: Path | None = None) -> ReasonCode:
        if ca_file is not None:
            self.client.tls_set(ca_certs=str(ca_file))
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        return self.connacks.get(timeout=DEADLINE_S)

    def subscribe(self, topic_filter: str) -> list[ReasonCode]:
        self.client.subscribe(topic_filter, qos=1)
        return self.subacks.get(timeout=DEADLINE_S)

    def publish(self, topic: str, payload: bytes) -> ReasonCode:
        info = self.client.publish(topic, payload, qos=1)
        mid, code = self.pubacks.get(timeout=DEADLINE_S)
        assert mid == info.mid
        return code

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def sessions() -> Iterator[list[Session]]:
    opened: list[Session] = []
    yield opened
    for session in opened:
        session.close()


def open_session(
    sessions: list[Session],
    broker: Broker,
    username: str | None,
    password: str | None,
    protocol: mqtt.MQTTProtocolVersion = mqtt.MQTTv5,
    tls: bool = False,
) -> tuple[Session, ReasonCode]:
    session = Session(username, password, protocol)
    sessions.append(session)
    if tls:
        code = session.connect(broker.tls_port, broker.folder / "ca.crt")
    else:
        code = session.connect(broker.plain_port)
    return session, code


def ingest_subscriber(sessions: list[Session], broker: Broker, topic_filter: str) -> Session:
    session, code = open_session(sessions, broker, INGEST.username, INGEST.password)
    assert not code.is_failure, f"ingest connect refused: {code}"
    (granted,) = session.subscribe(topic_filter)
    assert not granted.is_failure, f"ingest subscription to {topic_filter} refused: {granted}"
    return session


def received_topics_until(subscriber: Session, marker_topic: str) -> list[str]:
    """Collect topics the subscriber receives up to and including the marker topic."""
    topics = []
    deadline = time.monotonic() + DEADLINE_S
    while not topics or topics[-1] != marker_topic:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"marker {marker_topic} never arrived; got {topics}"
        topics.append(subscriber.messages.get(timeout=remaining).topic)
    return topics


def test_station_publishes_own_topic(broker: Broker, book: AccountBook, sessions: list[Session]) -> None:
    subscriber = ingest_subscriber(sessions, broker, f"$share/ingest/{PREFIX}/+/+/+/+")
    station = book.accounts["U1/S1"]
    publisher, code = open_session(sessions, broker, station.username, station.password, tls=True)
    assert not code.is_failure

    topic = f"{PREFIX}/U1/S1/room/R-001"
    assert not publisher.publish(topic, b'{"t": 20.5}').is_failure
    assert received_topics_until(subscriber, topic) == [topic]


def test_station_foreign_topic_rejected_v5(broker: Broker, book: AccountBook, sessions: list[Session]) -> None:
    subscriber = ingest_subscriber(sessions, broker, f"{PREFIX}/#")
    station = book.accounts["U1/S1"]
    publisher, _ = open_session(sessions, broker, station.username, station.password)

    foreign = f"{PREFIX}/U1/S2/room/R-009"
    other_unit = f"{PREFIX}/U2/S1/station/M-1"
    own = f"{PREFIX}/U1/S1/station/M-1"
    assert publisher.publish(foreign, b"{}") == "Not authorized"
    assert publisher.publish(other_unit, b"{}") == "Not authorized"
    assert not publisher.publish(own, b"{}").is_failure

    assert received_topics_until(subscriber, own) == [own]
    assert publisher.disconnects.empty()


def test_station_foreign_topic_dropped_v311(broker: Broker, book: AccountBook, sessions: list[Session]) -> None:
    subscriber = ingest_subscriber(sessions, broker, f"{PREFIX}/#")
    station = book.accounts["U1/S2"]
    publisher, code = open_session(sessions, broker, station.username, station.password, mqtt.MQTTv311)
    assert not code.is_failure

    foreign = f"{PREFIX}/U1/S1/room/R-001"
    own = f"{PREFIX}/U1/S2/room/R-001"
    publisher.publish(foreign, b"{}")  # MQTT 3.1.1 has no reason code: the broker acks and drops it
    publisher.publish(own, b"{}")

    assert received_topics_until(subscriber, own) == [own]


def test_station_subscription_receives_nothing(
    broker: Broker, book: AccountBook, sessions: list[Session]
) -> None:
    station = book.accounts["U2/S1"]
    listener, _ = open_session(sessions, broker, station.username, station.password)
    other = book.accounts["U1/S1"]
    publisher, _ = open_session(sessions, broker, other.username, other.password)

    # Mosquitto 2.0 grants every SUBSCRIBE and checks read access per delivered message.
    for topic_filter in (f"{PREFIX}/#", f"{PREFIX}/U2/S1/#", f"$share/x/{PREFIX}/#", "#"):
        (granted,) = listener.subscribe(topic_filter)
        assert not granted.is_failure, topic_filter
    assert not publisher.publish(f"{PREFIX}/U1/S1/room/R-001", b"{}").is_failure
    assert not listener.publish(f"{PREFIX}/U2/S1/room/R-001", b"{}").is_failure

    # The broker writes a client's packets in order: a delivery made before this SUBACK
    # would have reached the listener before it, so an empty queue now stays empty.
    listener.subscribe(f"{PREFIX}/U2/S1/station/+")
    assert listener.messages.empty()


def test_gateway_covers_its_stations_only(broker: Broker, book: AccountBook, sessions: list[Session]) -> None:
    subscriber = ingest_subscriber(sessions, broker, f"{PREFIX}/#")
    gateway = book.accounts["gw-east"]
    publisher, _ = open_session(sessions, broker, gateway.username, gateway.password)

    first = f"{PREFIX}/U3/S1/meter/H-1"
    second = f"{PREFIX}/U3/S2/meter/H-2"
    assert publisher.publish(f"{PREFIX}/U1/S1/meter/H-3", b"{}") == "Not authorized"
    assert not publisher.publish(first, b"{}").is_failure
    assert not publisher.publish(second, b"{}").is_failure

    assert received_topics_until(subscriber, second) == [first, second]


def test_anonymous_connect_rejected(broker: Broker, sessions: list[Session]) -> None:
    _, code_v5 = open_session(sessions, broker, None, None)
    _, code_v311 = open_session(sessions, broker, None, None, mqtt.MQTTv311)
    _, code_tls = open_session(sessions, broker, None, None, tls=True)

    assert code_v5 == "Not authorized"
    assert code_v311.is_failure
    assert code_tls == "Not authorized"


def test_wrong_password_rejected(broker: Broker, sessions: list[Session]) -> None:
    _, code = open_session(sessions, broker, "U1/S1", "not-the-password")

    # Mosquitto 2.0.11 returns 0x87 (not authorized) rather than 0x86 for a bad password.
    assert code == "Not authorized"


def test_revoked_station_rejected_after_reload(broker: Broker, book: AccountBook, sessions: list[Session]) -> None:
    revoked = book.accounts["U1/S2"]
    connected, before = open_session(sessions, broker, revoked.username, revoked.password)
    assert not before.is_failure

    book.revoke_station("U1", "S2")
    broker.apply(book)

    deadline = time.monotonic() + DEADLINE_S
    while True:
        _, code = open_session(sessions, broker, revoked.username, revoked.password)
        if code.is_failure or time.monotonic() > deadline:
            break
    assert code == "Not authorized"
    # On reload Mosquitto also re-checks connected clients and drops those no longer valid.
    connected.disconnects.get(timeout=DEADLINE_S)

    kept = book.accounts["U1/S1"]
    _, still = open_session(sessions, broker, kept.username, kept.password)
    assert not still.is_failure
