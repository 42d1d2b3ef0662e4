"""Replay of real measured series as Baotou room, station and heat-meter readings."""

from simulators.replay.convert import HourlyMeterSeries, derive_hourly_meter, fahrenheit_to_celsius
from simulators.replay.plan import (
    MeterReplay,
    ReplayPlan,
    ReplayPlanError,
    RoomSensorReplay,
    StationReplay,
    small_city_plan,
)
from simulators.replay.shift import TimeShift, season_shift, season_window_ms
from simulators.replay.sources import (
    ApartmentReadings,
    MeterRegisters,
    ReplaySourceError,
    read_aalborg_meter,
    read_nyc_apartments,
)
from simulators.replay.stream import Reading, ReplaySources, load_sources, replay_readings

__all__ = [
    "ApartmentReadings",
    "HourlyMeterSeries",
    "MeterRegisters",
    "MeterReplay",
    "Reading",
    "ReplayPlan",
    "ReplayPlanError",
    "ReplaySourceError",
    "ReplaySources",
    "RoomSensorReplay",
    "StationReplay",
    "TimeShift",
    "derive_hourly_meter",
    "fahrenheit_to_celsius",
    "load_sources",
    "read_aalborg_meter",
    "read_nyc_apartments",
    "replay_readings",
    "season_shift",
    "season_window_ms",
    "small_city_plan",
]
