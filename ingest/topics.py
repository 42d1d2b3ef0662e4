"""The MQTT topic scheme that heat stations, room sensors and heat meters publish under.

    <prefix>/<unit>/<station>/<kind>/<device>

``prefix`` defaults to ``heatscore/v1``; ``unit`` is the heating unit (供热单位), ``station``
the heat station (热力站) the device belongs to, ``kind`` one of ``room`` (室温采集器),
``station`` (热力站 meter and controller) or ``meter`` (热计量装置/热量表), and ``device``
the device's own id. The household a room sensor sits in travels in its payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


class DeviceKind(StrEnum):
    """The three kinds of device that publish readings."""

    ROOM = "room"
    STATION = "station"
    METER = "meter"


class TopicError(ValueError):
    """Raised when a topic does not follow the scheme; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class DeviceTopic:
    """Identity of one device as carried by its topic."""

    unit: str
    station: str
    kind: DeviceKind
    device: str

    def render(self, prefix: str) -> str:
        """Build the topic this device publishes under."""
        return f"{prefix}/{self.unit}/{self.station}/{self.kind.value}/{self.device}"


def subscription_filter(prefix: str, share_group: str = "") -> str:
    """Return the filter that covers the whole prefix, shared when a group is given.

    It takes every level under the prefix, not just well-formed device topics, so that a
    message on a malformed topic reaches the dead-letter store instead of vanishing.
    """
    topic_filter = f"{prefix}/#"
    if share_group:
        return f"$share/{share_group}/{topic_filter}"
    return topic_filter


def parse_topic(topic: str, prefix: str) -> DeviceTopic:
    """Split a device topic into its identity, raising TopicError when it is malformed."""
    if not topic.startswith(prefix + "/"):
        raise TopicError(f"主题 '{topic}' 不以前缀 '{prefix}/' 开头")

    parts = topic[len(prefix) + 1:].split("/")
    if len(parts) != 4:
        raise TopicError(
            f"主题 '{topic}' 层级数不对：应为 {prefix}/<供热单位>/<热力站>/<设备类型>/<设备编号>"
        )

    unit, station, kind_text, device = parts
    for label, value in (("供热单位", unit), ("热力站", station), ("设备编号", device)):
        if not IDENTIFIER_PATTERN.match(value):
            raise TopicError(
                f"主题 '{topic}' 中的{label} '{value}' 无效：只允许字母、数字、下划线、点和连字符，最长 64 个字符"
            )

    try:
        kind = DeviceKind(kind_text)
    except ValueError:
        raise TopicError(
            f"主题 '{topic}' 中的设备类型 '{kind_text}' 未知：应为 room、station 或 meter"
        ) from None

    return DeviceTopic(unit=unit, station=station, kind=kind, device=device)
