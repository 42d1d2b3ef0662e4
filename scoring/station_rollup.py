"""The daily station rollup: station-days, interruption pieces, outdoor days and station device-days.

One local day of raw ``station_reading`` is read together with the ``history_hours``
before it: that history carries the last cumulative heat reading across midnight and the
trailing norm of the interruption test. The rollup writes, stamped at local midnight:

- ``station_day`` (tags unit, station): heated-day judgement, daily heat, outdoor mean,
  reading counts, the number and hours of interruption pieces of the day, and the
  interruption norm at the day's end, which the next day's rollup starts from;
- ``station_interruption`` (tags unit, station): one point per interruption piece, stamped
  at local midnight plus the piece's index in milliseconds, so a recomputed day overwrites
  its pieces; readers take only the first ``station_day.interruptions`` pieces;
- ``outdoor_day`` (tag unit): mean outdoor temperature over the unit's station readings;
- ``device_day`` (tags unit, station, device, kind=station): readings and reporting slots.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import day_number
from scoring.indicators import (
    StationReadings,
    compute_station_days,
    daily_heat_from_cumulative,
    detect_interruptions_between,
)
from scoring.rollup import DEVICE_DAY_MEASUREMENT, day_window, write_points
from scoring.station_norms import STATION_DAY_MEASUREMENT, norm_fields, read_norm_seeds, season_of
from scoring.thresholds import IndicatorThresholds, SeasonCalendar
from storage.influx import InfluxClient
from storage.points import Point

logger = logging.getLogger(__name__)

STATION_MEASUREMENT = "station_reading"
STATION_INTERRUPTION_MEASUREMENT = "station_interruption"
OUTDOOR_DAY_MEASUREMENT = "outdoor_day"
STATION_FIELDS = ("secondary_supply_temp_c", "secondary_return_temp_c", "flow_m3h", "heat_total_gj", "outdoor_temp_c")
MS_PER_HOUR = 3_600_000


@dataclass(frozen=True, slots=True)
class StationDayRollup:
    """What one day's station rollup wrote."""

    day: date
    stations: int
    heated_stations: int
    interruption_pieces: int


@dataclass(frozen=True, slots=True)
class _RawStationReadings:
    """Raw station readings of the day and its history, one row per reading."""

    unit_of_station: dict[str, str]
    readings: StationReadings
    device: np.ndarray  # int32 index into device_keys
    device_keys: list[tuple[str, str, str]]  # unit, station, device
    outdoor_temp_c: np.ndarray


def roll_up_station_day(
    influx: InfluxClient, day: date, zone: ZoneInfo, thresholds: IndicatorThresholds,
    season: SeasonCalendar | None = None,
) -> StationDayRollup:
    """Compute and store the station-days, interruption pieces, outdoor days and station device-days of a day.

    ``season`` bounds where the interruption norm is carried from the previous day; without
    it, the customary season of the day's heating year applies.
    """
    start_ms, end_ms = day_window(day, zone)
    history_hours = max(thresholds.norm_window_h, 24)
    raw = _read_station_readings(influx, start_ms - history_hours * MS_PER_HOUR, end_ms)
    readings = raw.readings
    seeds = read_norm_seeds(influx, day, zone, thresholds, season or season_of(day))

    in_day = (readings.time_ms >= start_ms) & (readings.time_ms < end_ms)
    station_days = compute_station_days(_select(readings, in_day), zone, thresholds)
    heat = daily_heat_from_cumulative(readings, zone, thresholds) if readings.heat_total_gj is not None else None
    pieces = detect_interruptions_between(readings, start_ms, end_ms, thresholds, keep_edge_pieces=True,
                                          seed_norms=seeds)

    points: list[Point] = []
    heated_stations = 0
    piece_count = 0
    this_day = day_number(day)
    for s, station_id in enumerate(readings.station_ids):
        own = in_day & (readings.station == s)
        if not own.any():
            continue
        tags = {"unit": raw.unit_of_station[station_id], "station": station_id}
        fields = _station_day_fields(readings, own, thresholds, raw.outdoor_temp_c)
        fields.update(_heated_fields(station_days, s))
        if heat is not None:
            fields.update(_heat_fields(heat, s, this_day))
        station_pieces = pieces[s].events
        fields["interruptions"] = float(len(station_pieces))
        fields["interruption_hours"] = float(sum(piece.duration_h for piece in station_pieces))
        fields.update(norm_fields(pieces[s].end_norm))
        points.append(Point(STATION_DAY_MEASUREMENT, tags, fields, start_ms))

        for index, piece in enumerate(station_pieces):
            points.append(Point(STATION_INTERRUPTION_MEASUREMENT, tags, {
                "start_ms": float(piece.start_ms),
                "end_ms": float(piece.end_ms),
                "duration_h": piece.duration_h,
                "supply_drop": float(piece.supply_drop),
                "delta_collapse": float(piece.delta_collapse),
                "flow_drop": float(piece.flow_drop),
            }, start_ms + index))
        heated_stations += int(fields.get("heated", 0.0))
        piece_count += len(station_pieces)

    points.extend(_outdoor_points(raw, in_day, start_ms))
    points.extend(_station_device_points(raw, in_day, start_ms, thresholds))
    write_points(influx, points)
    stations = sum(1 for point in points if point.measurement == STATION_DAY_MEASUREMENT)
    logger.info("rolled up stations of %s: %d station-days, %d heated, %d interruption pieces",
                day, stations, heated_stations, piece_count)
    return StationDayRollup(day=day, stations=stations, heated_stations=heated_stations,
                            interruption_pieces=piece_count)


