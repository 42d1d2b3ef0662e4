"""Read a season of daily rollups from InfluxDB into the arrays the indicator functions take.

Queries cover at most ``CHUNK_DAYS`` local days each, so no single query spans a season,
and only rollup measurements are read, never raw readings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import HouseholdDays, day_number, judge_household_days, local_day_numbers, local_day_start_ms
from scoring.indicators import InterruptionEvent, OutdoorDays, StationDailyHeat, StationDays
from scoring.rollup import DEVICE_DAY_MEASUREMENT, HOUSEHOLD_DAY_MEASUREMENT, day_window
from scoring.season.registry_view import RegistryView
from scoring.station_rollup import OUTDOOR_DAY_MEASUREMENT, STATION_DAY_MEASUREMENT, STATION_INTERRUPTION_MEASUREMENT
from scoring.thresholds import IndicatorThresholds
from storage.influx import InfluxClient, Series

logger = logging.getLogger(__name__)

CHUNK_DAYS = 30
STATION_DAY_FIELDS = (
    "heated", "readings", "heating_readings", "mean_supply_temp_c", "heat_gj", "heat_readings", "heat_slots",
    "heat_resets", "heat_rejected_steps", "interruptions", "interruption_hours",
)


@dataclass(frozen=True, slots=True)
class StationDayTable:
    """Every ``station_day`` field per station-day; NaN where a field was not written."""

    station: np.ndarray  # int32 index into the registry's station codes
    day: np.ndarray  # int32 local day number
    fields: dict[str, np.ndarray]  # float64 per name in STATION_DAY_FIELDS


@dataclass(frozen=True, slots=True)
class SeasonRollups:
    """The rollups of one season, indexed like the registry view."""

    household_days: HouseholdDays
    stations: StationDayTable
    interruption_pieces: list[InterruptionEvent]
    outdoor: OutdoorDays  # city: daily means over every unit's stations, weighted by readings
    device_received: dict[str, tuple[int, int]]  # station device code → (received slots, raw readings)


def chunks(first_day: date, last_day: date) -> list[tuple[date, date]]:
    """Split [first_day, last_day] into runs of at most CHUNK_DAYS days."""
    result = []
    start = first_day
    while start <= last_day:
        end = min(start + timedelta(days=CHUNK_DAYS - 1), last_day)
        result.append((start, end))
        start = end + timedelta(days=1)
    return result


def window_clause(first_day: date, last_day: date, zone: ZoneInfo) -> str:
    """Return the InfluxQL time condition of the local days first_day..last_day."""
    return f"time >= {day_window(first_day, zone)[0]}ms AND time < {day_window(last_day, zone)[1]}ms"


def read_household_days(
    influx: InfluxClient, view: RegistryView, first_day: date, last_day: date, zone: ZoneInfo,
    thresholds: IndicatorThresholds,
) -> HouseholdDays:
    """Read the registered households' household-days and judge them with the season's thresholds.

    Only the mean and the usable count are read; the fault and implausible counts stay
    zero because no season indicator uses them, which keeps the response small.
    """
    index = view.household_index()
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT mean_temp_c, usable_readings FROM {HOUSEHOLD_DAY_MEASUREMENT} "
            f"WHERE {window_clause(start, end, zone)} GROUP BY household"
        ):
            household = index.get(item.tags.get("household", ""))
            if household is None or not item.values:
                continue
            rows = np.array(item.values, dtype=np.float64)
            parts.append((np.full(rows.shape[0], household, dtype=np.int32), rows))
    return household_days_from_rows(view.household_codes, parts, zone, thresholds)


def household_days_from_rows(
    household_ids: list[str], parts: list[tuple[np.ndarray, np.ndarray]], zone: ZoneInfo,
    thresholds: IndicatorThresholds,
) -> HouseholdDays:
    """Build household-days from (household index, rows of time, mean, usable count) parts."""
    if parts:
        household = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts])
    else:
        household, rows = np.empty(0, dtype=np.int32), np.empty((0, 3))
    mean = rows[:, 1]
    usable = np.nan_to_num(rows[:, 2]).astype(np.int32)
    valid, compliant, coverage = judge_household_days(usable, mean, thresholds)
    zeros = np.zeros(household.size, dtype=np.int32)
    return HouseholdDays(
        household_ids=household_ids, household=household,
        day=local_day_numbers(rows[:, 0].astype(np.int64), zone),
        mean_temp_c=mean, readings=usable, usable_readings=usable, fault_readings=zeros,
        implausible_readings=zeros, coverage=coverage, valid=valid, compliant=compliant,
    )


def read_station_days(
    influx: InfluxClient, view: RegistryView, first_day: date, last_day: date, zone: ZoneInfo
) -> StationDayTable:
    """Read every field of the registered stations' station-days."""
    index = view.station_index()
    stations, days, values = [], [], []
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT {', '.join(STATION_DAY_FIELDS)} FROM {STATION_DAY_MEASUREMENT} "
            f"WHERE {window_clause(start, end, zone)} GROUP BY station"
        ):
            station = index.get(item.tags.get("station", ""))
            if station is None or not item.values:
                continue
            rows = np.array(item.values, dtype=np.float64)
            stations.append(np.full(rows.shape[0], station, dtype=np.int32))
            days.append(local_day_numbers(rows[:, 0].astype(np.int64), zone))
            values.append(rows[:, [item.columns.index(name) for name in STATION_DAY_FIELDS]])
    table = np.concatenate(values) if values else np.empty((0, len(STATION_DAY_FIELDS)))
    return StationDayTable(
        station=np.concatenate(stations) if stations else np.empty(0, dtype=np.int32),
        day=np.concatenate(days) if days else np.empty(0, dtype=np.int32),
        fields={name: table[:, i] for i, name in enumerate(STATION_DAY_FIELDS)},
    )


