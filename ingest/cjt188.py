"""Decoding of CJ/T 188 heat-meter replies to the read request 901F (当前计量数据).

Heat meters behind simple gateways forward the raw reply as hex text. The frame is

    [FE ...] 68 | T | A0..A6 | C | L | DI0 DI1 | SER | 43 data bytes | CS | 16

Offsets in error messages count from the start byte 68 (offset 0). Multi-byte BCD values
are sent low byte first. Vendors differ in where the unit byte of a value sits, in the
decimals of the flow, in the byte order of the meter clock and in the status bits, so those
are properties of a FrameVariant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

PREAMBLE_BYTE = 0xFE
START_BYTE = 0x68
END_BYTE = 0x16
HEADER_SIZE = 11  # 68, T, A0..A6, C, L
HEAT_DATA_LENGTH = 0x2E  # DI (2) + SER (1) + 43 data bytes
HEAT_TYPES = range(0x20, 0x2A)
COOLING_METER_TYPE = 0x21
READ_DATA_FUNCTION = 0x01
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


class FrameError(ValueError):
    """Raised when a frame cannot be decoded. The message is Chinese and names the offending byte."""


class Quantity(StrEnum):
    """The physical quantity a unit code measures, named as in error messages."""

    ENERGY = "热量"
    POWER = "热功率"
    VOLUME = "累计流量"
    FLOW = "瞬时流量"


@dataclass(frozen=True, slots=True)
class UnitCode:
    """One CJ/T 188 unit code and its factor to kWh, kW, m³ or m³/h."""

    symbol: str
    quantity: Quantity
    factor: Fraction


def _unit_table() -> dict[int, UnitCode]:
    table: dict[int, UnitCode] = {}
    # (first code, symbol, quantity, factor to the base unit, multiples at consecutive codes)
    families = [
        (0x01, "J", Quantity.ENERGY, Fraction(1, 3_600_000), (1,)),
        (0x02, "Wh", Quantity.ENERGY, Fraction(1, 1000), (1, 10, 100)),
        (0x05, "kWh", Quantity.ENERGY, Fraction(1), (1, 10, 100)),
        (0x08, "MWh", Quantity.ENERGY, Fraction(1000), (1, 10, 100)),
        (0x0B, "kJ", Quantity.ENERGY, Fraction(1, 3600), (1, 10, 100)),
        (0x0E, "MJ", Quantity.ENERGY, Fraction(1000, 3600), (1, 10, 100)),
        (0x11, "GJ", Quantity.ENERGY, Fraction(1_000_000, 3600), (1, 10, 100)),
        (0x14, "W", Quantity.POWER, Fraction(1, 1000), (1, 10, 100)),
        (0x17, "kW", Quantity.POWER, Fraction(1), (1, 10, 100)),
        (0x1A, "MW", Quantity.POWER, Fraction(1000), (1, 10, 100)),
        (0x29, "L", Quantity.VOLUME, Fraction(1, 1000), (1, 10, 100)),
        (0x2C, "m³", Quantity.VOLUME, Fraction(1), (1, 10, 100)),
        (0x32, "L/h", Quantity.FLOW, Fraction(1, 1000), (1, 10, 100)),
        (0x35, "m³/h", Quantity.FLOW, Fraction(1), (1, 10, 100)),
        # Heat-flow codes (J/h … GJ/h) are powers too. Codes 0x41 and 0x42 are not assigned.
        (0x40, "J/h", Quantity.POWER, Fraction(1, 3_600_000), (1,)),
        (0x43, "kJ/h", Quantity.POWER, Fraction(1, 3600), (1, 10, 100)),
        (0x46, "MJ/h", Quantity.POWER, Fraction(1000, 3600), (1, 10, 100)),
        (0x49, "GJ/h", Quantity.POWER, Fraction(1_000_000, 3600), (1, 10, 100)),
    ]
    for first_code, symbol, quantity, factor, multiples in families:
        for index, multiple in enumerate(multiples):
            label = symbol if multiple == 1 else f"{symbol}×{multiple}"
            table[first_code + index] = UnitCode(label, quantity, factor * multiple)
    return table


UNIT_CODES: dict[int, UnitCode] = _unit_table()


class ClockOrder(StrEnum):
    """Byte order of the 7-byte BCD meter clock."""

    LOW_FIRST = "low_first"  # ss mm hh DD MM YY(low) YY(high), as 力创 meters send it
    HIGH_FIRST = "high_first"  # YY(high) YY(low) MM DD hh mm ss


CLOCK_ORDER_NAMES = {
    ClockOrder.LOW_FIRST: "秒 分 时 日 月 年低位 年高位的顺序",
    ClockOrder.HIGH_FIRST: "年高位 年低位 月 日 时 分 秒的顺序",
}


class StatusLayout(StrEnum):
    """Bit positions of the valve state and the low-battery flag in status byte ST1."""

    LOW_BITS = "low_bits"  # valve in D0–D1, battery in D2, as a published CJ/T 188 meter verifier reads it
    HIGH_BITS = "high_bits"  # valve in D6–D7, battery in D5, as a published collector firmware reads it


class ValveState(StrEnum):
    """Valve state reported in ST1 (00 open, 01 closed, 11 abnormal, 10 undefined)."""

    OPEN = "开"
    CLOSED = "关"
    ABNORMAL = "异常"
    UNDEFINED = "未定义"


VALVE_BITS = {
    0b00: ValveState.OPEN,
    0b01: ValveState.CLOSED,
    0b10: ValveState.UNDEFINED,
    0b11: ValveState.ABNORMAL,
}


@dataclass(frozen=True, slots=True)
class FrameVariant:
    """Vendor-specific layout choices of the 901F heat-meter reply."""

    name: str
    unit_first: bool  # unit byte before the 4 value bytes (力创) or after them
    flow_decimals: int  # decimals of the instantaneous flow: 4 in the 2004 layout, 3 for 力创
    clock_order: ClockOrder
    status_layout: StatusLayout = StatusLayout.LOW_BITS


# NOTE: which ST1 layout 力创 meters use is unconfirmed. Their real reply carries ST1 = 03,
# which the standard layout reads as valve abnormal, so check the vendor manual before alarming.
LICHUANG = FrameVariant("lichuang", unit_first=True, flow_decimals=3, clock_order=ClockOrder.LOW_FIRST)
# NOTE: VALUE_FIRST follows published parsers and a test vector with a wrong checksum.
# No real frame of this layout has been checked, so confirm it against a vendor's meter first.
VALUE_FIRST = FrameVariant("value_first", unit_first=False, flow_decimals=4, clock_order=ClockOrder.HIGH_FIRST)
VARIANTS: dict[str, FrameVariant] = {variant.name: variant for variant in (LICHUANG, VALUE_FIRST)}
# 力创 is the default because it is the only layout verified against a real meter reply.
DEFAULT_VARIANT = LICHUANG


@dataclass(frozen=True, slots=True)
class HeatMeterFrame:
    """A decoded 901F reply of a heat meter, in kWh, kW, m³, m³/h, °C and hours."""

    address: str  # A6..A0 as 14 digits, the way the address is printed on the meter
    meter_type: int
    serial: int  # SER, the sequence number the request carried
    di_low_first: bool  # DI sent as 1F 90 (said to be the 2018 edition's order) instead of 90 1F (2004)
    settlement_heat_kwh: float
    heat_total_kwh: float
    power_kw: float
    flow_m3h: float
    volume_total_m3: float
    supply_temp_c: float
    return_temp_c: float
    working_hours: int
    meter_clock: datetime  # naive: the meter's local wall-clock time
    status: bytes  # ST1 (defined by the standard) and ST2 (defined by the vendor)
    valve: ValveState
    battery_low: bool

    @property
    def is_cooling(self) -> bool:
        """Tell whether the meter counts cooling energy (表类型 0x21) instead of heat."""
        return self.meter_type == COOLING_METER_TYPE


def parse_hex_frame(text: str) -> bytes:
    """Convert hex text from a gateway to frame bytes, dropping spaces and FE preamble bytes."""
    digits = "".join(text.split())
    for position, character in enumerate(digits):
        if character not in "0123456789abcdefABCDEF":
            raise FrameError(f"报文第 {position + 1} 个字符 '{character}' 不是十六进制数字（去掉空白后计数）")
    if len(digits) % 2:
        raise FrameError(f"报文有 {len(digits)} 个十六进制数字，为奇数：每个字节应为两位十六进制数字")

    frame = _strip_preamble(bytes.fromhex(digits))
    if not frame:
        raise FrameError("报文为空：去掉空白和前导 FE 后没有任何字节")
    return frame


def decode_heat_meter_frame(frame: bytes, variant: FrameVariant = DEFAULT_VARIANT) -> HeatMeterFrame:
    """Check a CJ/T 188 901F heat-meter reply and decode its values into base units."""
    frame = _strip_preamble(frame)
    _check_envelope(frame)
    _check_header(frame)

    valve, battery_low = _status(frame[55], variant.status_layout)
    return HeatMeterFrame(
        address=bytes(reversed(frame[2:9])).hex().upper(),
        meter_type=frame[1],
        serial=frame[13],
        di_low_first=frame[11] == 0x1F,
        settlement_heat_kwh=_quantity(frame, 14, Quantity.ENERGY, 2, variant, "结算日热量"),
        heat_total_kwh=_quantity(frame, 19, Quantity.ENERGY, 2, variant, "当前累计热量"),
        power_kw=_quantity(frame, 24, Quantity.POWER, 2, variant, "热功率"),
        flow_m3h=_quantity(frame, 29, Quantity.FLOW, variant.flow_decimals, variant, "瞬时流量", signed=True),
        volume_total_m3=_quantity(frame, 34, Quantity.VOLUME, 2, variant, "累计流量"),
        supply_temp_c=_bcd(frame[39:42], 39, "供水温度") / 100,
        return_temp_c=_bcd(frame[42:45], 42, "回水温度") / 100,
        working_hours=_bcd(frame[45:48], 45, "累计工作时间"),
        meter_clock=_clock(frame, 48, variant.clock_order),
        status=bytes(frame[55:57]),
        valve=valve,
        battery_low=battery_low,
    )


def meter_fields(decoded: HeatMeterFrame) -> dict[str, float]:
    """Return the MeterPayload measurement fields of a decoded heat-meter reply."""
    if decoded.is_cooling:
        raise FrameError(f"表 {decoded.address} 的表类型为 21（计冷量），其累计冷量不能作为累计热量入库")
    return {
        "heat_total_kwh": decoded.heat_total_kwh,
        "power_kw": decoded.power_kw,
        "flow_m3h": decoded.flow_m3h,
        "volume_total_m3": decoded.volume_total_m3,
        "supply_temp_c": decoded.supply_temp_c,
        "return_temp_c": decoded.return_temp_c,
    }


def meter_time(decoded: HeatMeterFrame, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    """Return the meter clock as an aware datetime, read as wall-clock time in the gateway's zone."""
    return decoded.meter_clock.replace(tzinfo=zone)


