"""The registry as season indicators need it: units, stations, households and devices as arrays."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from scoring.thresholds import IndicatorThresholds, SeasonCalendar
from storage.registry import Device, DeviceKind, HeatingUnit, Household, Season, Station, get_season

logger = logging.getLogger(__name__)


class SeasonThresholdsError(ValueError):
    """Raised when a season's thresholds JSON does not fit ``IndicatorThresholds``; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class RegistryView:
    """Units, stations and households of the registry, with index arrays linking them."""

    unit_codes: list[str]
    station_codes: list[str]
    station_unit: np.ndarray  # int32 unit index per station
    station_area_m2: np.ndarray  # float64, 0 when unknown
    station_weight: np.ndarray  # float64 area, or household count when no station has an area
    station_heated_households: np.ndarray  # int64 在供住户数 per station
    station_has_meter: np.ndarray  # bool, a meter device is registered at the station
    household_codes: list[str]
    household_unit: np.ndarray  # int32 unit index per household
    household_excluded: np.ndarray  # bool, self-regulating or stopped
    station_devices: list[tuple[str, int, date | None, date | None]]  # code, station index, installed, removed

    def station_index(self) -> dict[str, int]:
        """Return a lookup from station code to index."""
        return {code: index for index, code in enumerate(self.station_codes)}

    def household_index(self) -> dict[str, int]:
        """Return a lookup from household code to index."""
        return {code: index for index, code in enumerate(self.household_codes)}


def season_thresholds(season: Season) -> IndicatorThresholds:
    """Merge the season's thresholds JSON over the ``IndicatorThresholds`` defaults."""
    overrides: dict[str, Any] = dict(season.thresholds or {})
    try:
        return IndicatorThresholds(**overrides)
    except ValidationError as error:
        names = ", ".join(str(item["loc"][0]) for item in error.errors() if item["loc"])
        raise SeasonThresholdsError(f"供暖期 {season.code} 的考核阈值无效（{names}）：请按 IndicatorThresholds 的字段修改") from None


def season_calendar(season: Season) -> SeasonCalendar:
    """Return the season's official first and last local day."""
    return SeasonCalendar(official_start=season.official_start, official_end=season.official_end)


def load_season(session: Session, season_code: str) -> Season:
    """Return the season row, raising the registry's NotFoundError when it does not exist."""
    return get_season(session, code=season_code)


def load_registry_view(session: Session) -> RegistryView:
    """Read active units with their stations, households and station devices into arrays."""
    units = list(session.scalars(sa.select(HeatingUnit).where(HeatingUnit.active.is_(True)).order_by(HeatingUnit.code)))
    unit_index = {unit.id: index for index, unit in enumerate(units)}
    stations = [s for s in session.scalars(sa.select(Station).order_by(Station.code)) if s.unit_id in unit_index]
    station_index = {station.id: index for index, station in enumerate(stations)}
    households = [
        h for h in session.scalars(sa.select(Household).where(Household.active.is_(True)).order_by(Household.code))
        if h.station_id in station_index
    ]
    devices = [d for d in session.scalars(sa.select(Device).order_by(Device.code)) if d.station_id in station_index]

    registered = np.zeros(len(stations), dtype=np.int64)
    for household in households:
        if not household.excluded:
            registered[station_index[household.station_id]] += 1
    # NOTE: a station's household_count is taken as its heated (在供) households; when it is
    # missing, the active registered households that are not excluded are counted instead.
    heated = np.array([
        s.household_count if s.household_count is not None else registered[i] for i, s in enumerate(stations)
    ], dtype=np.int64)
    area = np.array([s.heated_area_m2 or 0.0 for s in stations], dtype=np.float64)
    has_meter = np.zeros(len(stations), dtype=bool)
    for device in devices:
        if device.kind == DeviceKind.METER:
            has_meter[station_index[device.station_id]] = True

    return RegistryView(
        unit_codes=[unit.code for unit in units],
        station_codes=[station.code for station in stations],
        station_unit=np.array([unit_index[s.unit_id] for s in stations], dtype=np.int32),
        station_area_m2=area,
        station_weight=area if area.sum() > 0 else heated.astype(np.float64),
        station_heated_households=heated,
        station_has_meter=has_meter,
        household_codes=[h.code for h in households],
        household_unit=np.array([unit_index[stations[station_index[h.station_id]].unit_id] for h in households],
                                dtype=np.int32),
        household_excluded=np.array([bool(h.excluded) for h in households], dtype=bool),
        station_devices=[
            (d.code, station_index[d.station_id], _local_date(d.installed_at), _local_date(d.removed_at))
            for d in devices if d.kind == DeviceKind.STATION
        ],
    )


def _local_date(moment: Any) -> date | None:
    # Installation dates are kept to the day; the UTC date is close enough for completeness.
    return None if moment is None else moment.date()
