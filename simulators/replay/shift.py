"""A week-aligned time shift that moves a measured series into a Baotou heating season.

A source series from heating season S (starting 10-15 of year S) is moved to the target
season T by one constant offset:

    offset = weeks × 7 days + (source UTC offset − 8 h)

``weeks`` is the whole number of weeks closest to the distance from S-10-15 to T-10-15, so
the calendar position moves by at most 3 days and every reading keeps its weekday. The
second term turns the source's local wall-clock into Baotou's: a reading taken at 07:00 in
New York (UTC−5) is replayed at 07:00 in Baotou (UTC+8). One constant offset keeps the
order, the spacing and every gap of the series.

NOTE: the source offset is the winter (standard) offset. Readings taken under daylight
saving time (New York and Aalborg before early November or late October and after mid-March
or late March) land one hour later on Baotou's clock than their local time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np

HOUR_MS = 3_600_000
WEEK_MS = 7 * 24 * HOUR_MS
BAOTOU_UTC_OFFSET_H = 8.0
BAOTOU_ZONE = ZoneInfo("Asia/Shanghai")

SEASON_START = (10, 15)  # month, day of the customary first heating day
SEASON_END = (4, 15)  # month, day of the customary last heating day, next year


@dataclass(frozen=True, slots=True)
class TimeShift:
    """Constant shift from a source series' UTC instants to replayed Baotou UTC instants."""

    weeks: int
    source_utc_offset_h: float
    target_utc_offset_h: float = BAOTOU_UTC_OFFSET_H

    @property
    def offset_ms(self) -> int:
        """Return the milliseconds added to every source instant."""
        zone_change_h = self.source_utc_offset_h - self.target_utc_offset_h
        return self.weeks * WEEK_MS + round(zone_change_h * HOUR_MS)

    def apply(self, time_ms: np.ndarray) -> np.ndarray:
        """Return the replayed UTC milliseconds of source UTC milliseconds."""
        return time_ms + self.offset_ms


def season_shift(source_season_year: int, target_season_year: int, source_utc_offset_h: float) -> TimeShift:
    """Build the shift that moves season source_season_year onto season target_season_year."""
    source_start = date(source_season_year, *SEASON_START)
    target_start = date(target_season_year, *SEASON_START)
    weeks = round((target_start - source_start).days / 7)
    return TimeShift(weeks=weeks, source_utc_offset_h=source_utc_offset_h)


def season_window_ms(season_year: int) -> tuple[int, int]:
    """Return the UTC milliseconds from 10-15 00:00 to 4-16 00:00 (exclusive) Baotou time."""
    start = datetime(season_year, *SEASON_START, tzinfo=BAOTOU_ZONE)
    end = datetime(season_year + 1, SEASON_END[0], SEASON_END[1] + 1, tzinfo=BAOTOU_ZONE)
    return _epoch_ms(start), _epoch_ms(end)


def _epoch_ms(moment: datetime) -> int:
    return int(moment.astimezone(timezone.utc).timestamp()) * 1000