def _strip_preamble(frame: bytes) -> bytes:
    return frame.lstrip(bytes([PREAMBLE_BYTE]))


def _at(offset: int) -> str:
    return f"偏移 {offset}（起始符 68 为偏移 0）"


def _check_envelope(frame: bytes) -> None:
    if not frame:
        raise FrameError("帧为空")
    if frame[0] != START_BYTE:
        raise FrameError(f"{_at(0)}应为起始符 68，实际为 {frame[0]:02X}")
    if len(frame) < HEADER_SIZE:
        raise FrameError(f"帧不完整：只有 {len(frame)} 个字节，连帧头（起始符到长度 L）都不足 {HEADER_SIZE} 个字节")

    length = frame[10]
    expected_size = HEADER_SIZE + length + 2
    if len(frame) < expected_size:
        raise FrameError(
            f"帧不完整：长度 L={length:02X}（{length}）要求共 {expected_size} 个字节（含校验和与结束符），实际只有 {len(frame)} 个"
        )
    if len(frame) > expected_size:
        raise FrameError(
            f"帧过长：长度 L={length:02X}（{length}）要求共 {expected_size} 个字节，实际有 {len(frame)} 个，结束符 16 后有多余字节"
        )

    end_offset = expected_size - 1
    if frame[end_offset] != END_BYTE:
        raise FrameError(f"{_at(end_offset)}应为结束符 16，实际为 {frame[end_offset]:02X}")

    checksum_offset = end_offset - 1
    expected_checksum = sum(frame[:checksum_offset]) % 256
    if frame[checksum_offset] != expected_checksum:
        raise FrameError(
            f"校验和错误：{_at(checksum_offset)}为 {frame[checksum_offset]:02X}，"
            f"按起始符到最后一个数据字节之和模 256 计算应为 {expected_checksum:02X}"
        )


