"""Every standard fault shows up in the generated stream where the ground truth puts it.

One season of a small city (4 units × 2 stations × 48 households, a quarter measured) is
generated once per module and read back from the message payloads.
"""

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from ingest.cjt188 import LICHUANG
from ingest.messages import message_to_point
from ingest.payloads import TimestampPolicy
from ingest.topics import parse_topic
from scoring.household_day import RoomReadings, compute_household_days, day_number
from scoring.indicators.interruptions import detect_interruptions
from scoring.indicators.station_days import StationReadings
from scoring.thresholds import IndicatorThresholds, default_season
from simulators.season import (
    CityConfig,
    Interruption,
    RadiatorSensor,
    SeasonConfig,
    SensorFaultFlag,
    SensorOffline,
    SparseSensor,
    ground_truth,
    season_plan,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2025


def _ms(*parts: int) -> int:
    return round(datetime(*parts, tzinfo=SHANGHAI).timestamp() * 1000)


class Collected:
    """Readings of one stream, parsed and grouped by device."""

    def __init__(self, plan):
        self.rooms = defaultdict(list)  # household -> [(time_ms, temp_c, fault)]
        self.stations = defaultdict(list)  # station -> [(time_ms, supply, return, flow, heat_gj, outdoor)]
        self.meters = defaultdict(list)  # station -> [(time_ms, heat_kwh, power_kw)]
        self.out_of_order = 0
        self.to_validate = []  # every message of a faulted device and every 10th of the others
        faulted = {getattr(f, "household", None) or getattr(f, "station", None) for f in plan.faults}
        faulted_sensors = {plan.city.household(code).sensor for code in faulted if "-H" in (code or "")}
        last = -1
        for number, message in enumerate(plan.messages()):
            if message.time_ms < last:
                self.out_of_order += 1
            last = message.time_ms
            parts = message.topic.split("/")
            faulted_device = parts[5] in faulted_sensors or (parts[4] != "room" and parts[3] in faulted)
            if number % 10 == 0 or faulted_device:
                self.to_validate.append(message)
            _, _, unit, station, kind, device = message.topic.split("/")
            body = json.loads(message.payload)
            if kind == "room":
                self.rooms[body["household"]].append((message.time_ms, body["temp_c"], body["sensor_fault"]))
            elif kind == "station":
                self.stations[station].append((
                    message.time_ms, body["secondary_supply_temp_c"], body["secondary_return_temp_c"],
                    body["flow_m3h"], body.get("heat_total_gj"), body["outdoor_temp_c"],
                ))
            else:
                self.meters[station].append((message.time_ms, body["heat_total_kwh"], body["power_kw"]))

    def station_array(self, code: str) -> np.ndarray:
        return np.array([row[:4] for row in self.stations[code]], dtype=np.float64)


@pytest.fixture(scope="module")
def plan():
    city = CityConfig(households_per_station=48, measured_share=0.25)
    return season_plan(city, SeasonConfig(season_year=YEAR))


@pytest.fixture(scope="module")
def collected(plan):
    return Collected(plan)


@pytest.fixture(scope="module")
def truth(plan, collected):
    return ground_truth(plan)


def _fault(plan, kind):
    return next(fault for fault in plan.faults if isinstance(fault, kind))


def test_stream_time_ordered(collected):
    assert collected.out_of_order == 0


def test_payloads_pass_ingest(collected):
    policy = TimestampPolicy(local_zone=SHANGHAI, naive="reject")
    after_season_ms = _ms(YEAR + 2, 1, 1)
    mismatched = []
    for message in collected.to_validate:
        device = parse_topic(message.topic, "heatscore/v1")
        point = message_to_point(device, message.payload, policy, after_season_ms, 16384, LICHUANG)
        if point.time_ms != message.time_ms:
            mismatched.append(message)
    assert len(collected.to_validate) > 150_000
    assert mismatched == []


def test_late_station_cold_until_start(collected, truth):
    readings = collected.station_array("U02-S01")
    warmup_start = _ms(YEAR, 10, 16, 18)  # 2 days late, 6 hours of warm-up before 10-17
    before = readings[readings[:, 0] < warmup_start]
    from_start = readings[(readings[:, 0] >= _ms(YEAR, 10, 17)) & (readings[:, 0] < _ms(YEAR, 10, 18))]
    assert before[:, 1].max() < 40.0
    assert (from_start[:, 1] > 40.0).all()
    assert truth["stations"]["U02-S01"]["heating"]["start_delay_days"] == 2
    assert truth["stations"]["U02-S01"]["heating"]["first_heated_day"] == "2025-10-17"


def test_on_time_station_heats_from_official_start(collected, truth):
    readings = collected.station_array("U01-S01")
    first_day = readings[(readings[:, 0] >= _ms(YEAR, 10, 15)) & (readings[:, 0] < _ms(YEAR, 10, 16))]
    assert (first_day[:, 1] > 40.0).all()
    assert truth["stations"]["U01-S01"]["heating"]["start_delay_days"] == 0


def test_interruptions_flow_stops_exactly(collected, plan):
    readings = collected.station_array("U01-S02")
    in_season = (readings[:, 0] >= _ms(YEAR, 10, 15)) & (readings[:, 0] < _ms(YEAR + 1, 4, 16))
    stopped = readings[in_season & (readings[:, 3] == 0.0), 0]

    expected = []
    for fault in plan.faults:
        if isinstance(fault, Interruption):
            start = round(fault.start.replace(tzinfo=SHANGHAI).timestamp() * 1000)
            expected.extend(range(start, start + round(fault.hours * 3_600_000), 15 * 60_000))
    assert stopped.astype(np.int64).tolist() == sorted(expected)


def test_thirty_hour_interruption_span(collected, truth):
    events = truth["stations"]["U01-S02"]["interruptions"]
    longest = max(events, key=lambda event: event["hours"])
    assert longest == {"start": "2026-02-05T06:00+08:00", "end": "2026-02-06T12:00+08:00", "hours": 30.0, "class": "refund"}

    readings = collected.station_array("U01-S02")
    span = readings[(readings[:, 0] >= _ms(YEAR + 1, 2, 5, 6)) & (readings[:, 0] < _ms(YEAR + 1, 2, 6, 12))]
    assert len(span) == 120
    assert (span[:, 3] == 0.0).all()
    assert span[8:, 1].max() < 30.0  # the water has cooled after two hours
    after = readings[readings[:, 0] == _ms(YEAR + 1, 2, 6, 12)]
    assert after[0, 3] > 0.0


def test_interruption_classes_in_truth(truth):
    assert truth["stations"]["U01-S02"]["interruption_counts"] == {"short": 1, "fault": 1, "notice": 1, "refund": 1}
    assert truth["stations"]["U01-S01"]["interruption_counts"] == {"short": 0, "fault": 0, "notice": 0, "refund": 0}


def test_scoring_finds_only_injected_interruptions(collected, truth):
    codes = sorted(collected.stations)
    station, time_ms, supply, returned, flow = [], [], [], [], []
    for index, code in enumerate(codes):
        for row in collected.stations[code]:
            station.append(index)
            time_ms.append(row[0])
            supply.append(row[1])
            returned.append(row[2])
            flow.append(row[3])
    readings = StationReadings(
        codes, np.array(station, dtype=np.int32), np.array(time_ms, dtype=np.int64),
        np.array(supply), np.array(returned), np.array(flow),
    )
    thresholds = IndicatorThresholds(station_interval_min=15)
    found = detect_interruptions(readings, default_season(YEAR), SHANGHAI, thresholds)

    for result in found:
        expected = truth["stations"][result.station_id]["interruptions"]
        hours = [event.duration_h for event in result.events]
        assert hours == [event["hours"] for event in expected], result.station_id
        assert [event.duration_class for event in result.events] == [event["class"] for event in expected]


def test_offline_sensor_gap(collected, plan):
    fault = _fault(plan, SensorOffline)
    start = _ms(YEAR, 12, 1)
    end = start + 72 * 3_600_000
    times = np.array([row[0] for row in collected.rooms[fault.household]])
    assert not ((times >= start) & (times < end)).any()
    assert (times == start - 3_600_000).any()
    assert (times == end).any()


def test_sparse_sensor_keeps_about_half(collected, plan):
    fault = _fault(plan, SparseSensor)
    received = len(collected.rooms[fault.household])
    assert 0.45 * plan.window.days * 24 < received < 0.55 * plan.window.days * 24


def test_radiator_sensor_reads_water(collected, plan):
    fault = _fault(plan, RadiatorSensor)
    rows = np.array([row[:2] for row in collected.rooms[fault.household]])
    placed = rows[(rows[:, 0] >= _ms(YEAR, 11, 1)) & (rows[:, 0] < _ms(YEAR + 1, 4, 16))]
    before = rows[(rows[:, 0] >= _ms(YEAR, 10, 16)) & (rows[:, 0] < _ms(YEAR, 11, 1))]
    assert placed[:, 1].min() > 35.0
    assert before[:, 1].max() < 30.0


def test_fault_flag_period(collected, plan):
    fault = _fault(plan, SensorFaultFlag)
    start = _ms(YEAR + 1, 1, 20, 8)
    rows = collected.rooms[fault.household]
    flagged = [time_ms for time_ms, _, flag in rows if flag]
    assert flagged == list(range(start, start + 48 * 3_600_000, 3_600_000))
    assert all(temp < 0.0 for _, temp, flag in rows if flag)


def test_meter_stops_flat(collected):
    stop = _ms(YEAR + 1, 2, 20)
    meter = np.array(collected.meters["U02-S02"])
    after = meter[meter[:, 0] >= stop]
    assert len(after) > 0
    assert np.unique(after[:, 1]).size == 1
    assert (after[:, 2] == 0.0).all()
    before = meter[(meter[:, 0] < stop) & (meter[:, 0] >= stop - 86_400_000)]
    assert before[-1, 1] > before[0, 1]

    station_heat = np.array([(row[0], row[4]) for row in collected.stations["U02-S02"]])
    assert np.unique(station_heat[station_heat[:, 0] >= stop, 1]).size == 1


def test_early_and_extended_heating(collected, truth):
    readings = collected.station_array("U04-S01")
    early = readings[(readings[:, 0] >= _ms(YEAR, 10, 12)) & (readings[:, 0] < _ms(YEAR, 10, 15))]
    extended = readings[(readings[:, 0] >= _ms(YEAR + 1, 4, 16)) & (readings[:, 0] < _ms(YEAR + 1, 4, 19))]
    after = readings[readings[:, 0] >= _ms(YEAR + 1, 4, 19, 2)]
    assert (early[:, 1] > 40.0).all()
    assert (extended[:, 1] > 40.0).all()
    assert after[:, 1].max() < 40.0
    heating = truth["stations"]["U04-S01"]["heating"]
    assert (heating["early_heating_days"], heating["extended_heating_days"]) == (3, 3)
    assert truth["stations"]["U03-S01"]["heating"]["early_heating_days"] == 0


def test_cold_building_pulls_unit_below_90(truth):
    assert truth["units"]["U03"]["room"]["compliant_rate"] < 0.9
    assert truth["units"]["U03"]["room_compliance_below_90"] is True
    for unit in ("U01", "U02", "U04"):
        assert truth["units"][unit]["room"]["compliant_rate"] >= 0.9, unit


def test_overheated_building_high_rate(truth):
    assert truth["stations"]["U04-S02"]["room"]["high_rate"] > 0.5
    assert truth["stations"]["U04-S01"]["room"]["high_rate"] < 0.1


def test_long_low_period_streak(truth, plan):
    streaks = truth["stations"]["U03-S02"]["room_low_streaks"]
    held = [s for s in streaks if s["first_day"] <= "2026-01-13" and s["last_day"] >= "2026-01-20"]
    assert held, streaks
    assert held[0]["days"] >= 7
    assert truth["stations"]["U03-S02"]["room"]["compliant_rate"] < 0.95


def test_truth_matches_scoring_household_days(collected, truth, plan):
    households = sorted(collected.rooms)
    index = {code: i for i, code in enumerate(households)}
    rows = [(index[code], *row) for code, readings in collected.rooms.items() for row in readings]
    table = np.array(rows, dtype=np.float64)
    readings = RoomReadings(
        households, table[:, 0].astype(np.int32), table[:, 1].astype(np.int64), table[:, 2], table[:, 3].astype(bool)
    )
    days = compute_household_days(readings, SHANGHAI, IndicatorThresholds(room_interval_min=60))

    extreme = {day_number(date.fromisoformat(day)) for day in truth["outdoor"]["extreme_cold_days"]}
    first, last = day_number(date(YEAR, 10, 15)), day_number(date(YEAR + 1, 4, 15))
    valid, compliant = defaultdict(int), defaultdict(int)
    for row in range(len(days)):
        household = plan.city.household(days.household_ids[days.household[row]])
        day = int(days.day[row])
        if household.exclusion or not first <= day <= last or day in extreme:
            continue
        valid[household.unit] += bool(days.valid[row])
        compliant[household.unit] += bool(days.compliant[row])

    for unit in ("U01", "U02", "U03", "U04"):
        assert valid[unit] == truth["units"][unit]["room"]["valid"], unit
        assert compliant[unit] == truth["units"][unit]["room"]["compliant"], unit


def test_faults_listed_with_times(truth):
    kinds = [fault["kind"] for fault in truth["faults"]]
    assert kinds.count("interruption") == 4
    late = next(fault for fault in truth["faults"] if fault["kind"] == "late_start")
    assert late["expected"]["supply_below_40_until"] == "2025-10-16T18:00+08:00"
    offline = next(fault for fault in truth["faults"] if fault["kind"] == "sensor_offline")
    assert (offline["start"], offline["end"]) == ("2025-12-01T00:00+08:00", "2025-12-04T00:00+08:00")
    assert offline["station"] == "U01-S01"
    assert timedelta(hours=72) == datetime.fromisoformat(offline["end"]) - datetime.fromisoformat(offline["start"])
