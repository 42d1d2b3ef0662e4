"""Registry tables: heating units, heat stations, households, devices and platform users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from storage.registry.base import (
    CODE_MAX_LENGTH,
    Base,
    DeviceKind,
    ExclusionReason,
    HouseholdPosition,
    UnitKind,
    UserRole,
    UtcDateTime,
    check_code,
    string_enum,
    utc_now,
)


class HeatingUnit(Base):
    """供热单位 or 热电联产热源单位: the company that is assessed once a season."""

    __tablename__ = "heating_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Equals the unit segment of the MQTT topic.
    code: Mapped[str] = mapped_column(sa.String(CODE_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[UnitKind] = mapped_column(string_enum(UnitKind, "unit_kind"))
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    stations: Mapped[list[Station]] = relationship(back_populates="unit")

    @validates("code")
    def _validate_code(self, _key: str, value: Any) -> str:
        return check_code(value, "供热单位编号")


class Station(Base):
    """热力站: a heat-exchange station owned by one heating unit."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Equals the station segment of the MQTT topic.
    code: Mapped[str] = mapped_column(sa.String(CODE_MAX_LENGTH), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    heated_area_m2: Mapped[float | None]
    household_count: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    unit: Mapped[HeatingUnit] = relationship(back_populates="stations")

    __table_args__ = (
        sa.CheckConstraint("heated_area_m2 IS NULL OR heated_area_m2 >= 0", name="area_not_negative"),
        sa.CheckConstraint("household_count IS NULL OR household_count >= 0", name="count_not_negative"),
    )

    @validates("code")
    def _validate_code(self, _key: str, value: Any) -> str:
        return check_code(value, "热力站编号")


class Household(Base):
    """住户: one heated dwelling, fed by one station.

    ``unit_id`` repeats the station's unit so that per-unit queries need no join. The
    repository functions keep the two consistent.
    """

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(CODE_MAX_LENGTH), unique=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    building: Mapped[str | None] = mapped_column(sa.String(64))
    floor: Mapped[int | None]
    position: Mapped[HouseholdPosition | None] = mapped_column(
        string_enum(HouseholdPosition, "household_position")
    )
    heated_area_m2: Mapped[float | None]
    # True when a room-temperature sensor (室温采集器) is installed.
    measured: Mapped[bool] = mapped_column(default=False)
    # Excluded households (自主调节 or 报停) do not count in room-temperature indicators.
    excluded: Mapped[bool] = mapped_column(default=False)
    exclusion_reason: Mapped[ExclusionReason | None] = mapped_column(
        string_enum(ExclusionReason, "exclusion_reason")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    station: Mapped[Station] = relationship()
    unit: Mapped[HeatingUnit] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(excluded AND exclusion_reason IS NOT NULL) OR (NOT excluded AND exclusion_reason IS NULL)",
            name="exclusion_has_reason",
        ),
        sa.CheckConstraint("heated_area_m2 IS NULL OR heated_area_m2 >= 0", name="area_not_negative"),
    )

    @validates("code")
    def _validate_code(self, _key: str, value: Any) -> str:
        return check_code(value, "住户编号")


class Device(Base):
    """A device that publishes readings: room sensor, station controller or heat meter."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Equals the device segment of the MQTT topic.
    code: Mapped[str] = mapped_column(sa.String(CODE_MAX_LENGTH), unique=True)
    kind: Mapped[DeviceKind] = mapped_column(string_enum(DeviceKind, "device_kind"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"), index=True)
    installed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    unit: Mapped[HeatingUnit] = relationship()
    station: Mapped[Station] = relationship()
    household: Mapped[Household | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "removed_at IS NULL OR installed_at IS NULL OR removed_at >= installed_at",
            name="removed_after_installed",
        ),
    )

    @validates("code")
    def _validate_code(self, _key: str, value: Any) -> str:
        return check_code(value, "设备编号")


class User(Base):
    """A platform account with its role. Company users belong to one heating unit."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # ``scrypt$n$r$p$salt$hash`` with base64 salt and hash, see storage.registry.passwords.
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[UserRole] = mapped_column(string_enum(UserRole, "user_role"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    unit: Mapped[HeatingUnit | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("role <> 'company' OR unit_id IS NOT NULL", name="company_user_has_unit"),
    )
