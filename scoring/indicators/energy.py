"""能耗监测: heat per m² from station heat meters, weather-normalised, and meter coverage.

Daily heat is the sum of the steps between consecutive cumulative readings of a station,
each step booked on the local day of its later reading, so nothing is lost at midnight.
A negative step (meter reset or replacement) is dropped and counted, and so is a step that
implies more than ``meter_max_power_mw``; the next step starts from the new reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import day_number, local_day_numbers
from scoring.indicators.common import OutdoorDays, Rate, count_by_group, make_rate, sum_by_group
from scoring.indicators.station_days import StationReadings
from scoring.thresholds import IndicatorThresholds

GJ_PER_MWH = 3.6
NO_REPORTING_AREA = "没有上报热量数据的计量热力站（或其供热面积为 0），无法计算单位面积耗热量"
NO_DEGREE_DAYS = "统计时段内采暖度日数为 0（无室外温度数据或室外温度均不低于基准温度），无法做气象修正"
NO_STATIONS = "范围内没有热力站，无法计算热计量覆盖率"
NO_EXPECTED_READINGS = "计量热力站应收数据条数为 0，无法计算在线率"


@dataclass(frozen=True, slots=True)
class StationDailyHeat:
    """Heat delivered per station and local day, from cumulative meter readings."""

    station_ids: list[str]
    station: np.ndarray  # int32 index into station_ids
    day: np.ndarray  # int32 local day number
    heat_gj: np.ndarray  # float64, sum of accepted steps ending that day
    readings: np.ndarray  # int32, valid cumulative readings that day
    resets: np.ndarray  # int32, negative steps dropped
    rejected_steps: np.ndarray  # int32, steps above the power limit dropped


@dataclass(frozen=True, slots=True)
class EnergyGroup:
    """能耗监测 figures of one group of stations, such as a heating unit."""

    group_id: str
    stations: int
    metered_stations: int  # stations with a heat meter according to the registry
    reporting_stations: int  # metered stations with at least one reading in the period
    heat_gj: float  # heat of the reporting stations
    reporting_area_m2: float  # heated area of the reporting stations
    total_area_m2: float  # heated area of every station in the group
    heat_per_m2_gj: Rate  # heat_gj / reporting_area_m2
    degree_days: float  # Σ max(0, base − outdoor daily mean), K·d
    outdoor_days: int  # days of the period with an outdoor mean
    heat_per_m2_degree_day_mj: Rate  # heat_per_m2_gj × 1000 / degree_days, MJ/(m²·K·d)
    meter_coverage: Rate  # metered_stations / stations
    expected_readings: int  # of the metered stations
    received_readings: int
    online_rate: Rate  # received_readings / expected_readings
    meets_online_minimum: bool | None  # online_rate ≥ min_meter_online_share
    resets: int
    rejected_steps: int


def daily_heat_from_cumulative(
    readings: StationReadings, zone: ZoneInfo, thresholds: IndicatorThresholds
) -> StationDailyHeat:
    """Turn cumulative heat-meter readings (GJ) into heat per station and local day."""
    if readings.heat_total_gj is None:
        raise ValueError("readings.heat_total_gj is None: no cumulative heat readings to use")
    total = readings.heat_total_gj
    valid = np.isfinite(total) & (total >= 0)
    rows = np.flatnonzero(valid)
    rows = rows[np.lexsort((readings.time_ms[rows], readings.station[rows]))]

    station = readings.station[rows].astype(np.int64)
    time_ms = readings.time_ms[rows]
    total = total[rows]
    days = local_day_numbers(time_ms, zone).astype(np.int64)

    same_station = np.concatenate(([False], station[1:] == station[:-1]))
    step = np.concatenate(([0.0], np.diff(total)))
    hours = np.concatenate(([0.0], np.diff(time_ms) / 3_600_000))
    with np.errstate(divide="ignore", invalid="ignore"):
        too_fast = step / hours > thresholds.meter_max_power_mw * GJ_PER_MWH
    reset = same_station & (step < 0)
    rejected = same_station & ~reset & too_fast
    accepted = same_station & ~reset & ~rejected

    day_base = int(days.min()) if days.size else 0
    day_span = int(days.max()) - day_base + 1 if days.size else 1
    keys, index = np.unique(station * day_span + (days - day_base), return_inverse=True)
    size = keys.size
    return StationDailyHeat(
        station_ids=readings.station_ids,
        station=(keys // day_span).astype(np.int32),
        day=(keys % day_span + day_base).astype(np.int32),
        heat_gj=np.bincount(index, weights=np.where(accepted, step, 0.0), minlength=size),
        readings=np.bincount(index, minlength=size).astype(np.int32),
        resets=np.bincount(index, weights=reset, minlength=size).astype(np.int32),
        rejected_steps=np.bincount(index, weights=rejected, minlength=size).astype(np.int32),
    )


def heating_degree_days(outdoor: OutdoorDays, first_day: date, last_day: date, base_c: float) -> tuple[float, int]:
    """Return Σ max(0, base − daily mean) over the period and the number of days with data."""
    inside = (outdoor.day >= day_number(first_day)) & (outdoor.day <= day_number(last_day))
    means = outdoor.mean_temp_c[inside & np.isfinite(outdoor.mean_temp_c)]
    return float(np.maximum(base_c - means, 0.0).sum()), int(means.size)


def energy_indicators(
    daily_heat: StationDailyHeat,
    station_group: np.ndarray,
    group_ids: Sequence[str],
    station_area_m2: np.ndarray,
    has_meter: np.ndarray,
    received_readings: np.ndarray,
    expected_readings: np.ndarray,
    outdoor: OutdoorDays,
    first_day: date,
    last_day: date,
    thresholds: IndicatorThresholds,
) -> tuple[EnergyGroup, ...]:
    """Compute GJ/m², its degree-day normalisation, meter coverage and online rate per group.

    Every array except ``group_ids`` has one entry per station of ``daily_heat.station_ids``.
    ``received_readings`` and ``expected_readings`` are the meter's reading counts over the
    same period, for example from ``data_completeness``.
    """
    stations = len(daily_heat.station_ids)
    for name, values in (
        ("station_group", station_group),
        ("station_area_m2", station_area_m2),
        ("has_meter", has_meter),
        ("received_readings", received_readings),
        ("expected_readings", expected_readings),
    ):
        if values.shape != (stations,):
            raise ValueError(f"{name} needs one entry per station ({stations}), got shape {values.shape}")

    groups = len(group_ids)
    group = station_group.astype(np.int64)
    metered = has_meter.astype(bool)
    inside = (daily_heat.day >= day_number(first_day)) & (daily_heat.day <= day_number(last_day))
    inside &= metered[daily_heat.station]

    def per_station(values: np.ndarray) -> np.ndarray:
        return np.bincount(daily_heat.station[inside], weights=values[inside], minlength=stations)

    station_heat = per_station(daily_heat.heat_gj)
    reporting = per_station(daily_heat.readings.astype(np.float64)) > 0
    resets = per_station(daily_heat.resets.astype(np.float64))
    rejected = per_station(daily_heat.rejected_steps.astype(np.float64))
    every = np.ones(stations, dtype=bool)
    degree_days, outdoor_days = heating_degree_days(outdoor, first_day, last_day, thresholds.degree_day_base_c)

    sums = {
        "stations": count_by_group(group, every, groups),
        "metered": count_by_group(group, metered, groups),
        "reporting": count_by_group(group, reporting, groups),
        "heat": sum_by_group(group, station_heat, reporting, groups),
        "reporting_area": sum_by_group(group, station_area_m2.astype(np.float64), reporting, groups),
        "total_area": sum_by_group(group, station_area_m2.astype(np.float64), every, groups),
        "expected": sum_by_group(group, expected_readings.astype(np.float64), metered, groups),
        "received": sum_by_group(group, np.minimum(received_readings, expected_readings).astype(np.float64), metered, groups),
        "resets": sum_by_group(group, resets, every, groups),
        "rejected": sum_by_group(group, rejected, every, groups),
    }

    results = []
    for g, group_id in enumerate(group_ids):
        per_m2 = make_rate(float(sums["heat"][g]), float(sums["reporting_area"][g]), NO_REPORTING_AREA)
        normalised = (
            make_rate(per_m2.value * 1000, degree_days, NO_DEGREE_DAYS)
            if per_m2.value is not None
            else Rate(numerator=0.0, denominator=degree_days, value=None, reason=per_m2.reason)
        )
        online = make_rate(int(sums["received"][g]), int(sums["expected"][g]), NO_EXPECTED_READINGS)
        results.append(
            EnergyGroup(
                group_id=group_id,
                stations=int(sums["stations"][g]),
                metered_stations=int(sums["metered"][g]),
                reporting_stations=int(sums["reporting"][g]),
                heat_gj=float(sums["heat"][g]),
                reporting_area_m2=float(sums["reporting_area"][g]),
                total_area_m2=float(sums["total_area"][g]),
                heat_per_m2_gj=per_m2,
                degree_days=degree_days,
                outdoor_days=outdoor_days,
                heat_per_m2_degree_day_mj=normalised,
                meter_coverage=make_rate(int(sums["metered"][g]), int(sums["stations"][g]), NO_STATIONS),
                expected_readings=int(sums["expected"][g]),
                received_readings=int(sums["received"][g]),
                online_rate=online,
                meets_online_minimum=None if online.value is None else online.value >= thresholds.min_meter_online_share,
                resets=int(sums["resets"][g]),
                rejected_steps=int(sums["rejected"][g]),
            )
        )
    return tuple(results)