def _check_header(frame: bytes) -> None:
    meter_type = frame[1]
    if meter_type not in HEAT_TYPES:
        raise FrameError(f"{_at(1)}表类型 T={meter_type:02X} 不是热量表（{_family(meter_type)}），热量表应为 20–29")

    control = frame[9]
    if not control & 0x80:
        raise FrameError(f"{_at(9)}控制码 C={control:02X} 的 D7 为 0：这是主站发出的请求帧，不是表计应答")
    if control & 0x40:
        data = " ".join(f"{byte:02X}" for byte in frame[11:-2])
        raise FrameError(f"表计返回异常应答：{_at(9)}控制码 C={control:02X} 的 D6 为 1，数据域为 [{data}]")
    if control & 0x1F != READ_DATA_FUNCTION:
        raise FrameError(f"{_at(9)}控制码 C={control:02X} 的功能码为 {control & 0x1F:02X}，读数据应答应为 01（C=81）")

    di = frame[11:13]
    if di not in (b"\x90\x1f", b"\x1f\x90"):
        raise FrameError(f"{_at(11)}数据标识 DI 应为 90 1F 或 1F 90（当前计量数据），实际为 {di.hex(' ').upper()}")

    length = frame[10]
    if length != HEAT_DATA_LENGTH:
        raise FrameError(f"{_at(10)}长度 L={length:02X}（{length}），热量表 901F 应答应为 2E（46）")


