"""Heating units: the public list, one unit's details and its 室温达标率 over a date range."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.auth.deps import PrincipalDep
from api.auth.principal import check_unit_access, not_authenticated
from api.deps import InfluxDep, SessionDep, SettingsDep
from api.errors import ApiError
from api.lookups import readable_unit
from api.ranges import CODE_REGEX, DateFrom, DateTo, check_range
from scoring.compliance import unit_compliance
from scoring.season.range_view import room_indicators_between
from scoring.rollup import UNIT_DAY_MEASUREMENT
from storage.influx import InfluxClient, InfluxError
from storage.registry import HeatingUnit, Station, UnitKind, User

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/units", tags=["供热单位"])

UnitCode = Annotated[str, Path(pattern=CODE_REGEX, description="供热单位编号")]


class UnitPublic(BaseModel):
    """供热单位"""

    code: str = Field(description="供热单位编号")
    name: str | None = Field(None, description="名称（未登记的单位为 null）")
    kind: UnitKind | None = Field(None, description="类型：heating_unit 供热单位、chp_source 热电联产热源单位")
    registered: bool = Field(False, description="是否已在登记库中登记")


class UnitsPublic(BaseModel):
    """供热单位列表"""

    data: list[UnitPublic]
    count: int = Field(description="符合条件的总数（分页前）")


class UnitDetail(UnitPublic):
    """供热单位详情"""

    contact: str | None = Field(None, description="联系人")
    active: bool = Field(description="是否参加考核")
    station_count: int = Field(description="热力站数")


class RoomComplianceIndicator(BaseModel):
    """室温达标率及其计算依据"""

    rate: float | None = Field(description="室温达标率 = 达标户日数 ÷ 有效户日数（0–1）；无有效户日时为 null")
    reason: str | None = Field(None, description="rate 为 null 时的原因")
    household_days: int = Field(description="有读数的户日数")
    valid_household_days: int = Field(description="有效户日数（当日有效读数覆盖率达标）")
    compliant_household_days: int = Field(description="达标户日数（日均室温 ≥ 18 °C）")


class UnitIndicators(BaseModel):
    """供热单位在某日期范围内的自动指标"""

    unit: str = Field(description="供热单位编号")
    date_from: date = Field(description="开始日期（含，当地日期）")
    date_to: date = Field(description="结束日期（含，当地日期）")
    room_compliance: RoomComplianceIndicator = Field(description="室温达标率")


def _timeseries_units(influx: InfluxClient) -> set[str]:
    """Return units that have daily rollups; an unreachable InfluxDB gives an empty set and a warning."""
    try:
        series = influx.query(f'SHOW TAG VALUES FROM {UNIT_DAY_MEASUREMENT} WITH KEY = "unit"')
    except InfluxError as error:
        logger.warning("Listing units without rollup data because InfluxDB failed: %s", error)
        return set()
    return {row[1] for item in series for row in item.values}


@router.get("", response_model=UnitsPublic, summary="列出供热单位")
def list_units(
    influx: InfluxDep,
    session: SessionDep,
    kind: Annotated[UnitKind | None, Query(description="只列出该类型")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数")] = 500,
    offset: Annotated[int, Query(ge=0, description="跳过的条数")] = 0,
) -> UnitsPublic:
    """列出登记库中的供热单位和已有日汇总数据的单位（公开，无需登录）。"""
    registered = {unit.code: unit for unit in session.scalars(sa.select(HeatingUnit))}
    codes = set(registered) | (_timeseries_units(influx) if kind is None else set())
    units = []
    for code in sorted(codes):
        unit = registered.get(code)
        if kind is not None and (unit is None or unit.kind != kind):
            continue
        units.append(UnitPublic(code=code, name=unit.name if unit else None,
                                kind=unit.kind if unit else None, registered=unit is not None))
    return UnitsPublic(data=units[offset: offset + limit], count=len(units))


@router.get("/{unit}", response_model=UnitDetail, summary="供热单位详情")
def read_unit(unit: UnitCode, principal: PrincipalDep, session: SessionDep) -> UnitDetail:
    """返回登记信息和热力站数（供热单位用户只能查看本单位）。"""
    found = readable_unit(session, principal, unit)
    stations = session.scalar(sa.select(sa.func.count()).select_from(Station).where(Station.unit_id == found.id))
    return UnitDetail(code=found.code, name=found.name, kind=found.kind, registered=True, contact=found.contact,
                      active=found.active, station_count=stations or 0)


def _registered_unit_compliance(settings, session, unit: str, date_from, date_to) -> RoomComplianceIndicator:  # noqa: ANN001
    """Compute 室温达标率 as the season figures do: registry exclusions and extreme-cold days left out."""
    group = room_indicators_between(settings, session, date_from, date_to).get(unit)
    if group is None:
        return RoomComplianceIndicator(rate=None, reason="该单位已停用或没有登记住户",
                                       household_days=0, valid_household_days=0, compliant_household_days=0)
    return RoomComplianceIndicator(
        rate=group.compliance.value,
        reason=group.compliance.reason,
        household_days=group.household_days - group.cold_excluded_days,
        valid_household_days=group.valid_days,
        compliant_household_days=group.compliant_days,
    )


def _check_indicator_access(principal, unit: str) -> None:  # noqa: ANN001
    """Admit staff and the unit's own company; everyone else must log in first."""
    if not principal.authenticated:
        raise not_authenticated()
    check_unit_access(principal, unit)


@router.get("/{unit}/indicators", response_model=UnitIndicators, summary="查询供热单位指标")
def read_unit_indicators(
    unit: UnitCode,
    influx: InfluxDep,
    settings: SettingsDep,
    session: SessionDep,
    principal: PrincipalDep,
    date_from: DateFrom,
    date_to: DateTo,
) -> UnitIndicators:
    """返回室温达标率（达标户日 ÷ 有效户日）及其背后的户日计数。"""
    check_range(date_from, date_to)
    _check_indicator_access(principal, unit)

    registered = session.scalar(sa.select(HeatingUnit.id).where(HeatingUnit.code == unit))
    if registered is not None:
        indicator = _registered_unit_compliance(settings, session, unit, date_from, date_to)
        return UnitIndicators(unit=unit, date_from=date_from, date_to=date_to, room_compliance=indicator)

    # A unit that only exists in the readings (not yet registered) gets the plain rollup
    # sums: without the registry no household can be excluded.
    found = unit_compliance(influx, date_from, date_to, ZoneInfo(settings.timezone)).get(unit)
    if found is None:
        if unit not in _timeseries_units(influx):
            raise ApiError(404, "unit_not_found", f"供热单位 '{unit}' 不存在或尚无数据")
        indicator = RoomComplianceIndicator(rate=None, reason="该日期范围内没有户日汇总数据",
                                            household_days=0, valid_household_days=0, compliant_household_days=0)
    else:
        indicator = RoomComplianceIndicator(
            rate=found.rate,
            reason="该单位尚未登记，未剔除报停、自主调节住户" if found.rate is not None else "该日期范围内没有有效户日",
            household_days=found.household_days,
            valid_household_days=found.valid_household_days,
            compliant_household_days=found.compliant_household_days,
        )
    return UnitIndicators(unit=unit, date_from=date_from, date_to=date_to, room_compliance=indicator)
