"""Publish messages over MQTT at QoS 1 as fast as the broker acknowledges them.

Mosquitto disconnects a QoS 1 publisher that floods far beyond its in-flight window, so
the publisher keeps at most ``window`` unacknowledged messages outstanding.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

import paho.mqtt.client as mqtt

logger = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """Raised when the broker cannot be reached or stops acknowledging."""


def publish_messages(
    messages: Iterable,
    *,
    host: str,
    port: int,
    client_id: str = "heatscore-simulator",
    username: str | None = None,
    password: str | None = None,
    window: int = 200,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 20_000,
    timeout_s: float = 60.0,
) -> int:
    """Publish every message (with ``topic`` and ``payload``) at QoS 1; return the count."""
    outstanding = threading.Semaphore(window)
    connected = threading.Event()

    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
    )
    if username:
        client.username_pw_set(username, password)
    client.max_inflight_messages_set(window)
    client.max_queued_messages_set(0)
    client.on_connect = lambda c, u, f, reason, p: connected.set() if not reason.is_failure else None
    client.on_publish = lambda c, u, mid, reason, p: outstanding.release()

    try:
        client.connect(host, port, keepalive=30)
    except OSError as error:
        raise PublishError(f"无法连接 MQTT 代理 {host}:{port}：{error}") from error
    client.loop_start()
    if not connected.wait(timeout_s):
        client.loop_stop()
        raise PublishError(f"MQTT 代理 {host}:{port} 在 {timeout_s:.0f} 秒内未确认连接")

    count = 0
    try:
        for message in messages:
            if not outstanding.acquire(timeout=timeout_s):
                raise PublishError(f"MQTT 代理 {host}:{port} 在 {timeout_s:.0f} 秒内未确认发布")
            client.publish(message.topic, message.payload, qos=1)
            count += 1
            if progress and count % progress_every == 0:
                progress(count)
        _wait_for_outstanding(outstanding, window, timeout_s)
    finally:
        client.disconnect()
        client.loop_stop()
    if progress:
        progress(count)
    return count


def _wait_for_outstanding(outstanding: threading.Semaphore, window: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    for _ in range(window):
        if not outstanding.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise PublishError("等待 MQTT 代理确认最后一批消息超时")
