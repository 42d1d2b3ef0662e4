"""Replay of the real NYC, Aalborg and Shenyang files, checked against the CSVs read directly.

The direct computations below use only the csv module and datetime, so they do not share
code with the replay they check.
"""

import csv
import json
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from ingest.payloads import TimestampPolicy, build_point, decode_json, parse_timestamp_ms
from ingest.topics import parse_topic
from scoring.household_day import RoomReadings, compute_household_days
from scoring.thresholds import IndicatorThresholds
from simulators.replay import MeterReplay, ReplayPlan, RoomSensorReplay, StationReplay, load_sources
from simulators.replay import replay_readings, small_city_plan
from simulators.replay.sources import AALBORG_METER_FILE, NYC_APARTMENTS_FILE
from simulators.weather import DEFAULT_REAL_DATA_DIR, SHENYANG_WEATHER_FILE

SHANGHAI = ZoneInfo("Asia/Shanghai")
TARGET_SEASON = 2024
# 2014-10-15 .. 2024-10-15 is 3,653 days, nearest whole weeks 522; 2019 .. 2024 is 1,827 days = 261 weeks.
NYC_SHIFT = timedelta(weeks=522)
AALBORG_SHIFT = timedelta(weeks=261)
SHENYANG_SHIFT = timedelta(weeks=522)
SEASON_FIRST_DAY = date(2024, 10, 15)
SEASON_LAST_DAY = date(2025, 4, 15)
POLICY = TimestampPolicy(local_zone=SHANGHAI, naive="reject")
FAR_FUTURE_MS = 4_102_444_800_000  # 2100-01-01


@pytest.fixture(scope="module")
def sources():
    return load_sources()


def _apartment_ids() -> list[str]:
    with (DEFAULT_REAL_DATA_DIR / NYC_APARTMENTS_FILE).open(newline="") as handle:
        return sorted({row["user_id"] for row in csv.DictReader(handle)})


def _room_plan() -> ReplayPlan:
    rooms = tuple(
        RoomSensorReplay(unit="U1", station="S1", device=f"RS-{apartment}", household=f"H{apartment}", apartment=apartment)
        for apartment in _apartment_ids()
    )
    return ReplayPlan(target_season_year=TARGET_SEASON, rooms=rooms)


def _in_season(local_day: date) -> bool:
    return SEASON_FIRST_DAY <= local_day <= SEASON_LAST_DAY


def _direct_compliance_share() -> tuple[float, int]:
    """Compute the share of valid household-days at or above 18 °C straight from the CSV."""
    temps_by_day: dict[tuple[str, date], list[float]] = defaultdict(list)
    with (DEFAULT_REAL_DATA_DIR / NYC_APARTMENTS_FILE).open(newline="") as handle:
        for row in csv.DictReader(handle):
            measured_at = datetime.fromisoformat(row["date_of_sensor"])
            new_york_wall_clock = measured_at.astimezone(timezone(timedelta(hours=-5))).replace(tzinfo=None)
            baotou_day = (new_york_wall_clock + NYC_SHIFT).date()
            temps_by_day[(row["user_id"], baotou_day)].append((float(row["temp"]) - 32) * 5 / 9)

    # Hourly readings: a day is valid with at least 75 % of 24 readings, i.e. 18.
    valid_means = [sum(temps) / len(temps) for temps in temps_by_day.values() if len(temps) >= 18]
    compliant = sum(1 for mean in valid_means if mean >= 18.0)
    return compliant / len(valid_means), len(valid_means)


def test_nyc_compliance_share_matches_csv(sources) -> None:
    household_ids: list[str] = []
    households, times, temps = [], [], []
    for topic, payload, reading_time_ms in replay_readings(_room_plan(), sources):
        document = json.loads(payload)
        if document["household"] not in household_ids:
            household_ids.append(document["household"])
        households.append(household_ids.index(document["household"]))
        times.append(parse_timestamp_ms(document["ts"], POLICY, FAR_FUTURE_MS))
        temps.append(document["temp_c"])
        assert times[-1] == reading_time_ms
    readings = RoomReadings(
        household_ids=household_ids,
        household=np.array(households, dtype=np.int32),
        time_ms=np.array(times, dtype=np.int64),
        temp_c=np.array(temps),
        sensor_fault=np.zeros(len(temps), dtype=bool),
    )

    days = compute_household_days(
        readings, SHANGHAI, IndicatorThresholds(room_interval_min=60, min_day_coverage=0.75)
    )
    replayed_share = days.compliant.sum() / days.valid.sum()
    direct_share, direct_valid_days = _direct_compliance_share()

    assert len(temps) == 3569
    assert int(days.valid.sum()) == direct_valid_days
    assert replayed_share == pytest.approx(direct_share, abs=1e-12)


def _direct_meter_medians() -> tuple[float, float, int]:
    """Compute season medians of hourly supply and return temperatures straight from the CSV."""
    supply, back = [], []
    previous = None
    with (DEFAULT_REAL_DATA_DIR / AALBORG_METER_FILE).open(newline="") as handle:
        for row in csv.DictReader(handle):
            current = (
                datetime.fromisoformat(row["time_rounded"]),
                float(row["volume_flow_m3"]),
                float(row["inlet_flow_energy_m3xC"]),
                float(row["back_flow_energy_m3xC"]),
            )
            if previous is not None:
                aalborg_wall_clock = current[0].astimezone(timezone(timedelta(hours=1))).replace(tzinfo=None)
                volume = current[1] - previous[1]
                if _in_season((aalborg_wall_clock + AALBORG_SHIFT).date()) and volume >= 0.01:
                    supply.append((current[2] - previous[2]) / volume)
                    back.append((current[3] - previous[3]) / volume)
            previous = current
    return statistics.median(supply), statistics.median(back), len(supply)


