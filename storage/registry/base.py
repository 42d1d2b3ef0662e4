"""Declarative base, column types and enumerations shared by every registry table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

from storage.registry.errors import InvalidCodeError

# The same rule as an MQTT topic segment: unit, station and device codes appear in topics.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
CODE_MAX_LENGTH = 64

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of the registry tables, with stable constraint names for migrations."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite keeps no zone, so values are written as naive UTC and tagged UTC on the way
    back; PostgreSQL stores ``timestamptz``. A naive datetime is rejected on write
    because its zone would be a guess.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC, raising ValueError for a naive one."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: attach a zone first")
        utc_value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc_value.replace(tzinfo=None)
        return utc_value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Tag a stored value as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def string_enum(enum_class: type[StrEnum], name: str) -> sa.Enum:
    """Build a portable VARCHAR column type with a CHECK constraint over the enum's values."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def check_code(value: Any, label: str) -> str:
    """Return ``value`` as a code, raising InvalidCodeError with a Chinese message if malformed."""
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise InvalidCodeError(
            f"{label} '{value}' 无效：须以字母或数字开头，只允许字母、数字、下划线、点和连字符，"
            f"最长 {CODE_MAX_LENGTH} 个字符"
        )
    return value


class UnitKind(StrEnum):
    """Kind of assessed company: 供热单位 or 热电联产热源单位."""

    HEATING_UNIT = "heating_unit"
    CHP_SOURCE = "chp_source"


class HouseholdPosition(StrEnum):
    """Position of a household in its building: 顶层, 底层, 边户 or 中间."""

    TOP_FLOOR = "top_floor"
    GROUND_FLOOR = "ground_floor"
    END_UNIT = "end_unit"
    MIDDLE = "middle"


class ExclusionReason(StrEnum):
    """Reason a household is left out of room-temperature indicators."""

    SELF_REGULATING = "self_regulating"  # 自主调节
    STOPPED = "stopped"  # 报停


class DeviceKind(StrEnum):
    """Kind of device, with values equal to the ``kind`` segment of the MQTT topic."""

    ROOM = "room"
    STATION = "station"
    METER = "meter"


class EntryKind(StrEnum):
    """Kind of manual entry: a rubric item, a bonus, a deduction or a veto."""

    ITEM = "item"
    BONUS = "bonus"
    DEDUCTION = "deduction"
    VETO = "veto"


class EntrySource(StrEnum):
    """Origin of a manual entry: 自评, 检查 or 抽查."""

    SELF_ASSESSMENT = "self_assessment"
    INSPECTION = "inspection"
    SPOT_CHECK = "spot_check"


class EntryStatus(StrEnum):
    """Review state of a manual entry."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class UserRole(StrEnum):
    """Role of a platform user: 局管理员, 检查员, 供热单位 or 公众."""

    ADMIN = "admin"
    INSPECTOR = "inspector"
    COMPANY = "company"
    PUBLIC = "public"


class AuditAction(StrEnum):
    """Kind of change recorded in the audit log."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
