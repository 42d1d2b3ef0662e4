"""Column headers and cell parsers of registry import files (登记数据导入).

Each header, Chinese or English, maps to one field name. Each parser turns a cell into
a typed value or raises CellError with a Chinese reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from storage.registry.base import DeviceKind, HouseholdPosition, UnitKind

# Field name -> accepted headers. Headers are compared after normalize_header().
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "unit_code": ("供热单位编号", "单位编号", "unit_code", "heating_unit_code"),
    "unit_name": ("供热单位名称", "单位名称", "unit_name", "heating_unit_name"),
    "unit_kind": ("单位类型", "unit_kind"),
    "unit_contact": ("联系人", "联系方式", "联系电话", "contact", "unit_contact"),
    "station_code": ("热力站编号", "换热站编号", "station_code"),
    "station_name": ("热力站名称", "换热站名称", "station_name"),
    "station_area": ("热力站供热面积", "station_heated_area_m2", "station_area_m2"),
    "station_households": ("热力站户数", "station_household_count"),
    "household_code": ("住户编号", "热用户编号", "用户编号", "household_code"),
    "building": ("楼号", "楼栋号", "building"),
    "floor": ("楼层", "floor"),
    "position": ("位置", "住户位置", "position"),
    "household_area": ("住户供热面积", "household_heated_area_m2", "household_area_m2"),
    # 供热面积 belongs to the most specific level the row describes: household, else station.
    "area": ("供热面积", "heated_area_m2", "area_m2"),
    "measured": ("是否测温", "是否安装室温采集器", "measured"),
    "stopped": ("是否报停", "报停", "stopped"),
    "self_regulating": ("是否自主调节", "自主调节", "self_regulating"),
    "device_code": ("设备编号", "device_code"),
    "device_kind": ("设备类型", "device_kind"),
    "installed_at": ("安装时间", "安装日期", "installed_at"),
    "removed_at": ("拆除时间", "拆除日期", "removed_at"),
}

TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "无", "n", "no", "false", "f", "0", "×", "✗"})

UNIT_KIND_WORDS = {
    "供热单位": UnitKind.HEATING_UNIT,
    "热电联产热源单位": UnitKind.CHP_SOURCE,
    "热电联产": UnitKind.CHP_SOURCE,
    "热源单位": UnitKind.CHP_SOURCE,
}
POSITION_WORDS = {
    "顶层": HouseholdPosition.TOP_FLOOR,
    "底层": HouseholdPosition.GROUND_FLOOR,
    "边户": HouseholdPosition.END_UNIT,
    "中间": HouseholdPosition.MIDDLE,
    "中间户": HouseholdPosition.MIDDLE,
}
DEVICE_KIND_WORDS = {
    "室温采集器": DeviceKind.ROOM,
    "室温": DeviceKind.ROOM,
    "热力站": DeviceKind.STATION,
    "换热站": DeviceKind.STATION,
    "热量表": DeviceKind.METER,
    "热计量装置": DeviceKind.METER,
}

DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_BRACKETED_SUFFIX = re.compile(r"[（(][^）)]*[）)]$")


class CellError(ValueError):
    """Raised when a cell cannot be parsed. The message is Chinese."""


def normalize_header(header: Any) -> str:
    """Return a header without spaces, required-marks, a bracketed unit suffix or case."""
    text = "" if header is None else str(header)
    text = re.sub(r"\s+", "", text.replace("\ufeff", "")).strip("*＊")
    text = _BRACKETED_SUFFIX.sub("", text)
    return text.lower()


HEADER_TO_FIELD = {normalize_header(alias): field for field, aliases in COLUMN_ALIASES.items() for alias in aliases}


def cell_text(value: Any) -> str | None:
    """Return a cell as stripped text, or None when it is empty. Excel's 1001.0 becomes '1001'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_bool(value: Any, label: str) -> bool:
    """Parse 是/否 and the usual English and symbol spellings."""
    if isinstance(value, bool):
        return value
    word = (cell_text(value) or "").lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{label} '{value}' 无法识别：请填写“是”或“否”")


def parse_number(value: Any, label: str) -> float:
    """Parse a non-negative number, allowing thousands separators and a trailing ㎡."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = (cell_text(value) or "").replace(",", "").replace("，", "").removesuffix("㎡").removesuffix("m²")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{label} '{value}' 不是数字") from None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise CellError(f"{label} '{value}' 无效：应为不小于 0 的数")
    return number


def parse_integer(value: Any, label: str) -> int:
    """Parse a whole number such as 6, 6.0 or '6层'."""
    text = (cell_text(value) or "").removesuffix("层").removesuffix("户")
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{label} '{value}' 不是整数") from None
    if not number.is_integer():
        raise CellError(f"{label} '{value}' 不是整数")
    return int(number)


def _parse_choice(value: Any, label: str, words: dict[str, Any], enum_class: type) -> Any:
    text = cell_text(value) or ""
    if text in words:
        return words[text]
    try:
        return enum_class(text.lower())
    except ValueError:
        allowed = "、".join(words)
        raise CellError(f"{label} '{value}' 无法识别：应为 {allowed} 之一") from None


def parse_unit_kind(value: Any) -> UnitKind:
    """Parse 供热单位 / 热电联产热源单位 or the English value."""
    return _parse_choice(value, "单位类型", UNIT_KIND_WORDS, UnitKind)


def parse_position(value: Any) -> HouseholdPosition:
    """Parse 顶层 / 底层 / 边户 / 中间 or the English value."""
    return _parse_choice(value, "位置", POSITION_WORDS, HouseholdPosition)


def parse_device_kind(value: Any) -> DeviceKind:
    """Parse 室温采集器 / 热力站 / 热量表 or room / station / meter."""
    return _parse_choice(value, "设备类型", DEVICE_KIND_WORDS, DeviceKind)


def parse_timestamp(value: Any, label: str, zone: ZoneInfo) -> datetime:
    """Parse a date or date-time. A time without a zone is local in ``zone``, and a date means local midnight."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        parsed = _parse_timestamp_text(cell_text(value) or "", label)

    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _parse_timestamp_text(text: str, label: str) -> datetime:
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"{label} '{text}' 无法识别：请写成 2025-10-15 或 2025-10-15 08:30") from None
