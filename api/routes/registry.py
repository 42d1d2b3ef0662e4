"""Registry lists: heat stations, households and devices, with filters and pagination."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.auth.deps import UserDep
from api.auth.principal import Principal, check_unit_access
from api.deps import SessionDep
from api.lookups import readable_household, readable_station
from api.errors import ApiError
from api.ranges import CODE_REGEX
from storage.registry import Device, DeviceKind, UserRole, HeatingUnit, Household, HouseholdPosition, Station

router = APIRouter(prefix="/api/v1", tags=["登记信息"])

Code = Annotated[str, Path(pattern=CODE_REGEX, description="编号")]
UnitFilter = Annotated[str | None, Query(pattern=CODE_REGEX, description="供热单位编号")]
StationFilter = Annotated[str | None, Query(pattern=CODE_REGEX, description="热力站编号")]
Limit = Annotated[int, Query(ge=1, le=1000, description="每页条数")]
Offset = Annotated[int, Query(ge=0, description="跳过的条数")]


class StationPublic(BaseModel):
    """热力站"""

    code: str = Field(description="热力站编号")
    name: str = Field(description="名称")
    unit: str = Field(description="所属供热单位编号")
    heated_area_m2: float | None = Field(None, description="供热面积（m²）")
    household_count: int | None = Field(None, description="户数")


class HouseholdPublic(BaseModel):
    """住户"""

    code: str = Field(description="住户编号")
    station: str = Field(description="热力站编号")
    unit: str = Field(description="供热单位编号")
    building: str | None = Field(None, description="楼号")
    floor: int | None = Field(None, description="楼层")
    position: HouseholdPosition | None = Field(None, description="位置：顶层、底层、边户、中间")
    heated_area_m2: float | None = Field(None, description="供热面积（m²）")
    measured: bool = Field(description="是否装有室温采集器")
    excluded: bool = Field(description="是否不参与室温考核（自主调节或报停）")
    exclusion_reason: str | None = Field(None, description="不参与考核的原因")
    active: bool = Field(description="是否在用")


class DevicePublic(BaseModel):
    """设备"""

    code: str = Field(description="设备编号")
    kind: DeviceKind = Field(description="类型：room 室温采集器、station 热力站控制器、meter 热量表")
    unit: str = Field(description="供热单位编号")
    station: str = Field(description="热力站编号")
    household: str | None = Field(None, description="住户编号")
    installed_at: datetime | None = Field(None, description="安装时间（UTC）")
    removed_at: datetime | None = Field(None, description="拆除时间（UTC）")


class StationsPage(BaseModel):
    """热力站列表"""

    data: list[StationPublic]
    count: int = Field(description="符合条件的总数（分页前）")


class HouseholdsPage(BaseModel):
    """住户列表"""

    data: list[HouseholdPublic]
    count: int = Field(description="符合条件的总数（分页前）")


class DevicesPage(BaseModel):
    """设备列表"""

    data: list[DevicePublic]
    count: int = Field(description="符合条件的总数（分页前）")


def scoped_unit(principal: Principal, unit: str | None) -> str | None:
    """Return the unit filter to apply: a company user is always held to its own unit."""
    if unit is not None:
        check_unit_access(principal, unit)
        return unit
    if principal.is_staff:
        return None
    if principal.role == UserRole.COMPANY:
        return principal.unit_code
    raise ApiError(403, "forbidden_role", "当前角色只能查看已公布的考核结果")


def _page(session: Session, query: sa.Select, limit: int, offset: int) -> tuple[list[Any], int]:
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    return rows, total


def _station(row: Station) -> StationPublic:
    return StationPublic(code=row.code, name=row.name, unit=row.unit.code, heated_area_m2=row.heated_area_m2,
                         household_count=row.household_count)


def _household(row: Household) -> HouseholdPublic:
    return HouseholdPublic(
        code=row.code, station=row.station.code, unit=row.unit.code, building=row.building, floor=row.floor,
        position=row.position, heated_area_m2=row.heated_area_m2, measured=row.measured, excluded=row.excluded,
        exclusion_reason=row.exclusion_reason, active=row.active,
    )


def _device(row: Device) -> DevicePublic:
    return DevicePublic(code=row.code, kind=row.kind, unit=row.unit.code, station=row.station.code,
                        household=row.household.code if row.household else None,
                        installed_at=row.installed_at, removed_at=row.removed_at)


@router.get("/stations", response_model=StationsPage, summary="列出热力站")
def list_stations(principal: UserDep, session: SessionDep, unit: UnitFilter = None,
                  limit: Limit = 100, offset: Offset = 0) -> StationsPage:
    """按编号排序列出热力站；供热单位用户只看到本单位的。"""
    unit_code = scoped_unit(principal, unit)
    query = sa.select(Station).order_by(Station.code)
    if unit_code is not None:
        query = query.join(HeatingUnit, Station.unit_id == HeatingUnit.id).where(HeatingUnit.code == unit_code)
    rows, total = _page(session, query, limit, offset)
    return StationsPage(data=[_station(row) for row in rows], count=total)


@router.get("/stations/{station}", response_model=StationPublic, summary="热力站详情")
def read_station(station: Code, principal: UserDep, session: SessionDep) -> StationPublic:
    """返回一个热力站的登记信息。"""
    return _station(readable_station(session, principal, station))


@router.get("/households", response_model=HouseholdsPage, summary="列出住户")
def list_households(
    principal: UserDep, session: SessionDep, unit: UnitFilter = None, station: StationFilter = None,
    measured: Annotated[bool | None, Query(description="只列出装有/未装室温采集器的住户")] = None,
    excluded: Annotated[bool | None, Query(description="只列出不参与/参与考核的住户")] = None,
    limit: Limit = 100, offset: Offset = 0,
) -> HouseholdsPage:
    """按编号排序列出住户，可按单位、热力站、是否测温、是否排除筛选。"""
    unit_code = scoped_unit(principal, unit)
    query = sa.select(Household).order_by(Household.code)
    if unit_code is not None:
        query = query.join(HeatingUnit, Household.unit_id == HeatingUnit.id).where(HeatingUnit.code == unit_code)
    if station is not None:
        query = query.join(Station, Household.station_id == Station.id).where(Station.code == station)
    if measured is not None:
        query = query.where(Household.measured == measured)
    if excluded is not None:
        query = query.where(Household.excluded == excluded)
    rows, total = _page(session, query, limit, offset)
    return HouseholdsPage(data=[_household(row) for row in rows], count=total)


@router.get("/households/{household}", response_model=HouseholdPublic, summary="住户详情")
def read_household(household: Code, principal: UserDep, session: SessionDep) -> HouseholdPublic:
    """返回一户的登记信息。"""
    return _household(readable_household(session, principal, household))


@router.get("/devices", response_model=DevicesPage, summary="列出设备")
def list_devices(
    principal: UserDep, session: SessionDep, unit: UnitFilter = None, station: StationFilter = None,
    kind: Annotated[DeviceKind | None, Query(description="设备类型")] = None,
    limit: Limit = 100, offset: Offset = 0,
) -> DevicesPage:
    """按编号排序列出设备，可按单位、热力站、类型筛选。"""
    unit_code = scoped_unit(principal, unit)
    query = sa.select(Device).order_by(Device.code)
    if unit_code is not None:
        query = query.join(HeatingUnit, Device.unit_id == HeatingUnit.id).where(HeatingUnit.code == unit_code)
    if station is not None:
        query = query.join(Station, Device.station_id == Station.id).where(Station.code == station)
    if kind is not None:
        query = query.where(Device.kind == kind)
    rows, total = _page(session, query, limit, offset)
    return DevicesPage(data=[_device(row) for row in rows], count=total)
