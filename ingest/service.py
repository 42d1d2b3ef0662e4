"""The ingest process: MQTT session, validation, batch writer and self-metrics together."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest.dead_letters import DeadLetter, DeadLetterStore
from ingest.mqtt_client import BrokerSession, DeliveryToken
from ingest.cjt188 import VARIANTS
from ingest.messages import message_to_point
from ingest.payloads import PayloadError, TimestampPolicy
from ingest.spool import Spool
from ingest.stats import IngestStats
from ingest.topics import DeviceTopic, TopicError, parse_topic, subscription_filter
from ingest.writer import BatchWriter, Outcome
from settings import Settings
from storage.influx import InfluxClient, InfluxError
from storage.points import Point, to_line

logger = logging.getLogger(__name__)

STATS_INTERVAL_S = 10.0
# Parsed topics are cached: a city has a bounded set of devices, and parsing is a few
# regular-expression matches per message on the hot path.
TOPIC_CACHE_MAX = 200_000
STATS_MEASUREMENT = "ingest_stats"


def ingest_paths(settings: Settings) -> tuple[Path, Path, Path]:
    """Return the dead-letter file, the spool folder and the stats file of this client id."""
    base = settings.data_dir / "ingest" / settings.mqtt_client_id
    return base / "dead_letters.sqlite3", base / "spool", base / "stats.json"


class IngestService:
    """Subscribe to every device topic and store each valid reading; a redelivery overwrites its own point."""

    def __init__(self, settings: Settings) -> None:
        dead_letter_path, spool_path, self._stats_path = ingest_paths(settings)
        self._settings = settings
        self._prefix = settings.mqtt_topic_prefix
        self._policy = TimestampPolicy(
            local_zone=ZoneInfo(settings.timezone),
            naive=settings.ingest_naive_timestamp_policy,
            future_tolerance_s=settings.ingest_future_tolerance_s,
        )
        self._frame_variant = VARIANTS[settings.meter_frame_variant]
        self.stats = IngestStats()
        self.dead_letters = DeadLetterStore(dead_letter_path)
        self.spool = Spool(spool_path, settings.ingest_spool_max_bytes)
        self._influx = InfluxClient.from_settings(settings)
        self._stop = threading.Event()
        self._topics: dict[str, DeviceTopic] = {}

        self.session = BrokerSession(
            host=settings.mqtt_host,
            port=settings.mqtt_port,
            client_id=settings.mqtt_client_id,
            topic_filter=subscription_filter(self._prefix, settings.mqtt_share_group),
            receive_maximum=settings.ingest_max_inflight,
            handler=self.handle_message,
            username=settings.mqtt_username,
            password=settings.mqtt_password,
            tls=settings.mqtt_tls,
            ca_file=str(settings.mqtt_ca_file) if settings.mqtt_ca_file else None,
            keepalive_s=settings.mqtt_keepalive_s,
        )
        self.writer = BatchWriter(
            influx=self._influx,
            spool=self.spool,
            dead_letters=self.dead_letters,
            stats=self.stats,
            ack=self.session.ack,
            batch_size=settings.ingest_batch_size,
            batch_max_bytes=settings.ingest_batch_max_bytes,
            batch_max_age_s=settings.ingest_batch_max_age_s,
        )

    def handle_message(self, topic: str, payload: bytes, token: DeliveryToken) -> None:
        """Validate one message on the MQTT thread and hand the outcome to the writer."""
        # Only this thread writes ``received``, so it is counted without the stats lock.
        self.stats.received += 1
        try:
            device = self._topics.get(topic)
            if device is None:
                device = parse_topic(topic, self._prefix)
                if len(self._topics) < TOPIC_CACHE_MAX:
                    self._topics[topic] = device
            point = message_to_point(
                device,
                payload,
                self._policy,
                int(time.time() * 1000),
                self._settings.ingest_max_payload_bytes,
                self._frame_variant,
            )
            outcome = Outcome(token=token, topic=topic, line=to_line(point))
        except (TopicError, PayloadError) as error:
            code = error.code if isinstance(error, PayloadError) else "topic"
            logger.warning("rejected message on '%s': %s", topic, error)
            self.stats.reject(code)
            letter = DeadLetter(topic=topic, payload=payload, reason_code=code, reason=str(error))
            outcome = Outcome(token=token, topic=topic, dead_letter=letter)
        self.writer.submit(outcome)

    def run(self) -> None:
        """Run until ``stop`` is called, reporting self-metrics periodically."""
        self.writer.start()
        self.session.start()
        logger.info(
            "ingest %s started: broker %s:%s, InfluxDB %s database %s",
            self._settings.mqtt_client_id, self._settings.mqtt_host, self._settings.mqtt_port,
            self._settings.influx_url, self._settings.influx_database,
        )
        # The first stats file tells supervisors and the demo that the subscription is in place.
        if self.session.subscribed.wait(30):
            self.report_stats()
        purged_at = 0.0
        while not self._stop.wait(STATS_INTERVAL_S):
            self.report_stats()
            if time.time() - purged_at > 3600:
                self.dead_letters.purge_expired(self._settings.ingest_dead_letter_retention_days)
                purged_at = time.time()
        self._shutdown()

    def stop(self) -> None:
        """Ask ``run`` to flush, disconnect and return."""
        self._stop.set()

    def _shutdown(self) -> None:
        # Flush and acknowledge what was received before disconnecting, so a clean stop
        # leaves nothing for the broker to redeliver.
        self.writer.wait_idle(timeout_s=30)
        self.session.stop()
        self.writer.stop()
        self.report_stats()
        self._influx.close()
        self.dead_letters.close()
        logger.info("ingest %s stopped", self._settings.mqtt_client_id)

    def report_stats(self) -> dict:
        """Write the current self-metrics to the stats file and, when it is reachable, to InfluxDB."""
        snapshot = self.stats.snapshot(
            in_flight=self.writer.in_flight(),
            spool_batches=len(self.spool),
            spool_bytes=self.spool.bytes_used,
        )
        snapshot["client_id"] = self._settings.mqtt_client_id
        snapshot["written_at_ms"] = int(time.time() * 1000)
        self._stats_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._stats_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(snapshot, ensure_ascii=False, indent=2), "utf-8")
        temporary.replace(self._stats_path)

        fields = {
            name: float(value) for name, value in snapshot.items()
            if isinstance(value, (int, float)) and name != "written_at_ms"
        }
        point = Point(STATS_MEASUREMENT, {"client_id": self._settings.mqtt_client_id}, fields,
                      snapshot["written_at_ms"])
        try:
            self._influx.write_lines([to_line(point)])
        except InfluxError as error:
            logger.debug("self-metrics not written to InfluxDB: %s", error)
        return snapshot
