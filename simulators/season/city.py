"""The simulated city of a season: heating units, heat stations, buildings, households, devices."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from simulators.season.config import CityConfig, ReplayMix, SeasonConfigError

# Room temperature offset in °C by the envelope a household shares with outside: roof,
# ground floor or gable wall. A top- or ground-floor end household adds the gable offset,
# so offsets run from −1 °C (边户) to −3 °C (顶层边户).
TOP_FLOOR_OFFSET_C = -2.0
GROUND_FLOOR_OFFSET_C = -1.5
END_UNIT_OFFSET_C = -1.0
MAX_POSITION_OFFSET_C = -3.0

UNIT_NAMES = ("青山热力", "昆都仑供热", "东河热力", "九原供热", "稀土高新供热", "石拐供热")
CHP_UNIT_CODE = "CHP01"
CHP_UNIT_NAME = "包头第一热电厂"
CHINESE_NUMERALS = "一二三四五六七八九十"

# The NYC apartments in the replay file (user_id), all of them.
NYC_APARTMENTS = ("3", "87", "119", "127", "130", "132", "134", "135", "136", "137", "138", "172")


@dataclass(frozen=True, slots=True)
class SeasonHousehold:
    """A household; ``sensor`` is its room sensor's device code when it is measured."""

    code: str
    unit: str
    station: str
    building: str
    floor: int | None
    position: str  # 顶层, 底层, 边户 or 中间
    position_offset_c: float
    heated_area_m2: float
    sensor: str | None
    exclusion: str | None = None  # "stopped" (报停), "self_regulating" (自主调节) or None
    apartment: str | None = None  # NYC apartment replayed by the sensor, None when simulated
    number: int = 0  # position in the city, used to seed the household's own random stream


@dataclass(frozen=True, slots=True)
class SeasonStation:
    """A heat station; ``controller`` and ``meter`` are device codes, None when absent."""

    code: str
    unit: str
    name: str
    heated_area_m2: float
    controller: str | None
    meter: str | None
    households: tuple[SeasonHousehold, ...] = ()
    number: int = 0

    @property
    def measured(self) -> tuple[SeasonHousehold, ...]:
        """Return the households with a room sensor."""
        return tuple(household for household in self.households if household.sensor)


@dataclass(frozen=True, slots=True)
class SeasonUnit:
    """A heating unit (供热单位) or a CHP heat source unit (热电联产热源单位)."""

    code: str
    name: str
    kind: str  # "heating_unit" or "chp_source"
    stations: tuple[SeasonStation, ...] = ()


@dataclass(frozen=True, slots=True)
class SeasonCity:
    """Every unit, station and household a season simulation publishes for."""

    units: tuple[SeasonUnit, ...]
    replay_station: str | None = None  # station whose households replay the NYC apartments
    stations_by_code: dict[str, SeasonStation] = field(default_factory=dict, compare=False, repr=False)
    households_by_code: dict[str, SeasonHousehold] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.stations_by_code.update({station.code: station for station in self.stations()})
        self.households_by_code.update({household.code: household for household in self.households()})

    def stations(self) -> list[SeasonStation]:
        """Return every station of every unit."""
        return [station for unit in self.units for station in unit.stations]

    def households(self) -> list[SeasonHousehold]:
        """Return every household of every station."""
        return [household for station in self.stations() for household in station.households]

    def station(self, code: str) -> SeasonStation:
        """Return a station by code, raising SeasonConfigError when it does not exist."""
        if code not in self.stations_by_code:
            raise SeasonConfigError(f"模拟城市中没有热力站 '{code}'")
        return self.stations_by_code[code]

    def household(self, code: str) -> SeasonHousehold:
        """Return a household by code, raising SeasonConfigError when it does not exist."""
        if code not in self.households_by_code:
            raise SeasonConfigError(f"模拟城市中没有住户 '{code}'")
        return self.households_by_code[code]

    def unit(self, code: str) -> SeasonUnit:
        """Return a unit by code, raising SeasonConfigError when it does not exist."""
        for unit in self.units:
            if unit.code == code:
                return unit
        raise SeasonConfigError(f"模拟城市中没有供热单位 '{code}'")


