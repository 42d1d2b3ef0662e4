"""Scheduled scoring jobs: roll up each local day after midnight, catch up and redo late days.

The state file keeps the last rolled-up day (the watermark) and the days found dirty by
the late-data check. Every run first rolls up each day after the watermark through
yesterday, so days missed while the scheduler was down are caught up, then checks the
days still inside the raw-retention window and recomputes those whose raw readings
changed since their rollup.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from scoring.late_data import DEFAULT_RAW_RETENTION_DAYS, checkable_days, find_dirty_days
from scoring.rollup import DayRollup, roll_up_day
from scoring.season.registry_view import season_calendar, season_thresholds
from scoring.station_rollup import roll_up_station_day
from scoring.thresholds import IndicatorThresholds, SeasonCalendar
from settings import Settings
from storage.influx import InfluxClient
from storage.registry import list_seasons, session_scope

logger = logging.getLogger(__name__)

# A first run with no state starts this many days back.
FIRST_RUN_DAYS = 7
# Days before the official start and after the official end that still use the season's
# thresholds, so early and extended heating are judged like the season itself.
SEASON_MARGIN_DAYS = 60


def local_today(zone: ZoneInfo) -> date:
    """Return today's date in the zone, whatever the server's own zone is."""
    return datetime.now(zone).date()


class ThresholdsByDay:
    """The thresholds of the season around each day, read from the registry once."""

    def __init__(self, settings: Settings) -> None:
        self._seasons: list[tuple[date, date, IndicatorThresholds, SeasonCalendar]] = []
        try:
            with session_scope(settings.database_url) as session:
                for season in list_seasons(session):
                    margin = timedelta(days=SEASON_MARGIN_DAYS)
                    self._seasons.append(
                        (season.official_start - margin, season.official_end + margin, season_thresholds(season),
                         season_calendar(season))
                    )
        except sa.exc.SQLAlchemyError as error:
            logger.warning("rolling up with default thresholds because the registry could not be read: %s", error)

    def for_day(self, day: date) -> IndicatorThresholds:
        """Return the thresholds of the season whose extended window contains the day, else the defaults."""
        found = self._season_around(day)
        return found[0] if found else IndicatorThresholds()

    def season_for_day(self, day: date) -> SeasonCalendar | None:
        """Return the registered season whose extended window contains the day, else None."""
        found = self._season_around(day)
        return found[1] if found else None

    def _season_around(self, day: date) -> tuple[IndicatorThresholds, SeasonCalendar] | None:
        for first, last, thresholds, calendar in self._seasons:
            if first <= day <= last:
                return thresholds, calendar
        return None


def roll_up_days(
    settings: Settings, days: Iterable[date], *, room: bool = True, station: bool = True
) -> list[DayRollup]:
    """Roll up the given local days: the room rollup, the station rollup or both."""
    zone = ZoneInfo(settings.timezone)
    thresholds = ThresholdsByDay(settings)
    results = []
    with InfluxClient.for_jobs(settings) as influx:
        for day in sorted(days):
            if room:
                results.append(roll_up_day(influx, day, zone, thresholds.for_day(day)))
            if station:
                roll_up_station_day(influx, day, zone, thresholds.for_day(day), thresholds.season_for_day(day))
    return results


def roll_up_range(settings: Settings, first_day: date, last_day: date) -> list[DayRollup]:
    """Roll up every local day from first_day to last_day inclusive."""
    if last_day < first_day:
        raise ValueError(f"结束日期 {last_day} 早于开始日期 {first_day}")
    return roll_up_days(settings, _days(first_day, last_day))


@dataclass
class RollupState:
    """The watermark and the dirty days, kept in a small JSON file."""

    path: Path
    last_day: date | None = None
    dirty_room: set[date] = field(default_factory=set)
    dirty_station: set[date] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> RollupState:
        """Read the state file, or start empty before the first run."""
        if not path.exists():
            return cls(path)
        document = json.loads(path.read_text("utf-8"))
        last = document.get("last_day")
        return cls(
            path,
            date.fromisoformat(last) if last else None,
            {date.fromisoformat(day) for day in document.get("dirty_room", [])},
            {date.fromisoformat(day) for day in document.get("dirty_station", [])},
        )

    def save(self) -> None:
        """Write the state file atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "dirty_room": sorted(day.isoformat() for day in self.dirty_room),
            "dirty_station": sorted(day.isoformat() for day in self.dirty_station),
        }
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document), "utf-8")
        temporary.replace(self.path)


def state_path(settings: Settings) -> Path:
    """Return where the rollup state file lives."""
    return settings.data_dir / "scheduler" / "rollup-state.json"


def run_daily_rollup(
    settings: Settings, *, today: date | None = None, raw_retention_days: int = DEFAULT_RAW_RETENTION_DAYS
) -> list[DayRollup]:
    """Roll up every day since the watermark through yesterday, then recompute late days."""
    zone = ZoneInfo(settings.timezone)
    yesterday = (today or local_today(zone)) - timedelta(days=1)
    state = RollupState.load(state_path(settings))

    first_missing = state.last_day + timedelta(days=1) if state.last_day else yesterday - timedelta(days=FIRST_RUN_DAYS - 1)
    results = []
    if first_missing <= yesterday:
        # Each day is saved as soon as it is done, so a crash resumes where it stopped.
        for day in _days(first_missing, yesterday):
            results.extend(roll_up_days(settings, [day]))
            state.last_day = day
            state.save()
        logger.info("daily rollup covered %s to %s", first_missing, yesterday)

    results.extend(run_late_data_check(settings, today=today, raw_retention_days=raw_retention_days))
    return results


def run_late_data_check(
    settings: Settings, *, today: date | None = None, raw_retention_days: int = DEFAULT_RAW_RETENTION_DAYS
) -> list[DayRollup]:
    """Mark rolled-up days whose raw readings changed as dirty, then recompute every dirty day."""
    zone = ZoneInfo(settings.timezone)
    state = RollupState.load(state_path(settings))
    if state.last_day is None:
        return []

    days = checkable_days(state.last_day, today or local_today(zone), raw_retention_days)
    if days:
        with InfluxClient.for_jobs(settings) as influx:
            room, station = find_dirty_days(influx, days, zone)
        state.dirty_room |= room
        state.dirty_station |= station
        state.save()

    results = []
    for day in sorted(state.dirty_room | state.dirty_station):
        results.extend(roll_up_days(settings, [day], room=day in state.dirty_room, station=day in state.dirty_station))
        state.dirty_room.discard(day)
        state.dirty_station.discard(day)
        state.save()
        logger.info("recomputed late day %s", day)
    return results


def _days(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
