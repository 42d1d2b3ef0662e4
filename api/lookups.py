"""Registry look-ups that routes share: rows by code with the caller's access checked, season thresholds."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.auth.principal import Principal, check_unit_access, not_authenticated
from scoring.thresholds import IndicatorThresholds
from storage.registry import HeatingUnit, Household, Season, Station, get_heating_unit, get_household, get_station

logger = logging.getLogger(__name__)


def readable_unit(session: Session, principal: Principal, code: str) -> HeatingUnit:
    """Return the unit after checking the caller may read its data (401/403), or raise 404."""
    check_unit_access(principal, code)
    return get_heating_unit(session, code=code)


def readable_station(session: Session, principal: Principal, code: str) -> Station:
    """Return the station after checking the caller may read its unit's data."""
    if not principal.authenticated:
        raise not_authenticated()
    station = get_station(session, code=code)
    check_unit_access(principal, station.unit.code)
    return station


def readable_household(session: Session, principal: Principal, code: str) -> Household:
    """Return the household after checking the caller may read its unit's data."""
    if not principal.authenticated:
        raise not_authenticated()
    household = get_household(session, code=code)
    check_unit_access(principal, household.unit.code)
    return household


def station_areas(session: Session, unit_id: int) -> dict[str, float | None]:
    """Return station code to heated area (m²) for one unit."""
    rows = session.execute(sa.select(Station.code, Station.heated_area_m2).where(Station.unit_id == unit_id))
    return {code: area for code, area in rows}


def season_for_day(session: Session, day: date) -> Season | None:
    """Return the season whose official dates contain ``day``, or None."""
    return session.scalar(
        sa.select(Season).where(Season.official_start <= day, Season.official_end >= day).limit(1)
    )


def thresholds_for_day(session: Session, day: date) -> IndicatorThresholds:
    """Return the season's indicator thresholds for ``day``, or the defaults outside any season."""
    season = season_for_day(session, day)
    if season is None or not season.thresholds:
        return IndicatorThresholds()
    try:
        return IndicatorThresholds.model_validate(season.thresholds)
    except ValidationError as error:
        logger.warning("Season %s has invalid thresholds, using defaults: %s", season.code, error)
        return IndicatorThresholds()
