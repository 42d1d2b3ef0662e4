import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ingest.payloads import PayloadError, TimestampPolicy, build_point, decode_json
from ingest.topics import DeviceKind, DeviceTopic

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW_MS = int(datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc).timestamp() * 1000)
ROOM = DeviceTopic("U01", "S01", DeviceKind.ROOM, "T1")
STATION = DeviceTopic("U01", "S01", DeviceKind.STATION, "ST1")
METER = DeviceTopic("U01", "S01", DeviceKind.METER, "M1")
POLICY = TimestampPolicy(local_zone=SHANGHAI)


def room(**overrides):
    body = {"ts": "2026-01-05T08:15:00+08:00", "household": "H1", "temp_c": 19.5}
    body.update(overrides)
    return body


def parse(topic, document, policy=POLICY):
    raw = json.dumps(document).encode() if not isinstance(document, bytes) else document
    return build_point(topic, decode_json(raw, 16384), policy, NOW_MS)


def test_room_reading_becomes_point():
    point = parse(ROOM, room(humidity_pct=35))

    assert point.measurement == "room_reading"
    assert point.tags == {"unit": "U01", "station": "S01", "device": "T1", "household": "H1"}
    assert point.fields == {"temp_c": 19.5, "humidity_pct": 35.0, "sensor_fault": 0.0}
    assert point.time_ms == int(datetime(2026, 1, 5, 0, 15, tzinfo=timezone.utc).timestamp() * 1000)


def test_epoch_milliseconds_accepted():
    point = parse(ROOM, room(ts=1767571200000))

    assert point.time_ms == 1767571200000


def test_integer_temperature_accepted_as_float():
    point = parse(ROOM, room(temp_c=20))

    assert point.fields["temp_c"] == 20.0
    assert isinstance(point.fields["temp_c"], float)


def test_missing_field_named():
    with pytest.raises(PayloadError, match="字段 temp_c：缺失"):
        parse(ROOM, {"ts": "2026-01-05T08:15:00+08:00", "household": "H1"})


def test_string_number_rejected():
    with pytest.raises(PayloadError, match="字段 temp_c：必须是数字") as caught:
        parse(ROOM, room(temp_c="19.5"))
    assert caught.value.code == "schema"


def test_boolean_as_number_rejected():
    with pytest.raises(PayloadError, match="temp_c"):
        parse(ROOM, room(temp_c=True))


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_literals_rejected(literal):
    raw = b'{"ts": "2026-01-05T08:15:00+08:00", "household": "H1", "temp_c": ' + literal + b"}"

    with pytest.raises(PayloadError, match="非有限数值") as caught:
        parse(ROOM, raw)
    assert caught.value.code == "non_finite"


def test_overflowing_number_rejected_as_non_finite():
    raw = b'{"ts": "2026-01-05T08:15:00+08:00", "household": "H1", "temp_c": 1e999}'

    with pytest.raises(PayloadError) as caught:
        parse(ROOM, raw)
    assert caught.value.code == "non_finite"


def test_out_of_range_temperature_rejected():
    with pytest.raises(PayloadError, match="不得大于 60"):
        parse(ROOM, room(temp_c=85.0))


def test_naive_timestamp_assumed_local_by_default():
    point = parse(ROOM, room(ts="2026-01-05T08:15:00"))

    assert point.time_ms == int(datetime(2026, 1, 5, 0, 15, tzinfo=timezone.utc).timestamp() * 1000)


def test_naive_timestamp_rejected_under_reject_policy():
    policy = TimestampPolicy(local_zone=SHANGHAI, naive="reject")

    with pytest.raises(PayloadError, match="缺少时区") as caught:
        parse(ROOM, room(ts="2026-01-05T08:15:00"), policy)
    assert caught.value.code == "timestamp"


def test_future_timestamp_rejected():
    with pytest.raises(PayloadError, match="超前当前时间"):
        parse(ROOM, room(ts="2026-01-10T21:00:00+08:00"))


def test_unparseable_timestamp_rejected():
    with pytest.raises(PayloadError, match="不是 ISO 8601"):
        parse(ROOM, room(ts="05/01/2026 08:15"))


def test_unknown_field_rejected():
    with pytest.raises(PayloadError, match="字段 pressure：不是该设备类型的字段"):
        parse(ROOM, room(pressure=0.4))


def test_oversized_payload_rejected_before_parsing():
    with pytest.raises(PayloadError, match="负载过大") as caught:
        decode_json(b"{" + b" " * 20000 + b"}", 16384)
    assert caught.value.code == "size"


def test_invalid_json_rejected():
    with pytest.raises(PayloadError, match="不是有效的 JSON") as caught:
        decode_json(b'{"ts": ', 16384)
    assert caught.value.code == "json"


def test_json_array_rejected():
    with pytest.raises(PayloadError, match="JSON 对象"):
        parse(ROOM, [room()])


def test_station_reading_all_fields_float():
    point = parse(STATION, {"ts": 1767571200000, "secondary_supply_temp_c": 48, "flow_m3h": 120.5})

    assert point.measurement == "station_reading"
    assert point.fields == {"secondary_supply_temp_c": 48.0, "flow_m3h": 120.5}
    assert "household" not in point.tags


def test_station_without_values_rejected():
    with pytest.raises(PayloadError, match="没有任何测量值"):
        parse(STATION, {"ts": 1767571200000})


def test_meter_reading_with_household_tag():
    point = parse(METER, {"ts": 1767571200000, "household": "H9", "heat_total_kwh": 5328.19})

    assert point.measurement == "meter_reading"
    assert point.tags["household"] == "H9"