def test_aalborg_medians_match_csv(sources) -> None:
    plan = ReplayPlan(target_season_year=TARGET_SEASON, meters=(MeterReplay(unit="U1", station="S1", device="HM1"),))
    supply, back = [], []
    for _, payload, _ in replay_readings(plan, sources):
        document = json.loads(payload)
        if "supply_temp_c" in document:
            supply.append(document["supply_temp_c"])
            back.append(document["return_temp_c"])

    direct_supply, direct_return, direct_hours = _direct_meter_medians()

    assert len(supply) == direct_hours
    assert statistics.median(supply) == pytest.approx(direct_supply, abs=1e-3)
    assert statistics.median(back) == pytest.approx(direct_return, abs=1e-3)


def test_station_outdoor_temperature_matches_csv(sources) -> None:
    plan = ReplayPlan(target_season_year=TARGET_SEASON, stations=(StationReplay(unit="U1", station="S1", device="SC1"),))
    replayed = {}
    for _, payload, reading_time_ms in replay_readings(plan, sources):
        document = json.loads(payload)
        if "outdoor_temp_c" in document:
            local = datetime.fromtimestamp(reading_time_ms / 1000, tz=SHANGHAI).replace(tzinfo=None)
            replayed[local] = document["outdoor_temp_c"]

    expected = {}
    with (DEFAULT_REAL_DATA_DIR / SHENYANG_WEATHER_FILE).open(newline="") as handle:
        for row in csv.DictReader(handle):
            local = datetime(int(row["year"]), int(row["month"]), int(row["day"]), int(row["hour"])) + SHENYANG_SHIFT
            if _in_season(local.date()) and row["TEMP"] != "NA":
                expected[local] = float(row["TEMP"])

    assert replayed == expected
    assert len(expected) == 183 * 24


def test_shift_keeps_weekday_and_time_of_day(sources) -> None:
    apartments = sources.apartments
    new_york = timezone(timedelta(hours=-5))
    replayed_times = {}
    for _, payload, reading_time_ms in replay_readings(_room_plan(), sources):
        replayed_times.setdefault(json.loads(payload)["household"], []).append(reading_time_ms)

    for apartment in apartments.apartment_ids:
        source_ms = apartments.time_ms[apartments.rows_of(apartment)]
        for before_ms, after_ms in zip(source_ms, replayed_times[f"H{apartment}"], strict=True):
            before = datetime.fromtimestamp(before_ms / 1000, tz=new_york)
            after = datetime.fromtimestamp(after_ms / 1000, tz=SHANGHAI)
            assert (after.weekday(), after.time()) == (before.weekday(), before.time())


def test_gaps_preserved(sources) -> None:
    apartments = sources.apartments
    source_ms = apartments.time_ms[apartments.rows_of("130")]
    replayed_ms = [
        reading_time_ms
        for _, payload, reading_time_ms in replay_readings(_room_plan(), sources)
        if json.loads(payload)["household"] == "H130"
    ]

    source_gaps = np.diff(source_ms)
    assert len(replayed_ms) == len(source_ms) == 1044
    assert np.array_equal(np.diff(replayed_ms), source_gaps)
    assert int(source_gaps.max()) > 4 * 3_600_000


def test_small_city_stream_is_ordered_and_ingestible(sources) -> None:
    previous_ms = 0
    counts: dict[str, int] = defaultdict(int)
    stream = replay_readings(small_city_plan(TARGET_SEASON), sources)

    for topic, payload, reading_time_ms in stream:
        device = parse_topic(topic, "heatscore/v1")
        point = build_point(device, decode_json(payload, 4096), POLICY, FAR_FUTURE_MS)
        assert point.time_ms == reading_time_ms
        assert reading_time_ms >= previous_ms
        previous_ms = reading_time_ms
        counts[device.kind.value] += 1

    # 12 apartments with 3,569 readings; 4 meters and 4 stations with one reading per hour of 183 days.
    assert counts == {"room": 3569, "meter": 4 * 183 * 24, "station": 4 * 183 * 24}


def test_stream_window_narrows(sources) -> None:
    plan = small_city_plan(TARGET_SEASON)
    start_ms = int(datetime(2024, 12, 1, tzinfo=SHANGHAI).timestamp()) * 1000
    end_ms = start_ms + 24 * 3_600_000

    readings = list(replay_readings(plan, sources, start_ms, end_ms))
    times = [reading.reading_time_ms for reading in readings]

    assert min(times) >= start_ms
    assert max(times) < end_ms
    assert sum(1 for t in times if t == start_ms) == 8  # 4 meters and 4 stations at the first hour
    assert readings[0].topic.startswith("heatscore/v1/")
    assert json.loads(readings[0].payload)["ts"] == "2024-12-01T00:00:00+08:00"
