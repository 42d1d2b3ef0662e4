"""A simulated city: heating units, their heat stations, households and devices."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

POSITIONS = ("中间", "顶层", "底层", "边户")
# Room temperature offset by position in the building, in °C (top, ground and end units
# lose more heat through roof, floor and gable walls).
POSITION_OFFSET_C = {"中间": 0.0, "顶层": -1.5, "底层": -1.2, "边户": -1.0}


@dataclass(frozen=True, slots=True)
class SimHousehold:
    """A household; ``sensor`` is the room sensor's device id when it is measured."""

    code: str
    unit: str
    station: str
    position: str
    heated_area_m2: float
    sensor: str | None
    base_temp_c: float
    deliberately_cold: bool = False


@dataclass(frozen=True, slots=True)
class SimStation:
    """A heat station with its heat meter device and households."""

    code: str
    unit: str
    device: str
    households: list[SimHousehold] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SimUnit:
    """A heating unit (供热单位)."""

    code: str
    name: str
    stations: list[SimStation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SimCity:
    """Everything the simulator publishes for."""

    units: list[SimUnit]

    def stations(self) -> list[SimStation]:
        """Return every station of every unit."""
        return [station for unit in self.units for station in unit.stations]

    def households(self) -> list[SimHousehold]:
        """Return every household of every station."""
        return [household for station in self.stations() for household in station.households]

    def to_dict(self) -> dict:
        """Return the city as plain data for the ground-truth file."""
        return {"units": [asdict(unit) for unit in self.units]}


UNIT_NAMES = ("青山热力", "昆都仑供热", "东河热源", "九原热电", "稀土高新供热", "石拐供热")


def build_city(
    *,
    units: int = 3,
    stations_per_unit: int = 2,
    households_per_station: int = 150,
    measured_share: float = 0.15,
    cold_unit_share: tuple[float, ...] = (0.02, 0.08, 0.25),
    seed: int = 2026,
) -> SimCity:
    """Build a reproducible city; unit i gets ``cold_unit_share[i]`` of deliberately cold homes."""
    rng = random.Random(seed)
    built_units = []
    for unit_index in range(units):
        unit_code = f"U{unit_index + 1:02d}"
        cold_share = cold_unit_share[unit_index % len(cold_unit_share)]
        stations = [
            _build_station(rng, unit_code, station_index, households_per_station, measured_share, cold_share)
            for station_index in range(stations_per_unit)
        ]
        built_units.append(SimUnit(unit_code, UNIT_NAMES[unit_index % len(UNIT_NAMES)], stations))
    return SimCity(built_units)


def _build_station(
    rng: random.Random,
    unit_code: str,
    station_index: int,
    household_count: int,
    measured_share: float,
    cold_share: float,
) -> SimStation:
    station_code = f"{unit_code}-S{station_index + 1:02d}"
    households = []
    for index in range(household_count):
        code = f"{station_code}-H{index + 1:04d}"
        measured = rng.random() < measured_share
        cold = measured and rng.random() < cold_share
        position = rng.choice(POSITIONS)
        base = rng.uniform(16.0, 17.6) if cold else rng.gauss(21.8, 1.0) + POSITION_OFFSET_C[position]
        households.append(
            SimHousehold(
                code=code,
                unit=unit_code,
                station=station_code,
                position=position,
                heated_area_m2=round(rng.uniform(50, 120), 1),
                sensor=f"T-{code}" if measured else None,
                base_temp_c=round(base, 2),
                deliberately_cold=cold,
            )
        )
    return SimStation(station_code, unit_code, f"M-{station_code}", households)