def station_days_of(table: StationDayTable, station_ids: list[str]) -> StationDays:
    """Return the station-days that the heated-day functions take."""
    mean_supply = table.fields["mean_supply_temp_c"]
    has_supply = np.isfinite(mean_supply)
    return StationDays(
        station_ids=station_ids, station=table.station[has_supply], day=table.day[has_supply],
        readings=np.nan_to_num(table.fields["readings"][has_supply]).astype(np.int32),
        heating_readings=np.nan_to_num(table.fields["heating_readings"][has_supply]).astype(np.int32),
        mean_supply_temp_c=mean_supply[has_supply],
        heated=np.nan_to_num(table.fields["heated"][has_supply]) > 0,
    )


def daily_heat_of(table: StationDayTable, station_ids: list[str]) -> StationDailyHeat:
    """Return the daily heat per station-day that ``energy_indicators`` takes."""
    has_heat = np.isfinite(table.fields["heat_gj"])
    return StationDailyHeat(
        station_ids=station_ids, station=table.station[has_heat], day=table.day[has_heat],
        heat_gj=table.fields["heat_gj"][has_heat],
        readings=np.nan_to_num(table.fields["heat_readings"][has_heat]).astype(np.int32),
        resets=np.nan_to_num(table.fields["heat_resets"][has_heat]).astype(np.int32),
        rejected_steps=np.nan_to_num(table.fields["heat_rejected_steps"][has_heat]).astype(np.int32),
    )


def read_interruption_pieces(
    influx: InfluxClient, view: RegistryView, table: StationDayTable, first_day: date, last_day: date, zone: ZoneInfo
) -> list[InterruptionEvent]:
    """Read the interruption pieces that the latest rollup of each station-day wrote."""
    current = {
        (int(s), int(d)): int(n)
        for s, d, n in zip(table.station, table.day, np.nan_to_num(table.fields["interruptions"]), strict=True)
    }
    index = view.station_index()
    pieces = []
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT start_ms, end_ms, duration_h, supply_drop, delta_collapse, flow_drop "
            f"FROM {STATION_INTERRUPTION_MEASUREMENT} WHERE {window_clause(start, end, zone)} GROUP BY station"
        ):
            station_code = item.tags.get("station", "")
            station = index.get(station_code)
            if station is None:
                continue
            pieces.extend(_current_pieces(item, station_code, station, current, zone))
    return pieces


