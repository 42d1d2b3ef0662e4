import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ingest.cjt188 import LICHUANG
from ingest.messages import message_to_point
from ingest.payloads import PayloadError, TimestampPolicy
from ingest.topics import DeviceKind, DeviceTopic

METER = DeviceTopic("U01", "S01", DeviceKind.METER, "M1")
ROOM = DeviceTopic("U01", "S01", DeviceKind.ROOM, "T1")
POLICY = TimestampPolicy(local_zone=ZoneInfo("Asia/Shanghai"))
NOW_MS = int(datetime(2026, 1, 10, tzinfo=timezone.utc).timestamp() * 1000)
# A real 力创 heat-meter reply; its clock reads 2015-03-31 23:57:26.
FRAME = (
    "68 20 38 04 21 08 00 59 42 81 2E 90 1F 00 05 19 28 53 00 05 19 28 53 00 17 00 00 00 00 "
    "35 00 00 00 00 2C 42 33 18 00 03 19 00 10 19 00 61 27 00 26 57 23 31 03 15 20 03 01 F7 16"
)


def convert(device, payload):
    return message_to_point(device, payload, POLICY, NOW_MS, 16384, LICHUANG)


def test_wrapped_frame_with_timestamp_stored_as_meter_reading():
    payload = json.dumps({"frame": FRAME, "ts": "2026-01-05T08:00:00+08:00", "household": "H1"}).encode()

    point = convert(METER, payload)

    assert point.measurement == "meter_reading"
    assert point.tags["household"] == "H1"
    assert point.fields["heat_total_kwh"] == pytest.approx(5328.19)
    assert point.fields["volume_total_m3"] == pytest.approx(1833.42)
    assert point.fields["supply_temp_c"] == pytest.approx(19.03)
    assert point.fields["return_temp_c"] == pytest.approx(19.10)


def test_raw_hex_frame_uses_meter_clock_which_is_too_old_here():
    with pytest.raises(PayloadError, match="早于 2020-01-01") as caught:
        convert(METER, FRAME.encode())
    assert caught.value.code == "timestamp"


def test_corrupted_frame_rejected_with_reason():
    broken = FRAME[:-5] + "F6 16"

    with pytest.raises(PayloadError, match="CJ/T 188 帧无效") as caught:
        convert(METER, json.dumps({"frame": broken, "ts": 1767571200000}).encode())
    assert caught.value.code == "frame"


def test_frame_with_foreign_keys_rejected():
    with pytest.raises(PayloadError, match="只允许 frame、ts、household"):
        convert(METER, json.dumps({"frame": FRAME, "temp_c": 1}).encode())


def test_json_meter_reading_still_accepted():
    point = convert(METER, json.dumps({"ts": 1767571200000, "power_kw": 3.5}).encode())

    assert point.fields == {"power_kw": 3.5}


def test_room_payload_that_is_not_json_rejected():
    with pytest.raises(PayloadError) as caught:
        convert(ROOM, b"68 20 38")
    assert caught.value.code == "json"
