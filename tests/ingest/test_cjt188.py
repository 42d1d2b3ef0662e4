"""Tests of the CJ/T 188 heat-meter frame decoder, on a real 力创 reply and built frames."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ingest.cjt188 import (
    LICHUANG,
    UNIT_CODES,
    VALUE_FIRST,
    FrameError,
    FrameVariant,
    StatusLayout,
    ValveState,
    decode_heat_meter_frame,
    meter_fields,
    meter_time,
    parse_hex_frame,
)
from ingest.payloads import MeterPayload

# A real reply of a 力创 heat meter: unit byte before each value, checksum F7.
LICHUANG_REPLY = """
68 20 38 04 21 08 00 59 42 81 2E 90 1F 00 05 19 28 53 00 05 19 28 53 00 17 00 00 00 00
35 00 00 00 00 2C 42 33 18 00 03 19 00 10 19 00 61 27 00 26 57 23 31 03 15 20 03 01 F7 16
"""
ADDRESS = bytes.fromhex("38042108005942")
LICHUANG_CLOCK = bytes.fromhex("26572331031520")  # ss mm hh DD MM YY(low) YY(high)


def bcd(digits: int, size: int) -> bytes:
    """Encode an integer as BCD bytes sent low byte first."""
    return bytes.fromhex(f"{digits:0{size * 2}d}")[::-1]


def reading(unit: int, digits: int, unit_first: bool, negative: bool = False) -> bytes:
    """Encode one 5-byte value-with-unit group."""
    value = bytearray(bcd(digits, 4))
    if negative:
        value[3] |= 0x80
    return bytes([unit]) + bytes(value) if unit_first else bytes(value) + bytes([unit])


def heat_body(
    *,
    unit_first: bool = True,
    heat: tuple[int, int] = (0x05, 532819),
    power: tuple[int, int] = (0x17, 0),
    flow: tuple[int, int] = (0x35, 0),
    flow_negative: bool = False,
    volume: tuple[int, int] = (0x2C, 183342),
    supply: int = 1903,
    return_: int = 1910,
    hours: int = 2761,
    clock: bytes = LICHUANG_CLOCK,
    status: bytes = b"\x03\x01",
) -> bytes:
    """Build the 43 data bytes of a 901F heat-meter reply from raw BCD digits."""
    return (
        reading(*heat, unit_first)
        + reading(*heat, unit_first)
        + reading(*power, unit_first)
        + reading(*flow, unit_first, negative=flow_negative)
        + reading(*volume, unit_first)
        + bcd(supply, 3)
        + bcd(return_, 3)
        + bcd(hours, 3)
        + clock
        + status
    )


def build_frame(
    body: bytes,
    *,
    meter_type: int = 0x20,
    control: int = 0x81,
    di: bytes = b"\x90\x1f",
    length: int | None = None,
) -> bytes:
    """Wrap a data body into a full frame with the correct checksum."""
    data = di + b"\x00" + body
    head = bytes([0x68, meter_type]) + ADDRESS + bytes([control, len(data) if length is None else length]) + data
    return head + bytes([sum(head) % 256, 0x16])


def test_builder_reproduces_real_reply() -> None:
    assert build_frame(heat_body()) == parse_hex_frame(LICHUANG_REPLY)


def test_real_reply_decodes_with_unit_first_variant() -> None:
    decoded = decode_heat_meter_frame(parse_hex_frame(LICHUANG_REPLY), LICHUANG)

    assert decoded.address == "42590008210438"
    assert decoded.meter_type == 0x20
    assert not decoded.is_cooling
    assert decoded.serial == 0
    assert not decoded.di_low_first
    assert decoded.settlement_heat_kwh == 5328.19
    assert decoded.heat_total_kwh == 5328.19
    assert decoded.power_kw == 0.0
    assert decoded.flow_m3h == 0.0
    assert decoded.volume_total_m3 == 1833.42
    assert decoded.supply_temp_c == 19.03
    assert decoded.return_temp_c == 19.10
    assert decoded.working_hours == 2761
    assert decoded.meter_clock == datetime(2015, 3, 31, 23, 57, 26)
    assert decoded.status == b"\x03\x01"
    assert decoded.valve is ValveState.ABNORMAL
    assert decoded.battery_low is False


def test_meter_fields_match_payload_model() -> None:
    decoded = decode_heat_meter_frame(parse_hex_frame(LICHUANG_REPLY))
    fields = meter_fields(decoded)

    expected_names = set(MeterPayload.model_fields) - {"ts", "household"}
    assert set(fields) == expected_names
    assert all(type(value) is float for value in fields.values())
    assert fields["heat_total_kwh"] == 5328.19
    assert fields["return_temp_c"] == 19.10
    MeterPayload.model_validate({"ts": 1_700_000_000_000, **fields})


def test_meter_time_uses_gateway_zone() -> None:
    decoded = decode_heat_meter_frame(parse_hex_frame(LICHUANG_REPLY))

    local = meter_time(decoded)
    assert local.utcoffset() is not None
    assert local.astimezone(timezone.utc) == datetime(2015, 3, 31, 15, 57, 26, tzinfo=timezone.utc)

    in_utc = meter_time(decoded, ZoneInfo("UTC"))
    assert in_utc == datetime(2015, 3, 31, 23, 57, 26, tzinfo=timezone.utc)


def test_checksum_error_names_expected_value() -> None:
    frame = bytearray(parse_hex_frame(LICHUANG_REPLY))
    frame[-2] = 0xF6

    with pytest.raises(FrameError, match="校验和错误") as caught:
        decode_heat_meter_frame(bytes(frame))
    assert "F6" in str(caught.value)
    assert "F7" in str(caught.value)


def test_truncated_frame_rejected() -> None:
    frame = parse_hex_frame(LICHUANG_REPLY)[:-5]

    with pytest.raises(FrameError, match="帧不完整") as caught:
        decode_heat_meter_frame(frame)
    assert "59" in str(caught.value)


def test_header_only_fragment_rejected() -> None:
    with pytest.raises(FrameError, match="帧不完整"):
        decode_heat_meter_frame(bytes.fromhex("682038042108"))


def test_trailing_bytes_rejected() -> None:
    with pytest.raises(FrameError, match="帧过长"):
        decode_heat_meter_frame(parse_hex_frame(LICHUANG_REPLY) + b"\x16")


def test_wrong_di_rejected() -> None:
    frame = build_frame(heat_body(), di=b"\xd1\x20")

    with pytest.raises(FrameError, match="数据标识") as caught:
        decode_heat_meter_frame(frame)
    assert "D1 20" in str(caught.value)


def test_di_low_byte_first_accepted() -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(), di=b"\x1f\x90"))

    assert decoded.di_low_first
    assert decoded.heat_total_kwh == 5328.19


def test_wrong_start_byte_rejected() -> None:
    frame = bytearray(parse_hex_frame(LICHUANG_REPLY))
    frame[0] = 0x69

    with pytest.raises(FrameError, match="起始符 68，实际为 69"):
        decode_heat_meter_frame(bytes(frame))


def test_wrong_end_byte_rejected() -> None:
    frame = bytearray(parse_hex_frame(LICHUANG_REPLY))
    frame[-1] = 0x17

    with pytest.raises(FrameError, match="结束符 16，实际为 17") as caught:
        decode_heat_meter_frame(bytes(frame))
    assert "偏移 58" in str(caught.value)


def test_abnormal_reply_rejected() -> None:
    frame = build_frame(b"\x01\x00", control=0xC1)

    with pytest.raises(FrameError, match="异常应答") as caught:
        decode_heat_meter_frame(frame)
    assert "C1" in str(caught.value)


def test_request_frame_rejected() -> None:
    with pytest.raises(FrameError, match="D7 为 0"):
        decode_heat_meter_frame(build_frame(heat_body(), control=0x01))


def test_other_function_code_rejected() -> None:
    with pytest.raises(FrameError, match="功能码为 03"):
        decode_heat_meter_frame(build_frame(heat_body(), control=0x83))


def test_wrong_data_length_rejected() -> None:
    with pytest.raises(FrameError, match="长度 L=2F"):
        decode_heat_meter_frame(build_frame(heat_body() + b"\x00"))


def test_water_meter_rejected() -> None:
    with pytest.raises(FrameError, match="水表"):
        decode_heat_meter_frame(build_frame(heat_body(), meter_type=0x10))


def test_cooling_meter_reported_and_kept_out_of_heat() -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(), meter_type=0x21))

    assert decoded.is_cooling
    with pytest.raises(FrameError, match="计冷量"):
        meter_fields(decoded)


def test_negative_flow_unit_first() -> None:
    frame = build_frame(heat_body(flow=(0x35, 1234), flow_negative=True))

    assert decode_heat_meter_frame(frame, LICHUANG).flow_m3h == -1.234


def test_negative_flow_value_first() -> None:
    body = heat_body(unit_first=False, flow=(0x35, 1234), flow_negative=True, clock=bytes.fromhex("20150331235726"))

    assert decode_heat_meter_frame(build_frame(body), VALUE_FIRST).flow_m3h == -0.1234


def test_value_first_variant_decodes_high_first_clock() -> None:
    body = heat_body(unit_first=False, flow=(0x35, 12345), clock=bytes.fromhex("20150331235726"))
    decoded = decode_heat_meter_frame(build_frame(body), VALUE_FIRST)

    assert decoded.heat_total_kwh == 5328.19
    assert decoded.flow_m3h == 1.2345
    assert decoded.volume_total_m3 == 1833.42
    assert decoded.meter_clock == datetime(2015, 3, 31, 23, 57, 26)


def test_wrong_variant_names_unit_byte() -> None:
    with pytest.raises(FrameError, match="结算日热量的单位") as caught:
        decode_heat_meter_frame(parse_hex_frame(LICHUANG_REPLY), VALUE_FIRST)
    assert "偏移 18" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "digits", "expected_kwh"),
    [
        (0x01, 360_000, 0.001),  # 3600.00 J
        (0x02, 100_000, 1.0),  # 1000.00 Wh
        (0x04, 1_000, 1.0),  # 10.00 Wh×100
        (0x05, 532_819, 5328.19),  # kWh
        (0x06, 532_819, 53281.9),  # kWh×10
        (0x07, 100, 100.0),  # 1.00 kWh×100
        (0x08, 150, 1500.0),  # 1.50 MWh
        (0x0A, 100, 100_000.0),  # 1.00 MWh×100
        (0x0B, 360_000, 1.0),  # 3600.00 kJ
        (0x0E, 360, 1.0),  # 3.60 MJ
        (0x11, 100, 1000 / 3.6),  # 1.00 GJ
        (0x11, 36, 100.0),  # 0.36 GJ
        (0x12, 36, 1000.0),  # 0.36 GJ×10
        (0x13, 36, 10_000.0),  # 0.36 GJ×100
    ],
)
def test_energy_unit_conversion(code: int, digits: int, expected_kwh: float) -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(heat=(code, digits))))

    assert decoded.heat_total_kwh == pytest.approx(expected_kwh, rel=1e-12)
    assert decoded.settlement_heat_kwh == pytest.approx(expected_kwh, rel=1e-12)


@pytest.mark.parametrize(
    ("code", "digits", "expected_kw"),
    [
        (0x14, 150_000, 1.5),  # 1500.00 W
        (0x17, 1_234, 12.34),  # kW
        (0x19, 100, 100.0),  # 1.00 kW×100
        (0x1A, 50, 500.0),  # 0.50 MW
        (0x43, 360_000, 1.0),  # 3600.00 kJ/h
        (0x46, 360, 1.0),  # 3.60 MJ/h
        (0x49, 36, 100.0),  # 0.36 GJ/h
    ],
)
def test_power_unit_conversion(code: int, digits: int, expected_kw: float) -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(power=(code, digits))))

    assert decoded.power_kw == pytest.approx(expected_kw, rel=1e-12)


@pytest.mark.parametrize(
    ("code", "digits", "expected_m3"),
    [
        (0x29, 123_400, 1.234),  # 1234.00 L
        (0x2B, 1_234, 1.234),  # 12.34 L×100
        (0x2C, 183_342, 1833.42),  # m³
        (0x2E, 150, 150.0),  # 1.50 m³×100
    ],
)
def test_volume_unit_conversion(code: int, digits: int, expected_m3: float) -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(volume=(code, digits))))

    assert decoded.volume_total_m3 == pytest.approx(expected_m3, rel=1e-12)


@pytest.mark.parametrize(
    ("code", "digits", "expected_m3h"),
    [
        (0x32, 1_234_500, 1.2345),  # 1234.500 L/h
        (0x35, 1_500, 1.5),  # 1.500 m³/h
        (0x36, 1_500, 15.0),  # 1.500 m³/h×10
    ],
)
def test_flow_unit_conversion(code: int, digits: int, expected_m3h: float) -> None:
    decoded = decode_heat_meter_frame(build_frame(heat_body(flow=(code, digits))), LICHUANG)

    assert decoded.flow_m3h == pytest.approx(expected_m3h, rel=1e-12)


def test_unit_table_covers_published_codes() -> None:
    assert len(UNIT_CODES) == 19 + 9 + 6 + 6 + 10
    assert UNIT_CODES[0x06].symbol == "kWh×10"
    assert UNIT_CODES[0x4B].symbol == "GJ/h×100"
    assert 0x41 not in UNIT_CODES


def test_unit_of_other_quantity_rejected() -> None:
    frame = build_frame(heat_body(flow=(0x05, 1500)))

    with pytest.raises(FrameError, match="瞬时流量的单位") as caught:
        decode_heat_meter_frame(frame)
    assert "kWh 是热量单位" in str(caught.value)


def test_undefined_unit_code_rejected() -> None:
    with pytest.raises(FrameError, match="未定义的单位代码"):
        decode_heat_meter_frame(build_frame(heat_body(power=(0x20, 0))))


def test_non_bcd_temperature_rejected() -> None:
    frame = bytearray(build_frame(heat_body()))
    frame[39] = 0x3A

    frame[-2] = sum(frame[:-2]) % 256
    with pytest.raises(FrameError, match="供水温度") as caught:
        decode_heat_meter_frame(bytes(frame))
    assert "偏移 39" in str(caught.value)


def test_invalid_meter_clock_rejected() -> None:
    frame = build_frame(heat_body(clock=bytes.fromhex("26572331131520")))

    with pytest.raises(FrameError, match="2015-13-31 23:57:26"):
        decode_heat_meter_frame(frame)


@pytest.mark.parametrize(
    ("status", "layout", "valve", "battery_low"),
    [
        (0x00, StatusLayout.LOW_BITS, ValveState.OPEN, False),
        (0x01, StatusLayout.LOW_BITS, ValveState.CLOSED, False),
        (0x07, StatusLayout.LOW_BITS, ValveState.ABNORMAL, True),
        (0x02, StatusLayout.LOW_BITS, ValveState.UNDEFINED, False),
        (0x40, StatusLayout.HIGH_BITS, ValveState.CLOSED, False),
        (0xE0, StatusLayout.HIGH_BITS, ValveState.ABNORMAL, True),
        (0x03, StatusLayout.HIGH_BITS, ValveState.OPEN, False),
    ],
)
def test_status_byte_layouts(status: int, layout: StatusLayout, valve: ValveState, battery_low: bool) -> None:
    variant = FrameVariant("test", unit_first=True, flow_decimals=3, clock_order=LICHUANG.clock_order, status_layout=layout)
    decoded = decode_heat_meter_frame(build_frame(heat_body(status=bytes([status, 0x00]))), variant)

    assert decoded.valve is valve
    assert decoded.battery_low is battery_low


def test_hex_text_with_spaces_and_preamble() -> None:
    text = "fe fe fe\n" + LICHUANG_REPLY.lower()

    assert parse_hex_frame(text) == build_frame(heat_body())
    assert parse_hex_frame(text.replace(" ", "").replace("\n", "")) == build_frame(heat_body())


def test_decoder_strips_preamble_bytes() -> None:
    frame = b"\xfe\xfe" + parse_hex_frame(LICHUANG_REPLY)

    assert decode_heat_meter_frame(frame).address == "42590008210438"


def test_hex_text_of_odd_length_rejected() -> None:
    with pytest.raises(FrameError, match="奇数"):
        parse_hex_frame("68 20 3")


def test_hex_text_with_non_hex_character_rejected() -> None:
    with pytest.raises(FrameError, match="第 3 个字符 'G'"):
        parse_hex_frame("68 G0")


def test_hex_text_of_preamble_only_rejected() -> None:
    with pytest.raises(FrameError, match="报文为空"):
        parse_hex_frame(" FE FE ")
