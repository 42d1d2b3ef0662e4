"""稳定供热: interruption events per heat station and the area-weighted interruption index.

A reading is abnormal once the station has heated at least once and one of three
conditions is met. The secondary supply temperature is ``interruption_supply_drop_c`` or
more below its trailing norm, supply minus return is under ``interruption_delta_min_c``,
or the flow is under ``interruption_flow_fraction`` of its trailing norm. The trailing norm of an hour is
the median of the hourly medians over the preceding ``norm_window_h`` hours, using only
hours that met the heated-reading conditions; with no such hour in the window the last
norm carries forward, so a long stop does not become the new normal.

An event runs from the first abnormal reading to the first normal reading after it.
Events less than ``interruption_merge_gap_min`` apart are merged, events are cut to the
season window, and those shorter than ``interruption_min_h`` are dropped.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scoring.household_day import day_number, local_day_start_ms
from scoring.indicators.common import Rate, make_rate, runs_of_true
from scoring.indicators.station_days import StationReadings
from scoring.thresholds import IndicatorThresholds, SeasonCalendar

MS_PER_HOUR = 3_600_000
NO_SEASON_WEIGHT = "供热季时长或总供热面积（户数）为 0，无法计算停热指数"


@dataclass(frozen=True, slots=True)
class InterruptionEvent:
    """One interruption of a station, with the conditions seen during it."""

    station_id: str
    start_ms: int  # UTC milliseconds of the first abnormal reading
    end_ms: int  # UTC milliseconds of the first normal reading after it
    duration_h: float
    duration_class: str  # "short", "fault" (≥ 4 h), "notice" (≥ 8 h) or "refund" (> 24 h)
    supply_drop: bool  # supply fell below its trailing norm minus the drop
    delta_collapse: bool  # supply minus return fell under the minimum difference
    flow_drop: bool  # flow fell under the fraction of its trailing norm


@dataclass(frozen=True, slots=True)
class TrailingNorm:
    """A station's trailing norm at one moment: median hourly supply temperature and flow, NaN when unknown."""

    supply_temp_c: float
    flow_m3h: float
    heated_until_ms: int | None  # end of the last heated hour the norm was taken from


UNKNOWN_NORM = TrailingNorm(supply_temp_c=float("nan"), flow_m3h=float("nan"), heated_until_ms=None)


@dataclass(frozen=True, slots=True)
class StationInterruptions:
    """Interruption events of one station and their counts per duration class."""

    station_id: str
    events: tuple[InterruptionEvent, ...]
    interrupted_hours: float
    short_events: int  # shorter than the first class limit (default 4 h)
    fault_events: int  # first to second limit (default 4 h to under 8 h, 故障)
    notice_events: int  # second to third limit (default 8 h to 24 h, 需告知)
    refund_events: int  # over the third limit (default over 24 h, 停热退费)
    end_norm: TrailingNorm = UNKNOWN_NORM  # the norm after the last reading, to seed the next window


@dataclass(frozen=True, slots=True)
class InterruptionIndex:
    """停热指数 = Σ(duration_h × weight) ÷ (season hours × total weight)."""

    weighted_interrupted_hours: float
    season_hours: float
    total_weight: float  # heated area (m²) or households of every station in scope
    index: Rate
    stability: float | None  # 1 − index (稳定供热率)


def season_hours(season: SeasonCalendar, zone: ZoneInfo, through: date | None = None) -> float:
    """Return the hours from the official start to the end of the official end day or ``through``."""
    start_ms, end_ms = _season_window_ms(season, zone, through)
    return max(end_ms - start_ms, 0) / MS_PER_HOUR


def detect_interruptions(
    readings: StationReadings,
    season: SeasonCalendar,
    zone: ZoneInfo,
    thresholds: IndicatorThresholds,
    through: date | None = None,
) -> tuple[StationInterruptions, ...]:
    """Find the interruption events of every station within the season.

    Pass readings from at least ``norm_window_h`` before the official start, so the norm
    exists on the first day of the season.
    """
    start_ms, end_ms = _season_window_ms(season, zone, through)
    return detect_interruptions_between(readings, start_ms, end_ms, thresholds, keep_edge_pieces=False)


