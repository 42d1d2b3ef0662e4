"""Repository functions for households (住户) and the devices that report from them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import check_area, check_changes, check_optional_text, coerce_enum
from storage.registry.audit import create_row, delete_row, update_row
from storage.registry.base import DeviceKind, ExclusionReason, HouseholdPosition, check_code
from storage.registry.errors import ConflictError, NotFoundError, RegistryValidationError
from storage.registry.heating_units import get_station
from storage.registry.models import Device, HeatingUnit, Household, Station

HOUSEHOLD_FIELDS = (
    "building",
    "floor",
    "position",
    "heated_area_m2",
    "measured",
    "excluded",
    "exclusion_reason",
    "active",
)
DEVICE_FIELDS = ("kind", "station_code", "household_code", "installed_at", "removed_at")
FLOOR_RANGE = range(-10, 201)


def _check_floor(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in FLOOR_RANGE:
        raise RegistryValidationError(f"楼层 '{value}' 无效：应为 -10 到 200 之间的整数")
    return value


def _resolve_exclusion(excluded: bool, reason: ExclusionReason | str | None) -> ExclusionReason | None:
    """Return the exclusion reason to store, raising when ``excluded`` and the reason disagree."""
    if not excluded:
        if reason is not None:
            raise RegistryValidationError("未标记为不参与考核的住户不能填写排除原因")
        return None
    if reason is None:
        raise RegistryValidationError("不参与考核的住户必须填写原因：自主调节或报停")
    return coerce_enum(ExclusionReason, reason, "排除原因")


def find_household(session: Session, *, code: str) -> Household | None:
    """Return the household with ``code``, or None."""
    return session.scalar(sa.select(Household).where(Household.code == code))


def get_household(session: Session, *, code: str) -> Household:
    """Return the household with ``code``, raising NotFoundError when there is none."""
    household = find_household(session, code=code)
    if household is None:
        raise NotFoundError(f"住户 '{code}' 不存在")
    return household


def list_households(
    session: Session,
    *,
    unit_code: str | None = None,
    station_code: str | None = None,
    active: bool | None = None,
    excluded: bool | None = None,
    measured: bool | None = None,
) -> list[Household]:
    """Return households ordered by code, filtered by unit, station and flags when given."""
    query = sa.select(Household).order_by(Household.code)
    if unit_code is not None:
        query = query.join(HeatingUnit, Household.unit_id == HeatingUnit.id).where(HeatingUnit.code == unit_code)
    if station_code is not None:
        query = query.join(Station, Household.station_id == Station.id).where(Station.code == station_code)
    if active is not None:
        query = query.where(Household.active == active)
    if excluded is not None:
        query = query.where(Household.excluded == excluded)
    if measured is not None:
        query = query.where(Household.measured == measured)
    return list(session.scalars(query))


def create_household(
    session: Session,
    *,
    code: str,
    station_code: str,
    building: str | None = None,
    floor: int | None = None,
    position: HouseholdPosition | str | None = None,
    heated_area_m2: float | None = None,
    measured: bool = False,
    excluded: bool = False,
    exclusion_reason: ExclusionReason | str | None = None,
    active: bool = True,
    actor: str,
) -> Household:
    """Insert a household under an existing station, copying the station's unit, and log it."""
    check_code(code, "住户编号")
    if find_household(session, code=code) is not None:
        raise ConflictError(f"住户编号 '{code}' 已存在")
    station = get_station(session, code=station_code)

    household = Household(
        code=code,
        station_id=station.id,
        unit_id=station.unit_id,
        building=check_optional_text(building, "楼号", 64),
        floor=_check_floor(floor),
        position=None if position is None else coerce_enum(HouseholdPosition, position, "位置"),
        heated_area_m2=check_area(heated_area_m2, "住户供热面积"),
        measured=bool(measured),
        excluded=bool(excluded),
        exclusion_reason=_resolve_exclusion(bool(excluded), exclusion_reason),
        active=bool(active),
    )
    return create_row(session, household, actor=actor)


def update_household(session: Session, *, code: str, actor: str, **changes: Any) -> Household:
    """Change a household's description or flags and log the change.

    Giving only ``exclusion_reason`` marks the household excluded; ``excluded=False``
    clears the reason.
    """
    check_changes(changes, HOUSEHOLD_FIELDS, "住户")
    household = get_household(session, code=code)

    values: dict[str, Any] = {}
    if "building" in changes:
        values["building"] = check_optional_text(changes["building"], "楼号", 64)
    if "floor" in changes:
        values["floor"] = _check_floor(changes["floor"])
    if "position" in changes:
        position = changes["position"]
        values["position"] = None if position is None else coerce_enum(HouseholdPosition, position, "位置")
    if "heated_area_m2" in changes:
        values["heated_area_m2"] = check_area(changes["heated_area_m2"], "住户供热面积")
    if "measured" in changes:
        values["measured"] = bool(changes["measured"])
    if "active" in changes:
        values["active"] = bool(changes["active"])

    if "excluded" in changes or "exclusion_reason" in changes:
        reason = changes.get("exclusion_reason", household.exclusion_reason)
        excluded = bool(changes.get("excluded", reason is not None))
        if not excluded and "exclusion_reason" not in changes:
            reason = None
        values["excluded"] = excluded
        values["exclusion_reason"] = _resolve_exclusion(excluded, reason)

    update_row(session, household, values, actor=actor)
    return household


