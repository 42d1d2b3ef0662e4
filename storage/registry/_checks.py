"""Value checks shared by the repository modules, raising with Chinese messages."""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar

from storage.registry.errors import RegistryValidationError

EnumT = TypeVar("EnumT", bound=Enum)


def check_changes(changes: dict[str, Any], allowed: Iterable[str], label: str) -> None:
    """Raise when ``changes`` names a field that may not be updated on a ``label``."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise RegistryValidationError(f"{label}不支持修改字段：{', '.join(unknown)}")


def check_text(value: Any, label: str, max_length: int) -> str:
    """Return ``value`` stripped, raising when it is empty or longer than ``max_length``."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise RegistryValidationError(f"{label}不能为空")
    if len(text) > max_length:
        raise RegistryValidationError(f"{label}过长：最多 {max_length} 个字符，实际 {len(text)} 个")
    return text


def check_optional_text(value: Any, label: str, max_length: int) -> str | None:
    """Return ``value`` stripped, or None when it is None or blank."""
    if value is None or not str(value).strip():
        return None
    return check_text(value, label, max_length)


def check_area(value: float | None, label: str) -> float | None:
    """Return a heated area in m², raising when it is negative or not a finite number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise RegistryValidationError(f"{label} '{value}' 无效：应为不小于 0 的数（平方米）")
    return float(value)


def check_count(value: int | None, label: str) -> int | None:
    """Return a count, raising when it is negative or not an integer."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RegistryValidationError(f"{label} '{value}' 无效：应为不小于 0 的整数")
    return value


def check_number(value: float | None, label: str) -> float | None:
    """Return ``value`` as a finite float, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RegistryValidationError(f"{label} '{value}' 无效：应为有限的数值")
    return float(value)


def coerce_enum(enum_class: type[EnumT], value: Any, label: str) -> EnumT:
    """Return the member of ``enum_class`` named by ``value``, raising with the allowed values."""
    try:
        return enum_class(value)
    except ValueError:
        allowed = "、".join(member.value for member in enum_class)
        raise RegistryValidationError(f"{label} '{value}' 无效：应为 {allowed} 之一") from None
