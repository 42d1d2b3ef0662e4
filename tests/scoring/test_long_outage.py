"""An outage longer than a whole local day, rolled up day by day through the real InfluxDB.

The daily station rollup reads one day of history for the interruption norm. During an
outage that fills that history, the norm comes from the previous day's ``station_day``
instead, so the outage is followed to its end. Readings are every 5 minutes: heated at
60/45 °C, cold at 35/34 °C from 20:00 on day 2 to 04:00 on day 4 (32 h).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from scoring.household_day import day_number, local_day_start_ms
from scoring.indicators import InterruptionEvent, join_interruptions
from scoring.jobs import roll_up_range
from scoring.thresholds import IndicatorThresholds
from settings import Settings
from storage.influx import InfluxClient
from storage.points import Point, to_line

pytestmark = pytest.mark.services

ZONE = ZoneInfo("Asia/Shanghai")
FIRST = date(2031, 1, 5)
STEP_MS = 300_000
HOUR_MS = 3_600_000


def local_ms(day: date, hour: float) -> int:
    return local_day_start_ms(day_number(day), ZONE) + int(hour * HOUR_MS)


def write_station(settings: Settings, station: str, days: int, outage: tuple[int, int]) -> None:
    """Write 5-minute readings over the days, cold from outage[0] up to but not including outage[1]."""
    tags = {"unit": "U-long", "station": station, "device": f"D-{station}"}
    start, end = local_ms(FIRST, 0), local_ms(FIRST + timedelta(days=days), 0)
    lines = []
    for moment in range(start, end, STEP_MS):
        cold = outage[0] <= moment < outage[1]
        supply, back = (35.0, 34.0) if cold else (60.0, 45.0)
        fields = {"secondary_supply_temp_c": supply, "secondary_return_temp_c": back, "flow_m3h": 100.0}
        lines.append(to_line(Point("station_reading", tags, fields, moment)))
    with InfluxClient.from_settings(settings) as influx:
        influx.write_lines(lines)


def stored_pieces(settings: Settings, station: str) -> list[InterruptionEvent]:
    with InfluxClient.from_settings(settings) as influx:
        series = influx.query(
            f"SELECT start_ms, end_ms, duration_h FROM station_interruption WHERE station = '{station}'"
        )
    rows = [dict(zip(item.columns, row)) for item in series for row in item.values]
    return [
        InterruptionEvent(station, int(row["start_ms"]), int(row["end_ms"]), row["duration_h"], "", False, True, False)
        for row in rows
    ]


def test_outage_across_whole_day_followed(service_settings: Settings) -> None:
    station = f"S-{uuid.uuid4().hex[:6]}"
    outage = (local_ms(FIRST + timedelta(days=1), 20), local_ms(FIRST + timedelta(days=3), 4))
    write_station(service_settings, station, days=5, outage=outage)

    roll_up_range(service_settings, FIRST, FIRST + timedelta(days=4))

    joined = join_interruptions([station], stored_pieces(service_settings, station), IndicatorThresholds())
    events = joined[0].events
    assert len(events) == 1
    assert events[0].start_ms == outage[0]
    assert events[0].end_ms == outage[1]
    assert events[0].duration_h == pytest.approx(32.0)
    assert events[0].duration_class == "refund"


def test_norm_dropped_after_carry_limit(service_settings: Settings) -> None:
    station = f"S-{uuid.uuid4().hex[:6]}"
    days = 12
    outage = (local_ms(FIRST + timedelta(days=1), 12), local_ms(FIRST + timedelta(days=days), 0))
    write_station(service_settings, station, days=days, outage=outage)

    roll_up_range(service_settings, FIRST, FIRST + timedelta(days=days - 1))

    joined = join_interruptions([station], stored_pieces(service_settings, station), IndicatorThresholds())
    events = joined[0].events
    carry_days = IndicatorThresholds().norm_carry_days
    assert len(events) == 1
    assert events[0].start_ms == outage[0]
    # Heating ended at 12:00 on day 2. A day that starts at most 7 days later takes the carried
    # norm, so day 9 is the last one followed and the event ends when day 10 starts.
    assert events[0].end_ms == local_ms(FIRST + timedelta(days=2 + carry_days), 0)


def test_trial_run_before_season_not_carried(service_settings: Settings) -> None:
    """A trial run a week before the season must not make the first season day an interruption."""
    station = f"S-{uuid.uuid4().hex[:6]}"
    first = date(2030, 10, 8)
    tags = {"unit": "U-long", "station": station, "device": f"D-{station}"}
    trial = (local_ms(first, 8), local_ms(first + timedelta(days=1), 8))
    season_heat = local_ms(date(2030, 10, 15), 10)
    lines = []
    for moment in range(local_ms(first, 0), local_ms(date(2030, 10, 17), 0), STEP_MS):
        heated = trial[0] <= moment < trial[1] or moment >= season_heat
        supply, back = (60.0, 45.0) if heated else (20.0, 19.5)
        fields = {"secondary_supply_temp_c": supply, "secondary_return_temp_c": back, "flow_m3h": 100.0}
        lines.append(to_line(Point("station_reading", tags, fields, moment)))
    with InfluxClient.from_settings(service_settings) as influx:
        influx.write_lines(lines)

    roll_up_range(service_settings, first, date(2030, 10, 16))

    season_pieces = [piece for piece in stored_pieces(service_settings, station)
                     if piece.end_ms > local_ms(date(2030, 10, 15), 0)]
    assert season_pieces == []
