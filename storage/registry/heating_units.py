"""Repository functions for heating units (供热单位) and their heat stations (热力站)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import (
    check_area,
    check_changes,
    check_count,
    check_optional_text,
    check_text,
    coerce_enum,
)
from storage.registry.audit import create_row, delete_row, update_row
from storage.registry.base import UnitKind, check_code
from storage.registry.errors import ConflictError, NotFoundError
from storage.registry.models import Device, HeatingUnit, Household, Station

UNIT_FIELDS = ("name", "kind", "contact", "active")
STATION_FIELDS = ("name", "heated_area_m2", "household_count", "unit_code")


def find_heating_unit(session: Session, *, code: str) -> HeatingUnit | None:
    """Return the heating unit with ``code``, or None."""
    return session.scalar(sa.select(HeatingUnit).where(HeatingUnit.code == code))


def get_heating_unit(session: Session, *, code: str) -> HeatingUnit:
    """Return the heating unit with ``code``, raising NotFoundError when there is none."""
    unit = find_heating_unit(session, code=code)
    if unit is None:
        raise NotFoundError(f"供热单位 '{code}' 不存在")
    return unit


def list_heating_units(
    session: Session, *, active: bool | None = None, kind: UnitKind | None = None
) -> list[HeatingUnit]:
    """Return heating units ordered by code, optionally only active ones or one kind."""
    query = sa.select(HeatingUnit).order_by(HeatingUnit.code)
    if active is not None:
        query = query.where(HeatingUnit.active == active)
    if kind is not None:
        query = query.where(HeatingUnit.kind == kind)
    return list(session.scalars(query))


def create_heating_unit(
    session: Session,
    *,
    code: str,
    name: str,
    kind: UnitKind | str = UnitKind.HEATING_UNIT,
    contact: str | None = None,
    active: bool = True,
    actor: str,
) -> HeatingUnit:
    """Insert a heating unit and log it, raising ConflictError when the code is taken."""
    check_code(code, "供热单位编号")
    if find_heating_unit(session, code=code) is not None:
        raise ConflictError(f"供热单位编号 '{code}' 已存在")

    unit = HeatingUnit(
        code=code,
        name=check_text(name, "供热单位名称", 200),
        kind=coerce_enum(UnitKind, kind, "单位类型"),
        contact=check_optional_text(contact, "联系人", 200),
        active=bool(active),
    )
    return create_row(session, unit, actor=actor)


def update_heating_unit(session: Session, *, code: str, actor: str, **changes: Any) -> HeatingUnit:
    """Change name, kind, contact or active of a heating unit and log the change."""
    check_changes(changes, UNIT_FIELDS, "供热单位")
    unit = get_heating_unit(session, code=code)

    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = check_text(changes["name"], "供热单位名称", 200)
    if "kind" in changes:
        values["kind"] = coerce_enum(UnitKind, changes["kind"], "单位类型")
    if "contact" in changes:
        values["contact"] = check_optional_text(changes["contact"], "联系人", 200)
    if "active" in changes:
        values["active"] = bool(changes["active"])

    update_row(session, unit, values, actor=actor)
    return unit


def delete_heating_unit(session: Session, *, code: str, actor: str) -> None:
    """Delete a heating unit that nothing refers to. Deactivate a unit with history instead."""
    unit = get_heating_unit(session, code=code)
    delete_row(session, unit, actor=actor, label=f"供热单位 '{code}'")


def find_station(session: Session, *, code: str) -> Station | None:
    """Return the station with ``code``, or None."""
    return session.scalar(sa.select(Station).where(Station.code == code))


def get_station(session: Session, *, code: str) -> Station:
    """Return the station with ``code``, raising NotFoundError when there is none."""
    station = find_station(session, code=code)
    if station is None:
        raise NotFoundError(f"热力站 '{code}' 不存在")
    return station


def list_stations(session: Session, *, unit_code: str | None = None) -> list[Station]:
    """Return stations ordered by code, optionally those of one heating unit."""
    query = sa.select(Station).order_by(Station.code)
    if unit_code is not None:
        query = query.join(Station.unit).where(HeatingUnit.code == unit_code)
    return list(session.scalars(query))


def create_station(
    session: Session,
    *,
    code: str,
    unit_code: str,
    name: str,
    heated_area_m2: float | None = None,
    household_count: int | None = None,
    actor: str,
) -> Station:
    """Insert a heat station under an existing heating unit and log it."""
    check_code(code, "热力站编号")
    if find_station(session, code=code) is not None:
        raise ConflictError(f"热力站编号 '{code}' 已存在")
    unit = get_heating_unit(session, code=unit_code)

    station = Station(
        code=code,
        unit_id=unit.id,
        name=check_text(name, "热力站名称", 200),
        heated_area_m2=check_area(heated_area_m2, "热力站供热面积"),
        household_count=check_count(household_count, "热力站户数"),
    )
    return create_row(session, station, actor=actor)


def update_station(session: Session, *, code: str, actor: str, **changes: Any) -> Station:
    """Change a station's name, area, household count or owning unit, and log the change.

    Moving a station to another unit (``unit_code``) moves its households and devices
    with it, each with its own audit entry.
    """
    check_changes(changes, STATION_FIELDS, "热力站")
    station = get_station(session, code=code)

    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = check_text(changes["name"], "热力站名称", 200)
    if "heated_area_m2" in changes:
        values["heated_area_m2"] = check_area(changes["heated_area_m2"], "热力站供热面积")
    if "household_count" in changes:
        values["household_count"] = check_count(changes["household_count"], "热力站户数")
    new_unit_id = station.unit_id
    if "unit_code" in changes:
        new_unit_id = get_heating_unit(session, code=changes["unit_code"]).id
        values["unit_id"] = new_unit_id

    update_row(session, station, values, actor=actor)

    if "unit_code" in changes:
        _move_station_members(session, station, new_unit_id, actor=actor)
    return station


def _move_station_members(session: Session, station: Station, unit_id: int, *, actor: str) -> None:
    for model in (Household, Device):
        members = session.scalars(sa.select(model).where(model.station_id == station.id))
        for member in members:
            update_row(session, member, {"unit_id": unit_id}, actor=actor)


def delete_station(session: Session, *, code: str, actor: str) -> None:
    """Delete a station that has no households, devices or other references."""
    station = get_station(session, code=code)
    delete_row(session, station, actor=actor, label=f"热力站 '{code}'")
