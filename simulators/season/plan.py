"""A season plan: city, season, faults and optional replayed series, streamed as one time-ordered feed.

Every device has its own generator and ``heapq.merge`` interleaves them by reading time.
Station physics is computed once per station for the whole window, as a few arrays of one
value per grid step. Room readings are produced a day at a time, so memory grows with the
number of stations and grid steps, not with the number of messages.
"""

from __future__ import annotations

import heapq
import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.topics import DeviceKind
from simulators.replay import MeterReplay, ReplayPlan, RoomSensorReplay, load_sources, replay_readings
from simulators.season.city import SeasonCity, add_replay_station, build_season_city
from simulators.season.config import CityConfig, ReplayMix, SeasonConfig
from simulators.season.devices import SeasonMessage, controller_readings, meter_readings, source_series
from simulators.season.faults import Fault, MeterStopped, check_faults
from simulators.season.physics import StationSeries, simulate_station
from simulators.season.registry_csv import write_registry_csv
from simulators.season.rooms import household_offset_c, room_readings, sensor_faults
from simulators.season.schedule import station_drive
from simulators.season.standard import standard_faults
from simulators.season.timeline import SeasonWindow, controller_outdoor, outdoor_on_grid, season_window
from simulators.season.truth import RoomTally
from simulators.weather import read_shenyang_weather

logger = logging.getLogger(__name__)