def delete_household(session: Session, *, code: str, actor: str) -> None:
    """Delete a household that no device refers to."""
    household = get_household(session, code=code)
    delete_row(session, household, actor=actor, label=f"住户 '{code}'")


def find_device(session: Session, *, code: str) -> Device | None:
    """Return the device with ``code``, or None."""
    return session.scalar(sa.select(Device).where(Device.code == code))


def get_device(session: Session, *, code: str) -> Device:
    """Return the device with ``code``, raising NotFoundError when there is none."""
    device = find_device(session, code=code)
    if device is None:
        raise NotFoundError(f"设备 '{code}' 不存在")
    return device


def list_devices(
    session: Session,
    *,
    unit_code: str | None = None,
    station_code: str | None = None,
    kind: DeviceKind | None = None,
    installed_at: datetime | None = None,
) -> list[Device]:
    """Return devices ordered by code. With ``installed_at``, return only those in place at that instant."""
    query = sa.select(Device).order_by(Device.code)
    if unit_code is not None:
        query = query.join(HeatingUnit, Device.unit_id == HeatingUnit.id).where(HeatingUnit.code == unit_code)
    if station_code is not None:
        query = query.join(Station, Device.station_id == Station.id).where(Station.code == station_code)
    if kind is not None:
        query = query.where(Device.kind == kind)
    if installed_at is not None:
        query = query.where(
            sa.or_(Device.installed_at.is_(None), Device.installed_at <= installed_at),
            sa.or_(Device.removed_at.is_(None), Device.removed_at > installed_at),
        )
    return list(session.scalars(query))


def _device_location(
    session: Session, station_code: str, household_code: str | None
) -> tuple[Station, Household | None]:
    station = get_station(session, code=station_code)
    if household_code is None:
        return station, None

    household = get_household(session, code=household_code)
    if household.station_id != station.id:
        raise RegistryValidationError(f"住户 '{household_code}' 不属于热力站 '{station_code}'")
    return station, household


def _as_utc(value: datetime | None, label: str) -> datetime | None:
    """Return ``value`` in UTC, raising for a naive datetime whose zone would be a guess."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise RegistryValidationError(f"设备{label} '{value}' 缺少时区：请传入带时区的时间")
    return value.astimezone(UTC)


def _check_period(installed_at: datetime | None, removed_at: datetime | None) -> None:
    if installed_at is not None and removed_at is not None and removed_at < installed_at:
        raise RegistryValidationError("设备拆除时间不能早于安装时间")


def create_device(
    session: Session,
    *,
    code: str,
    kind: DeviceKind | str,
    station_code: str,
    household_code: str | None = None,
    installed_at: datetime | None = None,
    removed_at: datetime | None = None,
    actor: str,
) -> Device:
    """Insert a device at a station, and in a household when given, and log it."""
    check_code(code, "设备编号")
    if find_device(session, code=code) is not None:
        raise ConflictError(f"设备编号 '{code}' 已存在")
    station, household = _device_location(session, station_code, household_code)
    installed_at = _as_utc(installed_at, "安装时间")
    removed_at = _as_utc(removed_at, "拆除时间")
    _check_period(installed_at, removed_at)

    device = Device(
        code=code,
        kind=coerce_enum(DeviceKind, kind, "设备类型"),
        unit_id=station.unit_id,
        station_id=station.id,
        household_id=None if household is None else household.id,
        installed_at=installed_at,
        removed_at=removed_at,
    )
    return create_row(session, device, actor=actor)


def update_device(session: Session, *, code: str, actor: str, **changes: Any) -> Device:
    """Change a device's kind, location or installation period and log the change."""
    check_changes(changes, DEVICE_FIELDS, "设备")
    device = get_device(session, code=code)

    values: dict[str, Any] = {}
    if "kind" in changes:
        values["kind"] = coerce_enum(DeviceKind, changes["kind"], "设备类型")
    if "station_code" in changes or "household_code" in changes:
        station_code = changes.get("station_code", device.station.code)
        current_household = None if device.household is None else device.household.code
        household_code = changes.get("household_code", current_household)
        station, household = _device_location(session, station_code, household_code)
        values["station_id"] = station.id
        values["unit_id"] = station.unit_id
        values["household_id"] = None if household is None else household.id
    installed_at = _as_utc(changes.get("installed_at", device.installed_at), "安装时间")
    removed_at = _as_utc(changes.get("removed_at", device.removed_at), "拆除时间")
    _check_period(installed_at, removed_at)
    if "installed_at" in changes:
        values["installed_at"] = installed_at
    if "removed_at" in changes:
        values["removed_at"] = removed_at

    update_row(session, device, values, actor=actor)
    return device


def delete_device(session: Session, *, code: str, actor: str) -> None:
    """Delete a device. Setting ``removed_at`` instead keeps its history traceable."""
    device = get_device(session, code=code)
    delete_row(session, device, actor=actor, label=f"设备 '{code}'")