def _read_station_readings(influx: InfluxClient, start_ms: int, end_ms: int) -> _RawStationReadings:
    series = influx.query(
        f"SELECT {', '.join(STATION_FIELDS)} FROM {STATION_MEASUREMENT} "
        f"WHERE time >= {start_ms}ms AND time < {end_ms}ms GROUP BY unit, station, device"
    )
    station_ids: list[str] = []
    station_index: dict[str, int] = {}
    unit_of_station: dict[str, str] = {}
    device_keys: list[tuple[str, str, str]] = []
    columns: dict[str, list[np.ndarray]] = {name: [] for name in ("time", "station", "device", *STATION_FIELDS)}

    for item in series:
        if not item.values:
            continue
        unit, station, device = (item.tags.get(name, "") for name in ("unit", "station", "device"))
        if station not in station_index:
            station_index[station] = len(station_ids)
            station_ids.append(station)
            unit_of_station[station] = unit
        device_keys.append((unit, station, device))

        rows = np.array(item.values, dtype=object)
        count = rows.shape[0]
        columns["time"].append(rows[:, item.columns.index("time")].astype(np.int64))
        columns["station"].append(np.full(count, station_index[station], dtype=np.int32))
        columns["device"].append(np.full(count, len(device_keys) - 1, dtype=np.int32))
        for name in STATION_FIELDS:
            values = rows[:, item.columns.index(name)] if name in item.columns else np.full(count, None)
            columns[name].append(np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64))

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.concatenate(columns[name]) if columns[name] else np.empty(0, dtype=dtype)

    heat = joined("heat_total_gj", np.float64)
    readings = StationReadings(
        station_ids=station_ids,
        station=joined("station", np.int32),
        time_ms=joined("time", np.int64),
        secondary_supply_temp_c=joined("secondary_supply_temp_c", np.float64),
        secondary_return_temp_c=joined("secondary_return_temp_c", np.float64),
        flow_m3h=joined("flow_m3h", np.float64),
        heat_total_gj=heat if np.isfinite(heat).any() else None,
    )
    return _RawStationReadings(unit_of_station, readings, joined("device", np.int32), device_keys,
                               joined("outdoor_temp_c", np.float64))


def _select(readings: StationReadings, keep: np.ndarray) -> StationReadings:
    return StationReadings(
        station_ids=readings.station_ids,
        station=readings.station[keep],
        time_ms=readings.time_ms[keep],
        secondary_supply_temp_c=readings.secondary_supply_temp_c[keep],
        secondary_return_temp_c=readings.secondary_return_temp_c[keep],
        flow_m3h=None if readings.flow_m3h is None else readings.flow_m3h[keep],
        heat_total_gj=None if readings.heat_total_gj is None else readings.heat_total_gj[keep],
    )