class SeasonPlan:
    """A city, a season and its faults, ready to stream; build it with ``season_plan``."""

    def __init__(
        self,
        city: SeasonCity,
        season: SeasonConfig,
        faults: tuple[Fault, ...],
        replay: ReplayMix | None,
        outdoor_c: np.ndarray,
        window: SeasonWindow,
        data_dir: Path | None,
    ) -> None:
        self.city = city
        self.season = season
        self.faults = faults
        self.replay = replay
        self.window = window
        self.outdoor_c = outdoor_c
        self.controller_c = controller_outdoor(outdoor_c, window)
        self.data_dir = data_dir
        self.room_stride = season.room_interval_min // window.step_min
        self.station_stride = season.station_interval_min // window.step_min
        self.meter_stride = season.meter_interval_min // window.step_min
        self.tally: RoomTally | None = None  # filled by the last stream that ran to its end
        self.message_counts: Counter[str] = Counter()
        self._series: dict[str, StationSeries] | None = None

    def station_series(self) -> dict[str, StationSeries]:
        """Return every station's simulated series, computed once and reused."""
        if self._series is None:
            self._series = self._simulate_stations()
        return self._series

    def write_registry_csv(self, path: Path | str) -> Path:
        """Write the city as a registry import CSV, devices installed on 9-01 of the season year."""
        return write_registry_csv(self.city, path, installed_on=date(self.season.season_year, 9, 1))

    def messages(self) -> Iterator[SeasonMessage]:
        """Yield every reading of the window in time order; the room tally is complete when this ends."""
        series = self.station_series()
        tally = RoomTally(self.city, self.window, self.season)
        streams, kind_of_topic = self._device_streams(series, tally)
        counts: Counter[str] = Counter()
        room = DeviceKind.ROOM.value

        for message in heapq.merge(*streams, key=_time_of):
            counts[kind_of_topic.get(message.topic, room)] += 1
            yield message

        tally.finish()
        self.tally = tally
        self.message_counts = counts
        logger.info("Season %d stream emitted %d messages: %s", self.season.season_year, counts.total(), dict(counts))

    def _simulate_stations(self) -> dict[str, StationSeries]:
        series: dict[str, StationSeries] = {}
        source_stations = []
        for station in self.city.stations():
            if station.controller is None:
                source_stations.append(station)
                continue
            rng = np.random.default_rng([self.season.seed, 1, station.number])
            drive = station_drive(station, self.season, self.window, self.faults, rng)
            series[station.code] = simulate_station(
                self.window, self.outdoor_c, self.controller_c, drive, station.heated_area_m2, rng
            )
        powers = [s.power_kw for s in series.values()]
        for station in source_stations:
            series[station.code] = source_series(powers, self.controller_c, self.window)
        return series

    def _device_streams(
        self, series: dict[str, StationSeries], tally: RoomTally
    ) -> tuple[list[Iterator[SeasonMessage]], dict[str, str]]:
        """Build one generator per device and a map from each station or meter topic to its kind."""
        streams: list[Iterator[SeasonMessage]] = []
        kind_of_topic: dict[str, str] = {}
        prefix = self.season.prefix
        for station in self.city.stations():
            stop = next((f for f in self.faults if isinstance(f, MeterStopped) and f.station == station.code), None)
            if station.controller:
                topic = f"{prefix}/{station.unit}/{station.code}/station/{station.controller}"
                kind_of_topic[topic] = DeviceKind.STATION.value
                streams.append(controller_readings(
                    station, series[station.code], self.outdoor_c, self.window, self.station_stride, prefix, stop
                ))
            if station.meter and station.code != self.city.replay_station:
                kind_of_topic[f"{prefix}/{station.unit}/{station.code}/meter/{station.meter}"] = DeviceKind.METER.value
                streams.append(meter_readings(station, series[station.code], self.window, self.meter_stride, prefix, stop))
            for household in station.measured:
                if household.apartment is not None:
                    continue
                rng = np.random.default_rng([self.season.seed, 2, household.number])
                offset = household_offset_c(household, self.faults, rng)
                faults = sensor_faults(household, self.faults, self.window)
                streams.append(room_readings(
                    household, series[station.code], self.window, self.room_stride, prefix, offset, faults, rng, tally
                ))
        if self.replay is not None:
            streams.append(self._replayed(tally, kind_of_topic))
        return streams, kind_of_topic

    def _replayed(self, tally: RoomTally, kind_of_topic: dict[str, str]) -> Iterator[SeasonMessage]:
        """Yield the replayed NYC rooms and Aalborg meter of the replay station, tallying the rooms."""
        assert self.replay is not None and self.city.replay_station is not None
        station = self.city.station(self.city.replay_station)
        plan = ReplayPlan(
            target_season_year=self.season.season_year,
            rooms=tuple(
                RoomSensorReplay(h.unit, h.station, h.sensor or "", h.code, h.apartment or "") for h in station.households
            ),
            meters=(MeterReplay(station.unit, station.code, station.meter or "", scale=self.replay.meter_scale),),
            room_season_year=self.replay.room_season_year,
            meter_season_year=self.replay.meter_season_year,
            prefix=self.season.prefix,
            ts_format=self.season.ts_format,
        )
        meter_topic = f"{self.season.prefix}/{station.unit}/{station.code}/meter/{station.meter}"
        kind_of_topic[meter_topic] = DeviceKind.METER.value
        household_of_sensor = {h.sensor: h for h in station.households}

        sources = load_sources(self.data_dir)
        for reading in replay_readings(plan, sources):
            if reading.topic != meter_topic:
                document = json.loads(reading.payload)
                household = household_of_sensor[reading.topic.rsplit("/", 1)[1]]
                tally.add_replayed(household, reading.reading_time_ms, float(document["temp_c"]))
            yield SeasonMessage(reading.topic, reading.payload, reading.reading_time_ms)


def _time_of(message: SeasonMessage) -> int:
    return message.time_ms


def season_plan(
    city: CityConfig = CityConfig(),
    season: SeasonConfig = SeasonConfig(),
    faults: Sequence[Fault] | Literal["standard"] = "standard",
    replay: ReplayMix | None = None,
    data_dir: Path | None = None,
) -> SeasonPlan:
    """Build a season plan: the city, its faults (``"standard"`` for ``standard_faults``) and replayed series.

    ``data_dir`` is the folder of the real data files; by default the replay module's folder.
    Raises SeasonConfigError when a fault names a missing station or household or an impossible time.
    """
    built = build_season_city(city)
    if replay is not None:
        built = add_replay_station(built, replay)
    chosen = standard_faults(built, season.season_year) if faults == "standard" else tuple(faults)
    check_faults(built, season, chosen)

    window = season_window(season, chosen)
    outdoor = outdoor_on_grid(read_shenyang_weather(data_dir), season, window)
    logger.info(
        "Season plan %d: %d stations, %d households (%d measured), %d faults, %d days of %d-minute steps",
        season.season_year, len(built.stations()), len(built.households()),
        sum(1 for h in built.households() if h.sensor), len(chosen), window.days, window.step_min,
    )
    return SeasonPlan(built, season, chosen, replay, outdoor, window, data_dir)
