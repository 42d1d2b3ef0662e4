"""Known-answer tests of 稳定供热: interruption events, duration classes and the index."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.indicators import StationReadings, detect_interruptions, interruption_index, season_hours
from scoring.indicators.interruptions import detect_interruptions_between, join_interruptions
from scoring.thresholds import IndicatorThresholds, SeasonCalendar

ZONE = ZoneInfo("Asia/Shanghai")
THRESHOLDS = IndicatorThresholds(station_interval_min=15)
# Eleven days, 264 season hours; data start a day earlier so the 24 h norm exists.
SEASON = SeasonCalendar(official_start=date(2025, 10, 15), official_end=date(2025, 10, 25))
QUARTER_MS = 15 * 60_000
HOUR_MS = 3_600_000


def local_ms(day: int, hour: int) -> int:
    return int(datetime(2025, 10, day, hour, tzinfo=ZONE).timestamp() * 1000)


DATA_START = local_ms(14, 0)
DATA_END = local_ms(26, 0)


def station_series(outages: list[tuple[int, float]], drops: list[tuple[int, float]] = ()):
    """Return quarter-hourly (time, supply, return) with outages and partial supply drops.

    ``outages`` hold (start_ms, hours) with supply 30 / return 29.5 (ΔT collapse);
    ``drops`` hold (start_ms, hours) with supply 43 / return 38 (only the supply drop).
    """
    time_ms = np.arange(DATA_START, DATA_END, QUARTER_MS, dtype=np.int64)
    supply = np.full(time_ms.size, 55.0)
    return_temp = np.full(time_ms.size, 45.0)
    for start, hours in outages:
        inside = (time_ms >= start) & (time_ms < start + hours * HOUR_MS)
        supply[inside], return_temp[inside] = 30.0, 29.5
    for start, hours in drops:
        inside = (time_ms >= start) & (time_ms < start + hours * HOUR_MS)
        supply[inside], return_temp[inside] = 43.0, 38.0
    return time_ms, supply, return_temp


def build_readings() -> StationReadings:
    # A: outages of 3 h, 5 h, 9 h and 30 h. B: a 2 h supply drop and an outage that began
    # before the season (10-14 20:00 to 10-15 02:00), cut to 2 h at the season start.
    a = station_series([(local_ms(16, 10), 3), (local_ms(18, 10), 5), (local_ms(20, 10), 9), (local_ms(22, 10), 30)])
    b = station_series([(local_ms(14, 20), 6)], drops=[(local_ms(17, 10), 2)])
    size = a[0].size
    return StationReadings(
        station_ids=["A", "B", "C"],
        station=np.repeat(np.array([0, 1], dtype=np.int32), size),
        time_ms=np.concatenate((a[0], b[0])),
        secondary_supply_temp_c=np.concatenate((a[1], b[1])),
        secondary_return_temp_c=np.concatenate((a[2], b[2])),
    )


@pytest.fixture(scope="module")
def stations():
    return detect_interruptions(build_readings(), SEASON, ZONE, THRESHOLDS)


def test_event_durations_and_classes(stations):
    a = stations[0]

    assert [event.duration_h for event in a.events] == [3.0, 5.0, 9.0, 30.0]
    assert [event.duration_class for event in a.events] == ["short", "fault", "notice", "refund"]
    assert a.events[0].start_ms == local_ms(16, 10)
    assert a.events[0].end_ms == local_ms(16, 13)
    assert all(event.delta_collapse for event in a.events)


def test_class_counts(stations):
    a = stations[0]

    # The 3 h event is below the first class (4 h) and is not counted in any class.
    assert a.short_events == 1
    assert a.fault_events == 1
    assert a.notice_events == 1
    assert a.refund_events == 1
    assert a.interrupted_hours == 47.0


def test_supply_drop_and_season_cut(stations):
    b = stations[1]

    assert [event.duration_h for event in b.events] == [2.0, 2.0]
    # The outage ran from 10-14 20:00; only its part inside the season counts.
    assert b.events[0].start_ms == local_ms(15, 0)
    assert b.events[0].end_ms == local_ms(15, 2)
    assert b.events[0].delta_collapse is True
    assert b.events[1].supply_drop is True
    assert b.events[1].delta_collapse is False


def test_station_without_readings(stations):
    assert stations[2].events == ()
    assert stations[2].interrupted_hours == 0.0


def test_interruption_index(stations):
    hours = season_hours(SEASON, ZONE)
    index = interruption_index(stations, np.array([10_000.0, 20_000.0, 10_000.0]), hours)

    # (47 h × 10 000 m² + 4 h × 20 000 m²) / (264 h × 40 000 m²)
    assert hours == 264.0
    assert index.weighted_interrupted_hours == 550_000.0
    assert index.index.value == pytest.approx(550_000 / (264 * 40_000))
    assert index.stability == pytest.approx(1 - 550_000 / (264 * 40_000))


def test_index_zero_weight(stations):
    index = interruption_index(stations, np.zeros(3), 264.0)

    assert index.index.value is None
    assert index.stability is None
    assert "为 0" in index.index.reason


def test_flow_drop_detected():
    time_ms, supply, return_temp = station_series([])
    flow = np.full(time_ms.size, 100.0)
    low_flow = (time_ms >= local_ms(18, 6)) & (time_ms < local_ms(18, 8))
    flow[low_flow] = 20.0
    readings = StationReadings(
        station_ids=["A"],
        station=np.zeros(time_ms.size, dtype=np.int32),
        time_ms=time_ms,
        secondary_supply_temp_c=supply,
        secondary_return_temp_c=return_temp,
        flow_m3h=flow,
    )

    (station,) = detect_interruptions(readings, SEASON, ZONE, THRESHOLDS)

    assert [event.duration_h for event in station.events] == [2.0]
    assert station.events[0].flow_drop is True
    assert station.events[0].supply_drop is False


def test_short_blip_not_an_event():
    time_ms, supply, return_temp = station_series([(local_ms(18, 6), 0.5)])
    readings = StationReadings(
        station_ids=["A"],
        station=np.zeros(time_ms.size, dtype=np.int32),
        time_ms=time_ms,
        secondary_supply_temp_c=supply,
        secondary_return_temp_c=return_temp,
    )

    (station,) = detect_interruptions(readings, SEASON, ZONE, THRESHOLDS)

    assert station.events == ()


def test_daily_pieces_join_across_midnight():
    # Outages of 2 h from 10-17 23:30 and 30 h from 10-20 10:00, found one local day at a time.
    # The 0.5 h piece before midnight is kept because it touches the window edge.
    time_ms, supply, return_temp = station_series([(local_ms(17, 23) + 30 * 60_000, 2), (local_ms(20, 10), 30)])
    readings = StationReadings(
        station_ids=["A"],
        station=np.zeros(time_ms.size, dtype=np.int32),
        time_ms=time_ms,
        secondary_supply_temp_c=supply,
        secondary_return_temp_c=return_temp,
    )

    pieces = []
    for day in range(15, 25):
        (station,) = detect_interruptions_between(readings, local_ms(day, 0), local_ms(day + 1, 0), THRESHOLDS)
        pieces += station.events
    (joined,) = join_interruptions(["A"], pieces, THRESHOLDS)

    assert [piece.duration_h for piece in pieces] == [0.5, 1.5, 14.0, 16.0]
    assert [event.duration_h for event in joined.events] == [2.0, 30.0]
    assert [event.duration_class for event in joined.events] == ["short", "refund"]
    assert joined.events[1].start_ms == local_ms(20, 10)