def _station_day_fields(
    readings: StationReadings, own: np.ndarray, thresholds: IndicatorThresholds, outdoor_temp_c: np.ndarray
) -> dict[str, float]:
    """Return the raw counts of one station's day, used by completeness and the late-data check."""
    supply = readings.secondary_supply_temp_c[own]
    heat = readings.heat_total_gj[own] if readings.heat_total_gj is not None else np.empty(0)
    outdoor = outdoor_temp_c[own]
    interval_ms = thresholds.station_interval_min * 60_000
    heat_times = readings.time_ms[own][np.isfinite(heat)] if heat.size else np.empty(0, dtype=np.int64)

    fields = {
        "raw_readings": float(own.sum()),
        "supply_readings": float(np.isfinite(supply).sum()),
        "heat_readings": float(np.isfinite(heat).sum()) if heat.size else 0.0,
        "heat_slots": float(np.unique(heat_times // interval_ms).size),
        "outdoor_readings": float(np.isfinite(outdoor).sum()),
    }
    if np.isfinite(outdoor).any():
        fields["outdoor_mean_c"] = float(np.nanmean(outdoor))
    return fields


def _heated_fields(station_days, station: int) -> dict[str, float]:
    rows = np.flatnonzero(station_days.station == station)
    if rows.size == 0:
        return {"readings": 0.0, "heating_readings": 0.0, "heated": 0.0}
    row = rows[0]
    return {
        "readings": float(station_days.readings[row]),
        "heating_readings": float(station_days.heating_readings[row]),
        "mean_supply_temp_c": float(station_days.mean_supply_temp_c[row]),
        "heated": float(station_days.heated[row]),
    }


def _heat_fields(heat, station: int, this_day: int) -> dict[str, float]:
    rows = np.flatnonzero((heat.station == station) & (heat.day == this_day))
    if rows.size == 0:
        return {}
    row = rows[0]
    return {
        "heat_gj": float(heat.heat_gj[row]),
        "heat_resets": float(heat.resets[row]),
        "heat_rejected_steps": float(heat.rejected_steps[row]),
    }


def _outdoor_points(raw: _RawStationReadings, in_day: np.ndarray, start_ms: int) -> list[Point]:
    """Average the outdoor readings of each unit's stations over the day."""
    station_unit = np.array([raw.unit_of_station[s] for s in raw.readings.station_ids] or [""], dtype=object)
    units = station_unit[raw.readings.station[in_day]] if in_day.any() else np.empty(0, dtype=object)
    outdoor = raw.outdoor_temp_c[in_day]
    points = []
    for unit in sorted(set(units.tolist())):
        values = outdoor[(units == unit) & np.isfinite(outdoor)]
        if values.size:
            fields = {"mean_temp_c": float(values.mean()), "readings": float(values.size)}
            points.append(Point(OUTDOOR_DAY_MEASUREMENT, {"unit": unit}, fields, start_ms))
    return points


def _station_device_points(
    raw: _RawStationReadings, in_day: np.ndarray, start_ms: int, thresholds: IndicatorThresholds
) -> list[Point]:
    """Count each station device's readings and distinct reporting slots over the day."""
    interval_ms = thresholds.station_interval_min * 60_000
    expected = float(-(-1440 // thresholds.station_interval_min))
    device = raw.device[in_day]
    slots = (raw.readings.time_ms[in_day] - start_ms) // interval_ms
    points = []
    for index, (unit, station, device_id) in enumerate(raw.device_keys):
        own = device == index
        if not device_id or not own.any():
            continue
        fields = {"readings": float(own.sum()), "received": float(np.unique(slots[own]).size), "expected": expected}
        tags = {"unit": unit, "station": station, "device": device_id, "kind": "station"}
        points.append(Point(DEVICE_DAY_MEASUREMENT, tags, fields, start_ms))
    return points