def detect_interruptions_between(
    readings: StationReadings,
    window_start_ms: int,
    window_end_ms: int,
    thresholds: IndicatorThresholds,
    keep_edge_pieces: bool = True,
    seed_norms: Mapping[str, TrailingNorm] | None = None,
) -> tuple[StationInterruptions, ...]:
    """Find interruption events cut to [window_start_ms, window_end_ms), for daily jobs.

    Readings must start ``norm_window_h`` before the window. An event cut at a window edge
    is a piece, kept even when shorter than ``interruption_min_h`` unless
    ``keep_edge_pieces`` is False. Join the pieces of consecutive windows with
    ``join_interruptions``, which applies the minimum duration to the joined events.

    ``seed_norms`` gives a station's norm for the hours before its first heated hour in
    the readings: the ``end_norm`` of the previous window. Without it, an outage that
    fills the whole history leaves no norm, and the outage goes unseen in this window.
    """
    usable = np.isfinite(readings.secondary_supply_temp_c) & np.isfinite(readings.secondary_return_temp_c)
    order = np.lexsort((readings.time_ms, readings.station))
    order = order[usable[order]]
    station = readings.station[order]
    bounds = np.searchsorted(station, np.arange(len(readings.station_ids) + 1))
    window = (window_start_ms, window_end_ms)

    results = []
    for s, station_id in enumerate(readings.station_ids):
        rows = order[bounds[s] : bounds[s + 1]]
        flow = readings.flow_m3h[rows] if readings.flow_m3h is not None else np.full(rows.size, np.nan)
        events, end_norm = _station_events(
            station_id,
            readings.time_ms[rows],
            readings.secondary_supply_temp_c[rows],
            readings.secondary_return_temp_c[rows],
            flow,
            window,
            thresholds,
            keep_edge_pieces,
            (seed_norms or {}).get(station_id, UNKNOWN_NORM),
        )
        results.append(_summarise_station(station_id, events, end_norm))
    return tuple(results)


def join_interruptions(
    station_ids: Sequence[str], events: Sequence[InterruptionEvent], thresholds: IndicatorThresholds
) -> tuple[StationInterruptions, ...]:
    """Merge event pieces of the same station closer than the merge gap and reclassify them.

    Use it on the events of several daily windows, so an outage across midnight counts once
    with its whole duration.
    """
    gap_ms = thresholds.interruption_merge_gap_min * 60_000
    by_station: dict[str, list[InterruptionEvent]] = {station_id: [] for station_id in station_ids}
    for event in sorted(events, key=lambda item: (item.station_id, item.start_ms)):
        pieces = by_station.setdefault(event.station_id, [])
        if pieces and event.start_ms - pieces[-1].end_ms < gap_ms:
            previous = pieces[-1]
            duration_h = (max(event.end_ms, previous.end_ms) - previous.start_ms) / MS_PER_HOUR
            pieces[-1] = InterruptionEvent(
                station_id=previous.station_id,
                start_ms=previous.start_ms,
                end_ms=max(event.end_ms, previous.end_ms),
                duration_h=duration_h,
                duration_class=_duration_class(duration_h, thresholds.interruption_class_h),
                supply_drop=previous.supply_drop or event.supply_drop,
                delta_collapse=previous.delta_collapse or event.delta_collapse,
                flow_drop=previous.flow_drop or event.flow_drop,
            )
        else:
            pieces.append(event)
    return tuple(
        _summarise_station(station_id, [p for p in pieces if p.duration_h >= thresholds.interruption_min_h])
        for station_id, pieces in by_station.items()
    )


