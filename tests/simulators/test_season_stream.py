"""The merged season stream: ingest-valid payloads, replay mixing, registry import and the truth file."""

import json
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from ingest.cjt188 import LICHUANG
from ingest.messages import message_to_point
from ingest.payloads import TimestampPolicy
from ingest.topics import parse_topic
from simulators.season import (
    CityConfig,
    MeterStopped,
    ReplayMix,
    SeasonConfig,
    SeasonConfigError,
    ground_truth,
    season_plan,
    write_ground_truth,
)
from storage import registry
from storage.registry import DeviceKind, ExclusionReason, UnitKind
from storage.registry.testing import temporary_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = TimestampPolicy(local_zone=SHANGHAI, naive="reject")
AFTER_SEASON_MS = 1_800_000_000_000  # 2027-01-15, after the 2025 season
PREFIX = "heatscore/v1"


@pytest.fixture(scope="module")
def mixed_plan():
    city = CityConfig(units=2, stations_per_unit=1, households_per_station=20, measured_share=0.25, excluded_share=0.1)
    return season_plan(city, SeasonConfig(season_year=2025), faults=(), replay=ReplayMix(unit="U01"))


@pytest.fixture(scope="module")
def mixed_stream(mixed_plan):
    """Return (topic, payload, time_ms) of every message of the season."""
    return [(message.topic, message.payload, message.time_ms) for message in mixed_plan.messages()]


def test_every_payload_passes_ingest(mixed_stream):
    rejected = []
    for topic, payload, time_ms in mixed_stream:
        point = message_to_point(parse_topic(topic, PREFIX), payload, POLICY, AFTER_SEASON_MS, 16384, LICHUANG)
        if point.time_ms != time_ms:
            rejected.append((topic, payload))
    assert rejected == []


def test_mixed_stream_time_ordered(mixed_stream):
    times = [time_ms for _, _, time_ms in mixed_stream]
    assert times == sorted(times)


def test_replayed_apartments_in_stream(mixed_stream, mixed_plan):
    station = mixed_plan.city.replay_station
    assert station == "U01-S02"
    replayed_rooms = [topic for topic, _, _ in mixed_stream if f"/{station}/room/" in topic]
    replayed_meter = [topic for topic, _, _ in mixed_stream if topic.endswith(f"/{station}/meter/HM-{station}")]
    simulated_controller = [topic for topic, _, _ in mixed_stream if topic.endswith(f"/{station}/station/SC-{station}")]
    # The NYC file has 3,569 readings, all inside 2014-12-17 .. 2015-02-22; the Aalborg 2019 season is 183 days × 24 hours.
    assert len(replayed_rooms) == 3569
    assert len(replayed_meter) == 183 * 24
    assert len(simulated_controller) == mixed_plan.window.days * 96


def test_replayed_households_tallied(mixed_plan, mixed_stream):
    truth = ground_truth(mixed_plan)
    room = truth["stations"]["U01-S02"]["room"]
    assert room["household_days"] > 0
    assert 0 < room["valid"] <= room["household_days"]
    assert truth["replay_station"] == "U01-S02"


def test_message_counts_in_truth(mixed_plan, mixed_stream):
    counts = ground_truth(mixed_plan)["messages"]
    assert counts["total"] == len(mixed_stream)
    assert counts["total"] == counts["room"] + counts["station"] + counts["meter"]


def test_truth_file_written(mixed_plan, mixed_stream, tmp_path):
    path = write_ground_truth(mixed_plan, tmp_path / "truth.json")
    document = json.loads(path.read_text("utf-8"))
    assert document["format"] == "heatscore-season-ground-truth/1"
    assert document["season"]["room_interval_min"] == 60
    assert document["window"]["first_day"] == "2025-10-13"
    assert set(document["units"]) == {"U01", "U02", "CHP01"}


def test_truth_needs_finished_stream():
    plan = season_plan(CityConfig(units=1, stations_per_unit=1, households_per_station=10), faults=())
    list(islice(plan.messages(), 10))
    with pytest.raises(SeasonConfigError, match="消息流"):
        ground_truth(plan)


def test_stream_is_reproducible():
    config = CityConfig(units=1, stations_per_unit=1, households_per_station=10)
    first = [tuple(message) for message in islice(season_plan(config, faults=()).messages(), 2000)]
    second = [tuple(message) for message in islice(season_plan(config, faults=()).messages(), 2000)]
    assert first == second


def test_epoch_timestamps():
    plan = season_plan(CityConfig(units=1, stations_per_unit=1, households_per_station=10), SeasonConfig(ts_format="epoch_ms"), faults=())
    message = next(plan.messages())
    assert json.loads(message.payload)["ts"] == message.time_ms


def test_registry_csv_imports_cleanly(mixed_plan, tmp_path):
    path = mixed_plan.write_registry_csv(tmp_path / "registry.csv")
    city = mixed_plan.city
    sensors = sum(1 for household in city.households() if household.sensor)
    devices = sensors + sum(bool(s.controller) + bool(s.meter) for s in city.stations())

    with temporary_database("sqlite", tmp_path) as url:
        with registry.make_session_factory(url)() as session:
            report = registry.import_registry(session, path, "simulator")
            session.commit()

            assert report.errors == []
            assert report.warnings == []
            assert report.created == {
                "heating_units": 3, "stations": 4, "households": len(city.households()), "devices": devices,
            }
            assert registry.get_heating_unit(session, code="CHP01").kind == UnitKind.CHP_SOURCE
            replayed = city.station("U01-S02").households[0]
            sensor = registry.get_device(session, code=replayed.sensor)
            assert sensor.kind == DeviceKind.ROOM
            assert sensor.household.code == replayed.code

            excluded = [h for h in city.households() if h.exclusion == "stopped"]
            assert excluded
            stored = registry.get_household(session, code=excluded[0].code)
            assert stored.exclusion_reason == ExclusionReason.STOPPED


def test_standard_faults_need_full_city():
    with pytest.raises(SeasonConfigError, match="标准故障"):
        season_plan(CityConfig(units=2))


def test_silent_meter_stops_heat_fields():
    stop = datetime(2025, 11, 1, 0)
    plan = season_plan(
        CityConfig(units=1, stations_per_unit=1, households_per_station=10, chp_source=False),
        faults=(MeterStopped("U01-S01", stop, mode="silent"),),
    )
    stop_ms = round(stop.replace(tzinfo=SHANGHAI).timestamp() * 1000)
    meter_times = []
    controller_fields = []
    for message in plan.messages():
        if message.topic.endswith("/meter/HM-U01-S01"):
            meter_times.append(message.time_ms)
        elif message.topic.endswith("/station/SC-U01-S01"):
            controller_fields.append((message.time_ms, set(json.loads(message.payload))))

    assert max(meter_times) == stop_ms - 3_600_000
    assert all("heat_total_gj" not in fields for time_ms, fields in controller_fields if time_ms >= stop_ms)
    assert all("heat_power_kw" not in fields for time_ms, fields in controller_fields if time_ms >= stop_ms)
    assert all("heat_total_gj" in fields for time_ms, fields in controller_fields if time_ms < stop_ms)