def build_season_city(config: CityConfig = CityConfig()) -> SeasonCity:
    """Build a reproducible city from the configuration."""
    rng = random.Random(config.seed)
    units = []
    station_number = 0
    household_number = 0
    for unit_index in range(config.units):
        unit_code = f"U{unit_index + 1:02d}"
        unit_name = UNIT_NAMES[unit_index % len(UNIT_NAMES)]
        stations = []
        for station_index in range(config.stations_per_unit):
            station = _build_station(rng, config, unit_code, unit_name, station_index, station_number, household_number)
            stations.append(station)
            station_number += 1
            household_number += len(station.households)
        units.append(SeasonUnit(unit_code, unit_name, "heating_unit", tuple(stations)))

    if config.chp_source:
        source = SeasonStation(
            code=f"{CHP_UNIT_CODE}-S01", unit=CHP_UNIT_CODE, name="第一热电厂首站", heated_area_m2=0.0,
            controller=None, meter=f"HM-{CHP_UNIT_CODE}-S01", number=station_number,
        )
        units.append(SeasonUnit(CHP_UNIT_CODE, CHP_UNIT_NAME, "chp_source", (source,)))
    return SeasonCity(tuple(units))


def add_replay_station(city: SeasonCity, mix: ReplayMix) -> SeasonCity:
    """Return the city with one more station of ``mix.unit`` whose households replay the NYC apartments."""
    unit = city.unit(mix.unit)
    if unit.kind != "heating_unit":
        raise SeasonConfigError(f"回放的纽约公寓只能挂在供热单位下，'{mix.unit}' 是热电联产热源单位")

    code = f"{unit.code}-S{len(unit.stations) + 1:02d}"
    station_number = len(city.stations())
    first_household = len(city.households())
    households = tuple(
        SeasonHousehold(
            code=f"{code}-H{index + 1:04d}", unit=unit.code, station=code, building="纽约公寓", floor=None,
            position="中间", position_offset_c=0.0, heated_area_m2=70.0, sensor=f"RS-{code}-H{index + 1:04d}",
            apartment=apartment, number=first_household + index,
        )
        for index, apartment in enumerate(NYC_APARTMENTS)
    )
    station = SeasonStation(
        code=code, unit=unit.code, name=f"{unit.name}回放站", heated_area_m2=70.0 * len(households),
        controller=f"SC-{code}", meter=f"HM-{code}", households=households, number=station_number,
    )
    units = tuple(replace(u, stations=(*u.stations, station)) if u.code == unit.code else u for u in city.units)
    return SeasonCity(units, replay_station=code)


def _build_station(
    rng: random.Random,
    config: CityConfig,
    unit_code: str,
    unit_name: str,
    station_index: int,
    station_number: int,
    first_household: int,
) -> SeasonStation:
    code = f"{unit_code}-S{station_index + 1:02d}"
    count = config.households_per_station
    measured = set(rng.sample(range(count), max(1, round(config.measured_share * count))))
    excluded = rng.sample(range(count), round(config.excluded_share * count))
    if excluded:
        # Put the first excluded household under a sensor, so a platform that does not
        # apply the exclusion computes a wrong 室温达标率.
        measured.add(excluded[0])
    exclusion_of = {index: ("stopped" if order % 2 == 0 else "self_regulating") for order, index in enumerate(excluded)}

    households = []
    per_building = config.floors * config.households_per_floor
    for index in range(count):
        building, within = divmod(index, per_building)
        floor = within // config.households_per_floor + 1
        column = within % config.households_per_floor
        position, offset = _position(floor, column, config)
        household_code = f"{code}-H{index + 1:04d}"
        households.append(
            SeasonHousehold(
                code=household_code, unit=unit_code, station=code, building=f"{building + 1}号楼", floor=floor,
                position=position, position_offset_c=offset, heated_area_m2=round(rng.uniform(55.0, 120.0), 1),
                sensor=f"RS-{household_code}" if index in measured else None, exclusion=exclusion_of.get(index),
                number=first_household + index,
            )
        )

    numeral = CHINESE_NUMERALS[station_index] if station_index < len(CHINESE_NUMERALS) else str(station_index + 1)
    return SeasonStation(
        code=code, unit=unit_code, name=f"{unit_name}{numeral}号站",
        heated_area_m2=round(sum(household.heated_area_m2 for household in households), 1),
        controller=f"SC-{code}", meter=f"HM-{code}", households=tuple(households), number=station_number,
    )


def _position(floor: int, column: int, config: CityConfig) -> tuple[str, float]:
    """Return the registry position label and the room temperature offset of one flat."""
    end_unit = column in (0, config.households_per_floor - 1)
    offset = END_UNIT_OFFSET_C if end_unit else 0.0
    if floor == config.floors:
        return "顶层", max(MAX_POSITION_OFFSET_C, offset + TOP_FLOOR_OFFSET_C)
    if floor == 1:
        return "底层", max(MAX_POSITION_OFFSET_C, offset + GROUND_FLOOR_OFFSET_C)
    return ("边户", offset) if end_unit else ("中间", 0.0)
