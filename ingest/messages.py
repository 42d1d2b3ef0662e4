"""Turn one MQTT message into the point to store, whatever form its payload takes.

Room sensors and heat stations send JSON. Heat-metering devices send either JSON readings
or a raw CJ/T 188 reply: as hex text on its own, or wrapped as
``{"frame": "68 20 ...", "ts": ..., "household": ...}``. A frame's time is ``ts`` when
given, else the meter's own clock read in the configured local zone.
"""

from __future__ import annotations

from ingest.cjt188 import FrameError, FrameVariant, decode_heat_meter_frame, meter_fields, meter_time, parse_hex_frame
from ingest.payloads import (
    METER_MEASUREMENT,
    IDENTIFIER_PATTERN,
    PayloadError,
    TimestampPolicy,
    build_point,
    build_point_from_json,
    check_payload_size,
    decode_json,
    parse_timestamp_ms,
)
from ingest.topics import DeviceKind, DeviceTopic
from storage.points import Point

FRAME_KEYS = {"frame", "ts", "household"}


def message_to_point(
    device: DeviceTopic,
    payload: bytes,
    policy: TimestampPolicy,
    now_ms: int,
    max_bytes: int,
    frame_variant: FrameVariant,
) -> Point:
    """Validate a message for its device kind and return its point, or raise PayloadError."""
    if device.kind is DeviceKind.METER and payload[:1] not in (b"{", b"[", b" ", b"\n"):
        check_payload_size(payload, max_bytes)
        return _frame_point(device, payload.decode("ascii", errors="replace"), None, None, policy, now_ms, frame_variant)

    if device.kind is not DeviceKind.METER or b'"frame"' not in payload:
        return build_point_from_json(device, payload, policy, now_ms, max_bytes)

    document = decode_json(payload, max_bytes)
    if isinstance(document, dict) and "frame" in document:
        unknown = set(document) - FRAME_KEYS
        if unknown:
            raise PayloadError(f"字段 {', '.join(sorted(unknown))}：带 frame 的负载只允许 frame、ts、household")
        if not isinstance(document["frame"], str):
            raise PayloadError("字段 frame：必须是十六进制字符串")
        return _frame_point(
            device, document["frame"], document.get("ts"), document.get("household"), policy, now_ms, frame_variant
        )
    return build_point(device, document, policy, now_ms)


def _frame_point(
    device: DeviceTopic,
    text: str,
    ts: object,
    household: object,
    policy: TimestampPolicy,
    now_ms: int,
    variant: FrameVariant,
) -> Point:
    try:
        decoded = decode_heat_meter_frame(parse_hex_frame(text), variant)
        fields = meter_fields(decoded)
    except FrameError as error:
        raise PayloadError(f"CJ/T 188 帧无效：{error}", "frame") from None

    if ts is None:
        clock = meter_time(decoded, policy.local_zone)
        time_ms = parse_timestamp_ms(clock.isoformat(), policy, now_ms)
    elif isinstance(ts, (str, int)) and not isinstance(ts, bool):
        time_ms = parse_timestamp_ms(ts, policy, now_ms)
    else:
        raise PayloadError("字段 ts：必须是字符串或整数毫秒", "timestamp")

    tags = {"unit": device.unit, "station": device.station, "device": device.device}
    if household is not None:
        if not isinstance(household, str) or not IDENTIFIER_PATTERN.match(household):
            raise PayloadError("字段 household：只允许字母、数字、下划线、点和连字符，最长 64 个字符")
        tags["household"] = household
    return Point(measurement=METER_MEASUREMENT, tags=tags, fields=fields, time_ms=time_ms)