def _family(meter_type: int) -> str:
    if 0x10 <= meter_type <= 0x19:
        return "这是水表"
    if 0x30 <= meter_type <= 0x39:
        return "这是燃气表"
    return "未知表类型"


def _status(status: int, layout: StatusLayout) -> tuple[ValveState, bool]:
    if layout is StatusLayout.LOW_BITS:
        return VALVE_BITS[status & 0x03], bool(status & 0x04)
    return VALVE_BITS[(status >> 6) & 0x03], bool(status & 0x20)


def _quantity(
    frame: bytes, offset: int, quantity: Quantity, decimals: int, variant: FrameVariant, name: str, signed: bool = False
) -> float:
    unit_offset, value_offset = (offset, offset + 1) if variant.unit_first else (offset + 4, offset)
    code = frame[unit_offset]
    unit = UNIT_CODES.get(code)
    if unit is None or unit.quantity is not quantity:
        found = "未定义的单位代码" if unit is None else f"{unit.symbol} 是{unit.quantity.value}单位"
        raise FrameError(
            f"{name}的单位：{_at(unit_offset)}为 {code:02X}（{found}），应为{quantity.value}单位代码；"
            f"如单位字节在数值之{'后' if variant.unit_first else '前'}，请换用对应厂家的帧变体"
        )

    # The sign bit sits in the most significant byte, which is sent last.
    value_bytes = bytearray(frame[value_offset:value_offset + 4])
    negative = signed and bool(value_bytes[3] & 0x80)
    if negative:
        value_bytes[3] &= 0x7F
    amount = Fraction(_bcd(value_bytes, value_offset, name), 10**decimals) * unit.factor
    return float(-amount if negative else amount)


def _bcd(chunk: bytes | bytearray, offset: int, name: str) -> int:
    """Read BCD bytes sent low byte first. The offset is where chunk[0] sits in the frame."""
    value = 0
    for index in reversed(range(len(chunk))):
        byte = chunk[index]
        high, low = byte >> 4, byte & 0x0F
        if high > 9 or low > 9:
            raise FrameError(f"{name}：{_at(offset + index)}为 {byte:02X}，不是 BCD 码（每半字节应为 0–9）")
        value = value * 100 + high * 10 + low
    return value


def _clock(frame: bytes, offset: int, order: ClockOrder) -> datetime:
    parts = [_bcd(frame[offset + index:offset + index + 1], offset + index, "表计时钟") for index in range(7)]
    if order is ClockOrder.LOW_FIRST:
        second, minute, hour, day, month, year_low, year_high = parts
    else:
        year_high, year_low, month, day, hour, minute, second = parts

    year = year_high * 100 + year_low
    text = f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise FrameError(
            f"表计时钟：{_at(offset)}起的 7 个字节按{CLOCK_ORDER_NAMES[order]}读为 {text}，不是有效的日期时间；请核对表计时钟或厂家帧变体"
        ) from None
