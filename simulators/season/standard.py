"""A standard set of faults for the default city, one or two per heating unit."""

from __future__ import annotations

from datetime import date, datetime

from simulators.season.city import SeasonCity
from simulators.season.config import SeasonConfigError
from simulators.season.faults import (
    ColdBuilding,
    EarlyExtendedHeating,
    Fault,
    Interruption,
    LateStart,
    LowTemperaturePeriod,
    MeterStopped,
    OverheatedBuilding,
    RadiatorSensor,
    SensorFaultFlag,
    SensorOffline,
    SparseSensor,
)

REQUIRED_STATIONS = ("U01-S01", "U01-S02", "U02-S01", "U02-S02", "U03-S01", "U03-S02", "U04-S02")


def standard_faults(city: SeasonCity, season_year: int) -> tuple[Fault, ...]:
    """Return the standard faults: every kind once, spread over units U01 to U04.

    U01: four sensor faults at S01, interruptions of 3, 5, 9 (over midnight) and 30 hours
    at S02. U02: S01 starts 2 days late, S02's heat metering stops on 2-20. U03: S01 is a
    cold building and S02 is held low for 10 days from 1-12, so U03's 室温达标率 falls below
    90 %. U04: heats 3 days early and 3 days extended, and S02 is overheated.
    """
    missing = [code for code in REQUIRED_STATIONS if code not in city.stations_by_code]
    if missing:
        raise SeasonConfigError(f"标准故障需要至少 4 个供热单位、每个 2 座热力站，缺少热力站：{'、'.join(missing)}")
    sensors = [h.code for h in city.station("U01-S01").households if h.sensor and h.exclusion is None]
    if len(sensors) < 4:
        raise SeasonConfigError("标准故障需要热力站 U01-S01 至少有 4 户正常测温住户，请增大住户数或测温比例")

    year, next_year = season_year, season_year + 1
    return (
        SensorOffline(sensors[0], datetime(year, 12, 1, 0), hours=72),
        SparseSensor(sensors[1], kept_share=0.5),
        RadiatorSensor(sensors[2], first_day=date(year, 11, 1)),
        SensorFaultFlag(sensors[3], datetime(next_year, 1, 20, 8), hours=48),
        Interruption("U01-S02", datetime(year, 11, 20, 9), hours=3),
        Interruption("U01-S02", datetime(year, 12, 10, 14), hours=5),
        Interruption("U01-S02", datetime(next_year, 1, 8, 20), hours=9),
        Interruption("U01-S02", datetime(next_year, 2, 5, 6), hours=30),
        LateStart("U02-S01", days=2),
        MeterStopped("U02-S02", datetime(next_year, 2, 20, 0), mode="flat"),
        ColdBuilding("U03-S01", offset_c=-2.5),
        LowTemperaturePeriod("U03-S02", date(next_year, 1, 12), days=10, supply_drop_c=9.0),
        EarlyExtendedHeating("U04", early_days=3, extended_days=3),
        OverheatedBuilding("U04-S02", offset_c=4.0),
    )
