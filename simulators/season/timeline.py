"""The simulated window as a grid of equal steps in Baotou time, with outdoor temperature on it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

import numpy as np

from simulators.replay.payloads import format_timestamp
from simulators.replay.shift import BAOTOU_ZONE, season_shift
from simulators.season.config import SeasonConfig
from simulators.season.faults import EarlyExtendedHeating, Fault
from simulators.weather import SHENYANG_UTC_OFFSET_H, WeatherSeries

MINUTE_MS = 60_000
DAY_MIN = 1440
CONTROLLER_OUTDOOR_WINDOW_H = 24  # stations follow the mean outdoor temperature of the last 24 hours


@dataclass(frozen=True)
class SeasonWindow:
    """Local days ``first_day`` .. ``first_day + days − 1`` cut into ``step_min`` steps.

    Baotou keeps UTC+8 all year, so step k starts exactly ``k × step_min`` minutes after the
    window's first local midnight.
    """

    first_day: date
    days: int
    step_min: int
    ts_format: str = "iso"

    @property
    def start_ms(self) -> int:
        """Return UTC milliseconds of the window's first local midnight."""
        return round(datetime.combine(self.first_day, time(0), tzinfo=BAOTOU_ZONE).timestamp() * 1000)

    @property
    def steps_per_day(self) -> int:
        """Return the number of steps in one local day."""
        return DAY_MIN // self.step_min

    @property
    def steps(self) -> int:
        """Return the number of steps in the window."""
        return self.days * self.steps_per_day

    @cached_property
    def time_ms(self) -> np.ndarray:
        """Return UTC milliseconds of every step."""
        return self.start_ms + np.arange(self.steps, dtype=np.int64) * self.step_min * MINUTE_MS

    @cached_property
    def time_list(self) -> list[int]:
        """Return UTC milliseconds of every step as Python integers."""
        return self.time_ms.tolist()

    @cached_property
    def hour_of_day(self) -> np.ndarray:
        """Return the local hour of day (fractional) of every step."""
        return (np.arange(self.steps) % self.steps_per_day) * self.step_min / 60.0

    @cached_property
    def ts_tokens(self) -> list[str]:
        """Return every step's timestamp as a JSON token: a quoted ISO string or epoch milliseconds."""
        if self.ts_format == "epoch_ms":
            return [str(int(value)) for value in self.time_ms]
        return [f'"{format_timestamp(int(value), "iso")}"' for value in self.time_ms]

    def step_of(self, time_ms: int) -> int:
        """Return the index of the step that starts at or before ``time_ms``, clipped to the window."""
        step = (time_ms - self.start_ms) // (self.step_min * MINUTE_MS)
        return int(min(max(step, 0), self.steps))

    def day_index(self, day: date) -> int:
        """Return the position of a local day in the window (negative or beyond the end when outside)."""
        return (day - self.first_day).days

    def day(self, index: int) -> date:
        """Return the local day at a position of the window."""
        return self.first_day + timedelta(days=index)


def season_window(season: SeasonConfig, faults: tuple[Fault, ...]) -> SeasonWindow:
    """Return the window: the official season plus lead and tail days, widened for early or extended heating."""
    early = max((f.early_days for f in faults if isinstance(f, EarlyExtendedHeating)), default=0)
    extended = max((f.extended_days for f in faults if isinstance(f, EarlyExtendedHeating)), default=0)
    lead = max(season.lead_days, early + 1 if early else 0)
    tail = max(season.tail_days, extended + 1 if extended else 0)
    first_day = season.official_start - timedelta(days=lead)
    days = (season.official_end - season.official_start).days + 1 + lead + tail
    step = math.gcd(season.room_interval_min, season.station_interval_min, season.meter_interval_min)
    return SeasonWindow(first_day=first_day, days=days, step_min=step, ts_format=season.ts_format)


def outdoor_on_grid(weather: WeatherSeries, season: SeasonConfig, window: SeasonWindow) -> np.ndarray:
    """Return Shenyang's hourly temperature of the source season, shifted and interpolated onto the grid.

    Missing hours are bridged linearly and steps beyond the source file take its nearest value.
    """
    offset_ms = season_shift(season.weather_season_year, season.season_year, SHENYANG_UTC_OFFSET_H).offset_ms
    known = np.isfinite(weather.temp_c)
    # Each source value is the hour's reading; place it at the middle of its hour.
    hour_middle_ms = weather.time_ms[known] + offset_ms + 30 * MINUTE_MS
    return np.interp(window.time_ms, hour_middle_ms, weather.temp_c[known])


def controller_outdoor(outdoor_c: np.ndarray, window: SeasonWindow) -> np.ndarray:
    """Return the trailing mean outdoor temperature a station controller follows."""
    width = max(1, CONTROLLER_OUTDOOR_WINDOW_H * 60 // window.step_min)
    padded = np.concatenate((np.full(width - 1, outdoor_c[0]), outdoor_c))
    sums = np.cumsum(np.concatenate(([0.0], padded)))
    return (sums[width:] - sums[:-width]) / width