def interruption_index(
    stations: Sequence[StationInterruptions], station_weight: np.ndarray, hours: float
) -> InterruptionIndex:
    """Weigh each station's interrupted hours by its area or households, per season hour.

    ``station_weight`` has one entry per station in ``stations``; include stations without
    events, because they belong to the total.
    """
    if station_weight.shape != (len(stations),):
        raise ValueError(f"station_weight needs one entry per station ({len(stations)})")

    interrupted = np.array([s.interrupted_hours for s in stations], dtype=np.float64)
    weighted = float(np.dot(interrupted, station_weight)) if len(stations) else 0.0
    total_weight = float(station_weight.sum())
    index = make_rate(weighted, hours * total_weight, NO_SEASON_WEIGHT)
    stability = None if index.value is None else 1.0 - index.value
    return InterruptionIndex(
        weighted_interrupted_hours=weighted,
        season_hours=hours,
        total_weight=total_weight,
        index=index,
        stability=stability,
    )


def _season_window_ms(season: SeasonCalendar, zone: ZoneInfo, through: date | None) -> tuple[int, int]:
    last = day_number(season.official_end)
    if through is not None:
        last = min(last, day_number(through))
    return local_day_start_ms(day_number(season.official_start), zone), local_day_start_ms(last + 1, zone)


