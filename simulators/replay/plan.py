"""A replay plan: which Baotou devices replay which measured series, and from which season."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest.topics import IDENTIFIER_PATTERN

DEFAULT_PREFIX = "heatscore/v1"


class ReplayPlanError(ValueError):
    """Raised when a replay plan names an invalid identifier or factor; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class RoomSensorReplay:
    """A household room sensor (室温采集器) that replays one NYC apartment."""

    unit: str
    station: str
    device: str
    household: str
    apartment: str  # user_id in the NYC file


@dataclass(frozen=True, slots=True)
class MeterReplay:
    """A heat-metering device (热量表) that replays the Aalborg meter, scaled by ``scale``."""

    unit: str
    station: str
    device: str
    household: str | None = None
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class StationReplay:
    """A heat station (热力站) whose heat meter replays the Aalborg meter times ``heat_scale``.

    Its outdoor temperature replays the Shenyang weather. Supply and return temperatures
    are the meter's own and are not scaled.
    """

    unit: str
    station: str
    device: str
    heat_scale: float = 200.0


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """The devices of a small city and the source seasons their readings come from.

    Each ``*_season_year`` is the year a source heating season starts in (10-15). The NYC
    file covers only 2014-12-17 .. 2015-02-22 of season 2014. The Aalborg file covers
    seasons 2018 and 2019 completely, the Shenyang file seasons 2013 and 2014. A season
    outside a file's span replays nothing for that source.
    """

    target_season_year: int
    rooms: tuple[RoomSensorReplay, ...] = ()
    meters: tuple[MeterReplay, ...] = ()
    stations: tuple[StationReplay, ...] = ()
    room_season_year: int = 2014
    meter_season_year: int = 2019
    weather_season_year: int = 2014
    prefix: str = DEFAULT_PREFIX
    ts_format: Literal["iso", "epoch_ms"] = "iso"

    def __post_init__(self) -> None:
        for device in (*self.rooms, *self.meters, *self.stations):
            for label, value in _identifiers(device):
                if not IDENTIFIER_PATTERN.match(value):
                    raise ReplayPlanError(
                        f"回放计划中的{label} '{value}' 无效：只允许字母、数字、下划线、点和连字符，最长 64 个字符"
                    )
        for meter in self.meters:
            if not meter.scale > 0:
                raise ReplayPlanError(f"热量表 '{meter.device}' 的倍数 scale={meter.scale} 无效：必须大于 0")
        for station in self.stations:
            if not station.heat_scale > 0:
                raise ReplayPlanError(
                    f"热力站 '{station.device}' 的倍数 heat_scale={station.heat_scale} 无效：必须大于 0"
                )
        if self.ts_format not in ("iso", "epoch_ms"):
            raise ReplayPlanError(f"时间戳格式 ts_format='{self.ts_format}' 无效：应为 iso 或 epoch_ms")


def small_city_plan(target_season_year: int, station_heat_scale: float = 200.0) -> ReplayPlan:
    """Build a plan of 2 heating units × 2 stations replaying all 12 NYC apartments.

    Every station gets a station device and one building heat meter. The apartments are
    dealt to the stations in turn, and each becomes one household with one room sensor.
    """
    apartments = ("3", "87", "119", "127", "130", "132", "134", "135", "136", "137", "138", "172")
    stations = [(f"BT-U{unit}", f"BT-U{unit}-S{number}") for unit in (1, 2) for number in (1, 2)]

    rooms = []
    for position, apartment in enumerate(apartments):
        unit, station = stations[position % len(stations)]
        household = f"{station}-H{position // len(stations) + 1:02d}"
        rooms.append(RoomSensorReplay(unit, station, f"RS-{household}", household, apartment))

    return ReplayPlan(
        target_season_year=target_season_year,
        rooms=tuple(rooms),
        meters=tuple(MeterReplay(unit, station, f"HM-{station}") for unit, station in stations),
        stations=tuple(
            StationReplay(unit, station, f"SC-{station}", heat_scale=station_heat_scale) for unit, station in stations
        ),
    )


def _identifiers(device: RoomSensorReplay | MeterReplay | StationReplay) -> list[tuple[str, str]]:
    pairs = [("供热单位", device.unit), ("热力站", device.station), ("设备编号", device.device)]
    household = getattr(device, "household", None)
    if household is not None:
        pairs.append(("住户编号", household))
    return pairs
