"""Parsing of one spreadsheet row into typed registry values, with every problem as a Chinese reason."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from storage.registry.base import check_code
from storage.registry.errors import ImportFileError, InvalidCodeError
from storage.registry.import_report import LEVEL_NAMES
from storage.registry.import_columns import (
    COLUMN_ALIASES,
    HEADER_TO_FIELD,
    CellError,
    cell_text,
    normalize_header,
    parse_bool,
    parse_device_kind,
    parse_integer,
    parse_number,
    parse_position,
    parse_timestamp,
    parse_unit_kind,
)

CODE_FIELDS = {
    "unit_code": "供热单位编号",
    "station_code": "热力站编号",
    "household_code": "住户编号",
    "device_code": "设备编号",
}
STATION_DETAIL_FIELDS = ("station_name", "station_area", "station_households")
HOUSEHOLD_DETAIL_FIELDS = (
    "building",
    "floor",
    "position",
    "household_area",
    "measured",
    "stopped",
    "self_regulating",
)
DEVICE_DETAIL_FIELDS = ("device_kind", "installed_at", "removed_at")

# Per table: the code field and the fields whose value must agree across rows of one file.
TRACKED_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "heating_units": ("unit_code", ("unit_name", "unit_kind", "unit_contact")),
    "stations": ("station_code", ("unit_code", *STATION_DETAIL_FIELDS)),
    "households": ("household_code", ("station_code", *HOUSEHOLD_DETAIL_FIELDS)),
    "devices": ("device_code", ("station_code", "household_code", *DEVICE_DETAIL_FIELDS)),
}


def field_label(field_name: str) -> str:
    """Return the Chinese header of a field, used in messages."""
    return COLUMN_ALIASES[field_name][0]


def map_header(header: list[Any]) -> tuple[dict[int, str], list[str]]:
    """Map column positions to field names and list warnings about ignored columns."""
    columns: dict[int, str] = {}
    first_position: dict[str, int] = {}
    warnings: list[str] = []

    for position, raw in enumerate(header):
        key = normalize_header(raw)
        if not key:
            continue
        field_name = HEADER_TO_FIELD.get(key)
        if field_name is None:
            warnings.append(f"未识别的列“{raw}”已忽略")
            continue
        if field_name in first_position:
            other = header[first_position[field_name]]
            raise ImportFileError(f"列“{other}”和列“{raw}”都表示{field_label(field_name)}，请删去其中一列")
        first_position[field_name] = position
        columns[position] = field_name

    if "unit_code" not in first_position:
        found = "、".join(str(raw) for raw in header if cell_text(raw)) or "（无）"
        raise ImportFileError(f"缺少必需的列“供热单位编号”（或 unit_code）。文件中的列：{found}")
    return columns, warnings


def _parsers(zone: ZoneInfo) -> dict[str, Callable[[Any], Any]]:
    text = cell_text
    return {
        "unit_code": text,
        "unit_name": text,
        "unit_kind": parse_unit_kind,
        "unit_contact": text,
        "station_code": text,
        "station_name": text,
        "station_area": partial(parse_number, label="热力站供热面积"),
        "station_households": partial(parse_integer, label="热力站户数"),
        "household_code": text,
        "building": text,
        "floor": partial(parse_integer, label="楼层"),
        "position": parse_position,
        "household_area": partial(parse_number, label="住户供热面积"),
        "area": partial(parse_number, label="供热面积"),
        "measured": partial(parse_bool, label="是否测温"),
        "stopped": partial(parse_bool, label="是否报停"),
        "self_regulating": partial(parse_bool, label="是否自主调节"),
        "device_code": text,
        "device_kind": parse_device_kind,
        "installed_at": partial(parse_timestamp, label="安装时间", zone=zone),
        "removed_at": partial(parse_timestamp, label="拆除时间", zone=zone),
    }


def parse_row(cells: list[Any], columns: dict[int, str], zone: ZoneInfo) -> tuple[dict[str, Any], list[str]]:
    """Parse the non-empty cells of one row into values, plus every reason the row is bad."""
    parsers = _parsers(zone)
    values: dict[str, Any] = {}
    reasons: list[str] = []

    for position, field_name in columns.items():
        raw = cells[position] if position < len(cells) else None
        if cell_text(raw) is None:
            continue
        try:
            values[field_name] = parsers[field_name](raw)
        except CellError as error:
            reasons.append(str(error))

    for field_name, label in CODE_FIELDS.items():
        if field_name in values:
            try:
                check_code(values[field_name], label)
            except InvalidCodeError as error:
                reasons.append(str(error))

    reasons.extend(_check_structure(values))
    return values, reasons


def _check_structure(values: dict[str, Any]) -> list[str]:
    """Check that required codes are present and move 供热面积 to the level it belongs to."""
    reasons: list[str] = []
    if "unit_code" not in values:
        reasons.append("缺少供热单位编号")

    if "area" in values:
        area = values.pop("area")
        target = "household_area" if "household_code" in values else "station_area"
        if target == "station_area" and "station_code" not in values:
            reasons.append("填写了供热面积，但没有住户编号或热力站编号，无法判断是谁的面积")
        elif target in values and values[target] != area:
            reasons.append(f"供热面积 {area} 与{field_label(target)} {values[target]} 不一致")
        else:
            values[target] = area

    has_station_details = any(name in values for name in STATION_DETAIL_FIELDS)
    has_household_details = any(name in values for name in HOUSEHOLD_DETAIL_FIELDS)
    has_device_details = any(name in values for name in DEVICE_DETAIL_FIELDS)
    if has_station_details and "station_code" not in values:
        reasons.append("填写了热力站信息，但缺少热力站编号")
    if has_household_details and "household_code" not in values:
        reasons.append("填写了住户信息，但缺少住户编号")
    if has_device_details and "device_code" not in values:
        reasons.append("填写了设备信息，但缺少设备编号")
    if ("household_code" in values or "device_code" in values) and "station_code" not in values:
        reasons.append("住户和设备必须同时填写所属热力站编号")
    if values.get("stopped") and values.get("self_regulating"):
        reasons.append("是否报停和是否自主调节不能同时为“是”")
    return reasons


def find_conflicts(
    values: dict[str, Any],
    seen: dict[tuple[str, str], dict[str, tuple[Any, int]]],
) -> list[str]:
    """Return a reason for every value that differs from what an earlier row of the file gave."""
    reasons: list[str] = []
    for level, (code_field, tracked) in TRACKED_FIELDS.items():
        code = values.get(code_field)
        if code is None:
            continue
        earlier = seen.get((level, code), {})
        for field_name in tracked:
            if field_name not in values or field_name not in earlier:
                continue
            earlier_value, earlier_row = earlier[field_name]
            if earlier_value != values[field_name]:
                reasons.append(
                    f"{LEVEL_NAMES[level]} '{code}' 的{field_label(field_name)}与第 {earlier_row} 行不一致"
                    f"（'{_display(earlier_value)}' 与 '{_display(values[field_name])}'）"
                )
    return reasons


def already_applied(
    values: dict[str, Any],
    level: str,
    seen: dict[tuple[str, str], dict[str, tuple[Any, int]]],
) -> bool:
    """Return True when an earlier imported row already gave every value this row has for ``level``."""
    code_field, tracked = TRACKED_FIELDS[level]
    earlier = seen.get((level, values[code_field]))
    if earlier is None:
        return False
    return all(field_name in earlier for field_name in tracked if field_name in values)


def remember_values(
    values: dict[str, Any],
    row_number: int,
    seen: dict[tuple[str, str], dict[str, tuple[Any, int]]],
) -> None:
    """Record an imported row's values so that later rows can be checked against them."""
    for level, (code_field, tracked) in TRACKED_FIELDS.items():
        code = values.get(code_field)
        if code is None:
            continue
        earlier = seen.setdefault((level, code), {})
        for field_name in tracked:
            if field_name in values and field_name not in earlier:
                earlier[field_name] = (values[field_name], row_number)


def _display(value: Any) -> str:
    return str(getattr(value, "value", value))
