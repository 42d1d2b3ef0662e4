"""The only module that talks to paho-mqtt: a persistent MQTT v5 session with manual acks.

The session survives reconnects and process restarts (fixed client id, clean start off,
long session expiry), so the broker keeps every QoS 1 message that was not acknowledged.
Receive Maximum caps how many unacknowledged messages the broker sends at once. That cap
is the back-pressure: when the writer falls behind, the broker stops delivering.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from typing import NamedTuple

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

logger = logging.getLogger(__name__)

# Seconds the broker keeps the session after a disconnect: 7 days covers a long outage.
SESSION_EXPIRY_S = 7 * 24 * 3600


class DeliveryToken(NamedTuple):
    """Identity of one delivered message: its connection, packet id and QoS, as needed to acknowledge it."""

    connection: int
    mid: int
    qos: int


MessageHandler = Callable[[str, bytes, DeliveryToken], None]


class BrokerSession:
    """A subscriber that hands each message to a handler and acknowledges on request."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        topic_filter: str,
        receive_maximum: int,
        handler: MessageHandler,
        username: str | None = None,
        password: str | None = None,
        tls: bool = False,
        ca_file: str | None = None,
        keepalive_s: int = 30,
    ) -> None:
        self._host = host
        self._port = port
        self._topic_filter = topic_filter
        self._receive_maximum = receive_maximum
        self._handler = handler
        self._keepalive_s = keepalive_s
        self._connection = 0
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.subscribed = threading.Event()

        self._client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self._client.username_pw_set(username, password)
        if tls:
            self._client.tls_set(ca_certs=ca_file, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    def start(self) -> None:
        """Connect in the background; paho reconnects by itself after a loss."""
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        properties.ReceiveMaximum = self._receive_maximum
        self._client.connect_async(
            self._host,
            self._port,
            keepalive=self._keepalive_s,
            clean_start=False,
            properties=properties,
        )
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect cleanly; unacknowledged messages stay with the broker."""
        self._client.disconnect()
        self._client.loop_stop()

    def ack(self, token: DeliveryToken) -> bool:
        """Acknowledge a message; return False when its connection is gone.

        A message delivered on an earlier connection cannot be acknowledged on this one,
        because packet ids are per connection. The broker redelivers it, and the redelivery
        overwrites the same point, so dropping the stale ack loses nothing.
        """
        with self._lock:
            if token.connection != self._connection or not self.connected.is_set():
                return False
        if token.qos == 0:
            return True
        result = self._client.ack(token.mid, token.qos)
        return result == mqtt.MQTT_ERR_SUCCESS

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        if reason_code.is_failure:
            logger.error("MQTT connect to %s:%s rejected: %s", self._host, self._port, reason_code)
            return
        with self._lock:
            self._connection += 1
        # Subscribe on every connect, whatever the session-present flag reports, because a
        # broker that lost its persistence would otherwise leave the ingest connected but deaf.
        client.subscribe(self._topic_filter, qos=1)
        self.connected.set()
        logger.info(
            "MQTT connected to %s:%s (session present: %s), subscribing to %s",
            self._host,
            self._port,
            flags.session_present,
            self._topic_filter,
        )

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:  # noqa: ANN001
        for code in reason_codes:
            if code.is_failure:
                logger.error("MQTT subscription to %s rejected: %s", self._topic_filter, code)
            else:
                logger.info("MQTT subscription to %s granted (QoS %s)", self._topic_filter, code.value)
                self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        self.connected.clear()
        self.subscribed.clear()
        if reason_code.is_failure:
            logger.warning("MQTT connection to %s:%s lost: %s; reconnecting", self._host, self._port, reason_code)
        else:
            logger.info("MQTT disconnected from %s:%s", self._host, self._port)

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:  # noqa: ANN001
        token = DeliveryToken(connection=self._connection, mid=message.mid, qos=message.qos)
        self._handler(message.topic, message.payload, token)
