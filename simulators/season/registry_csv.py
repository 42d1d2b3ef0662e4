"""The simulated city as a registry import file (登记数据导入) with Chinese headers, UTF-8 CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from simulators.season.city import SeasonCity, SeasonHousehold, SeasonStation, SeasonUnit

HEADER = (
    "供热单位编号", "供热单位名称", "单位类型", "联系人", "热力站编号", "热力站名称", "热力站供热面积", "热力站户数",
    "住户编号", "楼号", "楼层", "位置", "住户供热面积", "是否测温", "是否报停", "是否自主调节", "设备编号", "设备类型", "安装时间",
)
UNIT_KIND_LABELS = {"heating_unit": "供热单位", "chp_source": "热电联产热源单位"}


def write_registry_csv(city: SeasonCity, path: Path | str, installed_on: date) -> Path:
    """Write units, stations, households and devices as one import file and return its path.

    Every device is recorded as installed on ``installed_on``, local midnight.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    installed = installed_on.isoformat()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for unit in city.units:
            writer.writerow(_unit_row(unit))
            for station in unit.stations:
                writer.writerows(_station_rows(station, installed))
                writer.writerows(_household_row(station, household, installed) for household in station.households)
    return path


def _row(**cells: object) -> list[str]:
    columns = {
        "unit": 0, "unit_name": 1, "unit_kind": 2, "contact": 3, "station": 4, "station_name": 5, "station_area": 6,
        "station_households": 7, "household": 8, "building": 9, "floor": 10, "position": 11, "household_area": 12,
        "measured": 13, "stopped": 14, "self_regulating": 15, "device": 16, "device_kind": 17, "installed": 18,
    }
    row = [""] * len(HEADER)
    for name, value in cells.items():
        row[columns[name]] = "" if value is None else str(value)
    return row


def _unit_row(unit: SeasonUnit) -> list[str]:
    return _row(unit=unit.code, unit_name=unit.name, unit_kind=UNIT_KIND_LABELS[unit.kind], contact="模拟数据")


def _station_rows(station: SeasonStation, installed: str) -> list[list[str]]:
    area = f"{station.heated_area_m2:.1f}" if station.heated_area_m2 else None
    rows = [
        _row(
            unit=station.unit, station=station.code, station_name=station.name, station_area=area,
            station_households=len(station.households) if station.households else None,
        )
    ]
    if station.controller:
        rows.append(_row(unit=station.unit, station=station.code, device=station.controller, device_kind="热力站", installed=installed))
    if station.meter:
        rows.append(_row(unit=station.unit, station=station.code, device=station.meter, device_kind="热量表", installed=installed))
    return rows


def _household_row(station: SeasonStation, household: SeasonHousehold, installed: str) -> list[str]:
    return _row(
        unit=station.unit, station=station.code, household=household.code, building=household.building,
        floor=household.floor, position=household.position, household_area=f"{household.heated_area_m2:.1f}",
        measured="是" if household.sensor else "否",
        stopped="是" if household.exclusion == "stopped" else "否",
        self_regulating="是" if household.exclusion == "self_regulating" else "否",
        device=household.sensor, device_kind="室温采集器" if household.sensor else None,
        installed=installed if household.sensor else None,
    )
