"""Per-station operating schedule from the season and the injected faults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from simulators.season.city import SeasonStation
from simulators.season.config import SeasonConfig
from simulators.season.faults import EarlyExtendedHeating, Fault, Interruption, LateStart, LowTemperaturePeriod, local_ms
from simulators.season.physics import StationDrive
from simulators.season.timeline import SeasonWindow

NOMINAL_ROOM_C = 21.5
NOMINAL_ROOM_SPREAD_C = 0.3
LOW_RAMP_IN_H = 48
LOW_RAMP_OUT_H = 24


@dataclass(frozen=True, slots=True)
class HeatingPeriod:
    """The local days a station is scheduled to heat, both inclusive."""

    first_day: date
    last_day: date


def heating_period(station: SeasonStation, season: SeasonConfig, faults: tuple[Fault, ...]) -> HeatingPeriod:
    """Return the first and last scheduled heating day of a station."""
    late = sum(f.days for f in faults if isinstance(f, LateStart) and f.station == station.code)
    early = max((f.early_days for f in faults if isinstance(f, EarlyExtendedHeating) and f.unit == station.unit), default=0)
    extended = max(
        (f.extended_days for f in faults if isinstance(f, EarlyExtendedHeating) and f.unit == station.unit), default=0
    )
    first_day = season.official_start + timedelta(days=late - early)
    return HeatingPeriod(first_day, season.official_end + timedelta(days=extended))


def station_drive(
    station: SeasonStation,
    season: SeasonConfig,
    window: SeasonWindow,
    faults: tuple[Fault, ...],
    rng: np.random.Generator,
) -> StationDrive:
    """Build a station's operating commands per step: whether it heats and how far below its curve."""
    period = heating_period(station, season, faults)
    start = _local_midnight_ms(period.first_day) - season.warmup_hours * 3_600_000
    stop = _local_midnight_ms(period.last_day + timedelta(days=1))
    heating = (window.time_ms >= start) & (window.time_ms < stop)

    for fault in faults:
        if isinstance(fault, Interruption) and fault.station == station.code:
            begin = local_ms(fault.start)
            heating &= ~((window.time_ms >= begin) & (window.time_ms < begin + round(fault.hours * 3_600_000)))

    drop = np.zeros(window.steps)
    for fault in faults:
        if isinstance(fault, LowTemperaturePeriod) and fault.station == station.code:
            drop = np.maximum(drop, _held_low_drop(fault, window))

    nominal = NOMINAL_ROOM_C + float(np.clip(rng.normal(0.0, NOMINAL_ROOM_SPREAD_C), -0.6, 0.6))
    return StationDrive(heating=heating, supply_drop_c=drop, nominal_room_c=nominal)


def _held_low_drop(fault: LowTemperaturePeriod, window: SeasonWindow) -> np.ndarray:
    """Return the supply drop of a low-temperature period, ramped in before and out after it."""
    hour_ms = 3_600_000
    first = _local_midnight_ms(fault.first_day)
    end = _local_midnight_ms(fault.first_day + timedelta(days=fault.days))
    times = window.time_ms
    ramp_in = np.clip((times - (first - LOW_RAMP_IN_H * hour_ms)) / (LOW_RAMP_IN_H * hour_ms), 0.0, 1.0)
    ramp_out = np.clip(1.0 - (times - end) / (LOW_RAMP_OUT_H * hour_ms), 0.0, 1.0)
    return fault.supply_drop_c * np.minimum(ramp_in, ramp_out)


def _local_midnight_ms(day: date) -> int:
    return local_ms(datetime.combine(day, time(0)))
