"""A time-ordered stream of replayed readings: (topic, payload bytes, reading time in ms).

Every device of a ``ReplayPlan`` gets its own generator that walks its source arrays by
index, and ``heapq.merge`` interleaves them by reading time. The stream therefore keeps one
pending reading per device besides the source arrays, however long the season is.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ingest.payloads import MeterPayload, RoomPayload, StationPayload
from ingest.topics import DeviceKind, DeviceTopic
from simulators.replay.convert import (
    DEFAULT_MIN_VOLUME_DELTA_M3,
    GJ_PER_KWH,
    HourlyMeterSeries,
    derive_hourly_meter,
    fahrenheit_to_celsius,
)
from simulators.replay.payloads import encode_payload, format_timestamp
from simulators.replay.plan import MeterReplay, ReplayPlan, RoomSensorReplay, StationReplay
from simulators.replay.shift import season_shift, season_window_ms
from simulators.replay.sources import (
    AALBORG_UTC_OFFSET_H,
    NYC_UTC_OFFSET_H,
    ApartmentReadings,
    read_aalborg_meter,
    read_nyc_apartments,
)
from simulators.weather import SHENYANG_UTC_OFFSET_H, WeatherSeries, read_shenyang_weather

logger = logging.getLogger(__name__)

class Reading(NamedTuple):
    """One replayed reading, usable as a tuple or through ``.topic`` and ``.payload``."""

    topic: str
    payload: bytes  # JSON in the ingest wire format
    reading_time_ms: int  # UTC milliseconds, equal to the payload's ts


@dataclass(frozen=True, slots=True)
class ReplaySources:
    """The three measured series, read once and shared by every device that replays them."""

    apartments: ApartmentReadings
    meter: HourlyMeterSeries
    weather: WeatherSeries


def load_sources(
    data_dir: Path | None = None, min_volume_delta_m3: float = DEFAULT_MIN_VOLUME_DELTA_M3
) -> ReplaySources:
    """Read the NYC, Aalborg and Shenyang files from data_dir, or from the default folder."""
    registers = read_aalborg_meter(data_dir)
    return ReplaySources(
        apartments=read_nyc_apartments(data_dir),
        meter=derive_hourly_meter(registers, min_volume_delta_m3),
        weather=read_shenyang_weather(data_dir),
    )


def replay_readings(
    plan: ReplayPlan, sources: ReplaySources, start_ms: int | None = None, end_ms: int | None = None
) -> Iterator[Reading]:
    """Yield every replayed reading of the plan's target season in time order.

    The window is the target season, 10-15 00:00 to 4-16 00:00 Baotou time, narrowed by
    ``start_ms`` (inclusive) and ``end_ms`` (exclusive) when given.
    """
    season_start, season_end = season_window_ms(plan.target_season_year)
    window = (
        season_start if start_ms is None else max(season_start, start_ms),
        season_end if end_ms is None else min(season_end, end_ms),
    )
    left_out: Counter[str] = Counter()

    device_streams = [_room_readings(plan, sources, room, window, left_out) for room in plan.rooms]
    device_streams += [_meter_readings(plan, sources.meter, meter, window, left_out) for meter in plan.meters]
    device_streams += [_station_readings(plan, sources, station, window, left_out) for station in plan.stations]

    emitted = 0
    try:
        for reading in heapq.merge(*device_streams, key=lambda reading: reading.reading_time_ms):
            emitted += 1
            yield reading
    finally:
        logger.info("Replay of season %d emitted %d readings", plan.target_season_year, emitted)
        if left_out:
            logger.info("Replay left out values outside the ingest ranges: %s", dict(left_out))


def _room_readings(
    plan: ReplayPlan, sources: ReplaySources, room: RoomSensorReplay, window: tuple[int, int], left_out: Counter[str]
) -> Iterator[Reading]:
    rows = sources.apartments.rows_of(room.apartment)
    times = sources.apartments.time_ms[rows]
    temps_f = sources.apartments.temp_f[rows]
    offset_ms = season_shift(plan.room_season_year, plan.target_season_year, NYC_UTC_OFFSET_H).offset_ms
    topic = DeviceTopic(room.unit, room.station, DeviceKind.ROOM, room.device).render(plan.prefix)
    labels = {"household": room.household}

    for index in _indices_in_window(times, offset_ms, window):
        time_ms = int(times[index]) + offset_ms
        temp_c = float(fahrenheit_to_celsius(temps_f[index]))
        ts = format_timestamp(time_ms, plan.ts_format)
        payload = encode_payload(RoomPayload, ts, {"temp_c": temp_c}, labels, left_out)
        if payload is not None:
            yield Reading(topic, payload, time_ms)


def _meter_readings(
    plan: ReplayPlan, meter: HourlyMeterSeries, device: MeterReplay, window: tuple[int, int], left_out: Counter[str]
) -> Iterator[Reading]:
    offset_ms = season_shift(plan.meter_season_year, plan.target_season_year, AALBORG_UTC_OFFSET_H).offset_ms
    topic = DeviceTopic(device.unit, device.station, DeviceKind.METER, device.device).render(plan.prefix)
    labels = {"household": device.household} if device.household else {}

    for index in _indices_in_window(meter.time_ms, offset_ms, window):
        values = {
            "heat_total_kwh": meter.heat_total_kwh[index] * device.scale,
            "power_kw": meter.power_kw[index] * device.scale,
            "flow_m3h": meter.flow_m3h[index] * device.scale,
            "volume_total_m3": meter.volume_total_m3[index] * device.scale,
            "supply_temp_c": meter.supply_temp_c[index],
            "return_temp_c": meter.return_temp_c[index],
        }
        time_ms = int(meter.time_ms[index]) + offset_ms
        payload = encode_payload(MeterPayload, format_timestamp(time_ms, plan.ts_format), values, labels, left_out)
        if payload is not None:
            yield Reading(topic, payload, time_ms)


def _station_readings(
    plan: ReplayPlan, sources: ReplaySources, station: StationReplay, window: tuple[int, int], left_out: Counter[str]
) -> Iterator[Reading]:
    meter, weather = sources.meter, sources.weather
    meter_offset = season_shift(plan.meter_season_year, plan.target_season_year, AALBORG_UTC_OFFSET_H).offset_ms
    weather_offset = season_shift(plan.weather_season_year, plan.target_season_year, SHENYANG_UTC_OFFSET_H).offset_ms
    topic = DeviceTopic(station.unit, station.station, DeviceKind.STATION, station.device).render(plan.prefix)
    scale = station.heat_scale

    hours = _join_by_time((meter.time_ms, meter_offset), (weather.time_ms, weather_offset), window)
    for time_ms, meter_index, weather_index in hours:
        values: dict[str, float] = {}
        if meter_index is not None:
            values["secondary_supply_temp_c"] = meter.supply_temp_c[meter_index]
            values["secondary_return_temp_c"] = meter.return_temp_c[meter_index]
            values["flow_m3h"] = meter.flow_m3h[meter_index] * scale
            values["heat_power_kw"] = meter.power_kw[meter_index] * scale
            values["heat_total_gj"] = meter.heat_total_kwh[meter_index] * scale * GJ_PER_KWH
        if weather_index is not None:
            values["outdoor_temp_c"] = weather.temp_c[weather_index]

        ts = format_timestamp(time_ms, plan.ts_format)
        payload = encode_payload(StationPayload, ts, values, {}, left_out)
        if payload is not None:
            yield Reading(topic, payload, time_ms)


def _indices_in_window(times: np.ndarray, offset_ms: int, window: tuple[int, int]) -> range:
    """Return the indices of source times that fall inside the window once shifted."""
    first = int(np.searchsorted(times, window[0] - offset_ms, side="left"))
    last = int(np.searchsorted(times, window[1] - offset_ms, side="left"))
    return range(first, last)


def _join_by_time(
    left: tuple[np.ndarray, int], right: tuple[np.ndarray, int], window: tuple[int, int]
) -> Iterator[tuple[int, int | None, int | None]]:
    """Walk two ascending (times, offset) series together, pairing indices of equal shifted times."""
    left_cursor = _Cursor(*left, window)
    right_cursor = _Cursor(*right, window)

    while left_cursor.time_ms is not None or right_cursor.time_ms is not None:
        time_ms = min(t for t in (left_cursor.time_ms, right_cursor.time_ms) if t is not None)
        left_index = left_cursor.take_if_at(time_ms)
        right_index = right_cursor.take_if_at(time_ms)
        yield time_ms, left_index, right_index


class _Cursor:
    """A position in one shifted time series, limited to the window."""

    def __init__(self, times: np.ndarray, offset_ms: int, window: tuple[int, int]) -> None:
        self._times = times
        self._offset_ms = offset_ms
        self._indices = iter(_indices_in_window(times, offset_ms, window))
        self._advance()

    def take_if_at(self, time_ms: int) -> int | None:
        """Return the current index and advance when it is at time_ms, else return None."""
        if self.time_ms != time_ms:
            return None
        index = self._index
        self._advance()
        return index

    def _advance(self) -> None:
        self._index = next(self._indices, None)
        self.time_ms = None if self._index is None else int(self._times[self._index]) + self._offset_ms