def _current_pieces(
    item: Series, station_code: str, station: int, current: dict[tuple[int, int], int], zone: ZoneInfo
) -> list[InterruptionEvent]:
    pieces = []
    column = {name: i for i, name in enumerate(item.columns)}
    for row in item.values:
        day = int(local_day_numbers(np.array([row[0]], dtype=np.int64), zone)[0])
        piece_index = int(row[0]) - local_day_start_ms(day, zone)
        # Pieces past the station-day's count are left over from an earlier rollup of the day.
        if piece_index >= current.get((station, day), 0):
            continue
        duration = float(row[column["duration_h"]])
        pieces.append(InterruptionEvent(
            station_id=station_code, start_ms=int(row[column["start_ms"]]), end_ms=int(row[column["end_ms"]]),
            duration_h=duration, duration_class="short",
            supply_drop=bool(row[column["supply_drop"]]), delta_collapse=bool(row[column["delta_collapse"]]),
            flow_drop=bool(row[column["flow_drop"]]),
        ))
    return pieces


def read_outdoor(influx: InfluxClient, first_day: date, last_day: date, zone: ZoneInfo) -> OutdoorDays:
    """Average the units' outdoor days per local day, weighted by their readings."""
    sums: dict[int, float] = {}
    counts: dict[int, float] = {}
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT mean_temp_c, readings FROM {OUTDOOR_DAY_MEASUREMENT} WHERE {window_clause(start, end, zone)} GROUP BY unit"
        ):
            for time_ms, mean, readings in item.values:
                if mean is None or not readings:
                    continue
                day = int(local_day_numbers(np.array([time_ms], dtype=np.int64), zone)[0])
                sums[day] = sums.get(day, 0.0) + float(mean) * float(readings)
                counts[day] = counts.get(day, 0.0) + float(readings)
    days = sorted(sums)
    return OutdoorDays(day=np.array(days, dtype=np.int32),
                       mean_temp_c=np.array([sums[d] / counts[d] for d in days], dtype=np.float64))


def read_station_devices(influx: InfluxClient, first_day: date, last_day: date, zone: ZoneInfo) -> dict[str, tuple[int, int]]:
    """Sum each station device's received slots and raw readings over the days."""
    totals: dict[str, tuple[int, int]] = {}
    for start, end in chunks(first_day, last_day):
        for item in influx.query(
            f"SELECT sum(received) AS received, sum(readings) AS readings FROM {DEVICE_DAY_MEASUREMENT} "
            f"WHERE {window_clause(start, end, zone)} AND \"kind\" = 'station' GROUP BY device"
        ):
            if not item.values:
                continue
            row = dict(zip(item.columns, item.values[0]))
            received, raw = totals.get(item.tags.get("device", ""), (0, 0))
            totals[item.tags.get("device", "")] = (received + int(row["received"] or 0), raw + int(row["readings"] or 0))
    return totals


def read_season_rollups(
    influx: InfluxClient, view: RegistryView, season_first: date, season_last: date, station_first: date,
    station_last: date, zone: ZoneInfo, thresholds: IndicatorThresholds,
) -> SeasonRollups:
    """Read every rollup one season's indicators need."""
    table = read_station_days(influx, view, station_first, station_last, zone)
    inside = (table.day >= day_number(season_first)) & (table.day <= day_number(season_last))
    season_table = StationDayTable(table.station[inside], table.day[inside],
                                   {name: values[inside] for name, values in table.fields.items()})
    return SeasonRollups(
        household_days=read_household_days(influx, view, season_first, season_last, zone, thresholds),
        stations=table,
        interruption_pieces=read_interruption_pieces(influx, view, season_table, season_first, season_last, zone),
        outdoor=read_outdoor(influx, season_first, season_last, zone),
        device_received=read_station_devices(influx, season_first, season_last, zone),
    )
