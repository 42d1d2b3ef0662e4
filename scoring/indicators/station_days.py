"""Heat-station readings and station-days: whether a station heated on a local day.

A station-day is heated when at least ``heated_reading_share`` of the day's readings show
the secondary supply above ``heated_supply_min_c`` and supply minus return above
``heated_delta_min_c``. Readings missing either temperature are left out of the share.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import local_day_numbers
from scoring.thresholds import IndicatorThresholds


@dataclass(frozen=True, slots=True)
class StationReadings:
    """Heat-station readings as parallel arrays; ``station`` indexes into ``station_ids``.

    Optional series are None when not read at all and contain NaN where a reading lacks them.
    """

    station_ids: list[str]
    station: np.ndarray  # int32 index per reading
    time_ms: np.ndarray  # int64 UTC milliseconds
    secondary_supply_temp_c: np.ndarray  # float64
    secondary_return_temp_c: np.ndarray  # float64
    flow_m3h: np.ndarray | None = None  # float64 circulation flow
    heat_total_gj: np.ndarray | None = None  # float64 cumulative heat-meter reading


@dataclass(frozen=True, slots=True)
class StationDays:
    """One row per station and local day with at least one usable reading."""

    station_ids: list[str]
    station: np.ndarray  # int32 index into station_ids
    day: np.ndarray  # int32 local day number, days since 1970-01-01
    readings: np.ndarray  # int32, readings with both supply and return temperature
    heating_readings: np.ndarray  # int32, readings meeting both heating conditions
    mean_supply_temp_c: np.ndarray  # float64 daily mean secondary supply temperature
    heated: np.ndarray  # bool

    def __len__(self) -> int:
        return int(self.station.size)


def compute_station_days(
    readings: StationReadings, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> StationDays:
    """Group station readings into station-days and judge whether each one was heated."""
    supply = readings.secondary_supply_temp_c
    delta = supply - readings.secondary_return_temp_c
    usable = np.isfinite(supply) & np.isfinite(delta)

    station = readings.station[usable].astype(np.int64)
    days = local_day_numbers(readings.time_ms[usable], zone)
    supply = supply[usable]
    heating = (supply > thresholds.heated_supply_min_c) & (delta[usable] > thresholds.heated_delta_min_c)

    day_base = int(days.min()) if days.size else 0
    day_span = int(days.max()) - day_base + 1 if days.size else 1
    unique_keys, group = np.unique(station * day_span + (days - day_base), return_inverse=True)
    groups = unique_keys.size

    count = np.bincount(group, minlength=groups)
    heating_count = np.bincount(group, weights=heating, minlength=groups)
    supply_sum = np.bincount(group, weights=supply, minlength=groups)
    # A tiny epsilon keeps exactly 80 % of readings from failing an 0.8 share on rounding.
    heated = heating_count >= thresholds.heated_reading_share * count - 1e-9

    return StationDays(
        station_ids=readings.station_ids,
        station=(unique_keys // day_span).astype(np.int32),
        day=(unique_keys % day_span + day_base).astype(np.int32),
        readings=count.astype(np.int32),
        heating_readings=heating_count.astype(np.int32),
        mean_supply_temp_c=supply_sum / count,
        heated=heated,
    )


def heated_matrix(station_days: StationDays, first_day: int, last_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (heated, has_data) as station × day boolean matrices over [first_day, last_day]."""
    stations = len(station_days.station_ids)
    width = max(last_day - first_day + 1, 0)
    heated = np.zeros((stations, width), dtype=bool)
    has_data = np.zeros((stations, width), dtype=bool)

    inside = (station_days.day >= first_day) & (station_days.day <= last_day)
    rows = station_days.station[inside]
    columns = station_days.day[inside] - first_day
    heated[rows, columns] = station_days.heated[inside]
    has_data[rows, columns] = True
    return heated, has_data
