"""Scheduled scoring jobs: roll up each local day after midnight, catching up missed days."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from scoring.rollup import DayRollup, roll_up_day
from scoring.thresholds import IndicatorThresholds
from settings import Settings
from storage.influx import InfluxClient

logger = logging.getLogger(__name__)

# Days before yesterday that every run recomputes, so readings that arrive late (a
# station gateway uploading a backlog) still reach the rollups.
LATE_DATA_LOOKBACK_DAYS = 2
# A first run with no state starts this many days back.
FIRST_RUN_DAYS = 7


def local_today(zone: ZoneInfo) -> date:
    """Return today's date in the zone, whatever the server's own zone is."""
    return datetime.now(zone).date()


def roll_up_range(settings: Settings, first_day: date, last_day: date) -> list[DayRollup]:
    """Roll up every local day from first_day to last_day inclusive."""
    if last_day < first_day:
        raise ValueError(f"结束日期 {last_day} 早于开始日期 {first_day}")
    zone = ZoneInfo(settings.timezone)
    thresholds = IndicatorThresholds()
    results = []
    with InfluxClient.from_settings(settings) as influx:
        day = first_day
        while day <= last_day:
            results.append(roll_up_day(influx, day, zone, thresholds))
            day += timedelta(days=1)
    return results


class RollupState:
    """The last local day that was rolled up, kept in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def last_day(self) -> date | None:
        """Return the last rolled-up day, or None before the first run."""
        if not self.path.exists():
            return None
        return date.fromisoformat(json.loads(self.path.read_text("utf-8"))["last_day"])

    def save(self, day: date) -> None:
        """Record that every day up to ``day`` is rolled up."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"last_day": day.isoformat()}), "utf-8")
        temporary.replace(self.path)


def run_daily_rollup(settings: Settings) -> list[DayRollup]:
    """Roll up yesterday, every day missed since the last run, and the late-data lookback."""
    zone = ZoneInfo(settings.timezone)
    yesterday = local_today(zone) - timedelta(days=1)
    state = RollupState(settings.data_dir / "scheduler" / "rollup-state.json")

    last = state.last_day()
    first_missing = last + timedelta(days=1) if last else yesterday - timedelta(days=FIRST_RUN_DAYS - 1)
    first_day = min(first_missing, yesterday - timedelta(days=LATE_DATA_LOOKBACK_DAYS))

    results = roll_up_range(settings, first_day, yesterday)
    state.save(yesterday)
    logger.info("daily rollup covered %s to %s", first_day, yesterday)
    return results
