"""Room-temperature indicators of registered units over any range of local days.

They are computed exactly as the season figures are, from the same rollups and registry:
households the registry excludes (self-regulating, stopped heating) and extreme-cold days
are left out, so the figure a company sees for its season's dates equals the one its
annual result uses.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from scoring.indicators import RoomTemperatureGroup, room_temperature_indicators
from scoring.jobs import ThresholdsByDay
from scoring.season.registry_view import load_registry_view
from scoring.season.rollup_reader import read_household_days, read_outdoor
from settings import Settings
from storage.influx import InfluxClient


def room_indicators_between(
    settings: Settings, session: Session, first_day: date, last_day: date
) -> dict[str, RoomTemperatureGroup]:
    """Return each registered unit's room-temperature figures for first_day..last_day inclusive."""
    zone = ZoneInfo(settings.timezone)
    thresholds = ThresholdsByDay(settings).for_day(first_day)
    view = load_registry_view(session)
    if not view.unit_codes:
        return {}

    with InfluxClient.from_settings(settings) as influx:
        household_days = read_household_days(influx, view, first_day, last_day, zone, thresholds)
        outdoor = read_outdoor(influx, first_day, last_day, zone)
    report = room_temperature_indicators(
        household_days, view.household_unit, view.unit_codes, view.household_excluded, outdoor, thresholds
    )
    return {group.group_id: group for group in report.groups}