def _station_events(
    station_id: str,
    time_ms: np.ndarray,
    supply: np.ndarray,
    return_temp: np.ndarray,
    flow: np.ndarray,
    window: tuple[int, int],
    thresholds: IndicatorThresholds,
    keep_edge_pieces: bool,
    seed: TrailingNorm,
) -> tuple[list[InterruptionEvent], TrailingNorm]:
    if time_ms.size == 0:
        return [], seed

    delta = supply - return_temp
    hour = (time_ms // MS_PER_HOUR - time_ms[0] // MS_PER_HOUR).astype(np.int64)
    hours = int(hour[-1]) + 1
    hourly_supply = _hourly_median(hour, supply, hours)
    hourly_delta = _hourly_median(hour, delta, hours)
    hourly_flow = _hourly_median(hour, flow, hours)
    heating_hour = (hourly_supply > thresholds.heated_supply_min_c) & (hourly_delta > thresholds.heated_delta_min_c)

    # NOTE: a partial drop that still meets the heated conditions enters the norm, so after
    # about half a window it stops being abnormal. The held-low supply test of 长期低温供热 covers that case.
    window_h = thresholds.norm_window_h

    # One hour past the readings is appended, so the last norm is the one the next window starts from.
    supply_norms = _trailing_norm(_heated_only(hourly_supply, heating_hour), window_h, seed.supply_temp_c)
    flow_norms = _trailing_norm(_heated_only(hourly_flow, heating_hour), window_h, seed.flow_m3h)
    heated_hours = np.flatnonzero(heating_hour)
    end_norm = TrailingNorm(
        supply_temp_c=float(supply_norms[-1]),
        flow_m3h=float(flow_norms[-1]),
        heated_until_ms=(
            int((time_ms[0] // MS_PER_HOUR + heated_hours[-1] + 1) * MS_PER_HOUR) if heated_hours.size
            else seed.heated_until_ms
        ),
    )
    supply_norm, flow_norm = supply_norms[hour], flow_norms[hour]

    established = np.isfinite(supply_norm)
    supply_drop = established & (supply < supply_norm - thresholds.interruption_supply_drop_c)
    delta_collapse = established & (delta < thresholds.interruption_delta_min_c)
    with np.errstate(invalid="ignore"):
        flow_drop = established & (flow < thresholds.interruption_flow_fraction * flow_norm)
    abnormal = supply_drop | delta_collapse | flow_drop

    starts, lengths = runs_of_true(abnormal)
    if starts.size == 0:
        return [], end_norm
    stops = starts + lengths
    last_reading_end = int(time_ms[-1]) + thresholds.station_interval_min * 60_000
    end_ms = np.where(stops < time_ms.size, time_ms[np.minimum(stops, time_ms.size - 1)], last_reading_end)
    spans = _merge_spans(time_ms[starts], end_ms, stops, starts, thresholds.interruption_merge_gap_min * 60_000)

    events = []
    for start, end, first, stop in spans:
        if end <= window[0] or start >= window[1]:
            continue
        at_edge = start <= window[0] or end >= window[1]
        start, end = max(start, window[0]), min(end, window[1])
        duration_h = (end - start) / MS_PER_HOUR
        if duration_h < thresholds.interruption_min_h and not (keep_edge_pieces and at_edge):
            continue
        events.append(
            InterruptionEvent(
                station_id=station_id,
                start_ms=int(start),
                end_ms=int(end),
                duration_h=duration_h,
                duration_class=_duration_class(duration_h, thresholds.interruption_class_h),
                supply_drop=bool(supply_drop[first:stop].any()),
                delta_collapse=bool(delta_collapse[first:stop].any()),
                flow_drop=bool(flow_drop[first:stop].any()),
            )
        )
    return events, end_norm


def _hourly_median(hour: np.ndarray, values: np.ndarray, hours: int) -> np.ndarray:
    """Return the median of the finite values in each hour, NaN for hours without one."""
    finite = np.isfinite(values)
    keys, values = hour[finite], values[finite]
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]

    unique_hours, starts, counts = np.unique(keys, return_index=True, return_counts=True)
    medians = np.full(hours, np.nan)
    medians[unique_hours] = (values[starts + (counts - 1) // 2] + values[starts + counts // 2]) / 2
    return medians


def _trailing_norm(hourly: np.ndarray, window_h: int, seed: float = float("nan")) -> np.ndarray:
    """Return per hour the median of the preceding window's finite values, carried forward.

    Hours before the first finite window take the seed, the norm carried in from before the readings.
    """
    padded = np.concatenate((np.full(window_h, np.nan), hourly))
    windows = np.lib.stride_tricks.sliding_window_view(padded, window_h)[: hourly.size]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN, as intended
        norm = np.nanmedian(windows, axis=1)

    last_finite = np.where(np.isfinite(norm), np.arange(norm.size), -1)
    np.maximum.accumulate(last_finite, out=last_finite)
    return np.where(last_finite >= 0, norm[np.maximum(last_finite, 0)], seed)


def _heated_only(hourly: np.ndarray, heating_hour: np.ndarray) -> np.ndarray:
    """Return the hourly values of heated hours, NaN elsewhere, with one NaN hour appended."""
    return np.append(np.where(heating_hour, hourly, np.nan), np.nan)


def _merge_spans(
    start_ms: np.ndarray, end_ms: np.ndarray, stops: np.ndarray, starts: np.ndarray, gap_ms: float
) -> list[tuple[int, int, int, int]]:
    """Merge abnormal runs closer than the gap into (start_ms, end_ms, first, stop) spans."""
    spans: list[tuple[int, int, int, int]] = []
    for start, end, first, stop in zip(start_ms, end_ms, starts, stops, strict=True):
        if spans and start - spans[-1][1] < gap_ms:
            previous = spans[-1]
            spans[-1] = (previous[0], int(end), previous[2], int(stop))
        else:
            spans.append((int(start), int(end), int(first), int(stop)))
    return spans


def _duration_class(duration_h: float, limits: tuple[float, float, float]) -> str:
    if duration_h > limits[2]:
        return "refund"
    if duration_h >= limits[1]:
        return "notice"
    if duration_h >= limits[0]:
        return "fault"
    return "short"


def _summarise_station(
    station_id: str, events: list[InterruptionEvent], end_norm: TrailingNorm = UNKNOWN_NORM
) -> StationInterruptions:
    classes = [event.duration_class for event in events]
    return StationInterruptions(
        station_id=station_id,
        events=tuple(events),
        interrupted_hours=float(sum(event.duration_h for event in events)),
        short_events=classes.count("short"),
        fault_events=classes.count("fault"),
        notice_events=classes.count("notice"),
        refund_events=classes.count("refund"),
        end_norm=end_norm,
    )
