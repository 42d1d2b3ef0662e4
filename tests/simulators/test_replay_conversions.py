"""Pure replay logic on hand-computed values: °F, meter deltas, time shift, payload encoding."""

from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from ingest.payloads import MeterPayload, StationPayload
from simulators.replay import MeterRegisters, ReplayPlan, ReplayPlanError, RoomSensorReplay, TimeShift
from simulators.replay import derive_hourly_meter, fahrenheit_to_celsius, season_shift, season_window_ms
from simulators.replay.payloads import encode_payload, format_timestamp
from simulators.replay.stream import _join_by_time

HOUR_MS = 3_600_000
BAOTOU = timezone(timedelta(hours=8))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp()) * 1000


@pytest.mark.parametrize(
    ("temp_f", "temp_c"), [(32.0, 0.0), (212.0, 100.0), (64.4, 18.0), (-40.0, -40.0), (75.2, 24.0), (50.0, 10.0)]
)
def test_fahrenheit_to_celsius(temp_f: float, temp_c: float) -> None:
    assert fahrenheit_to_celsius(np.array([temp_f]))[0] == pytest.approx(temp_c, abs=1e-12)


def test_meter_deltas_hand_computed() -> None:
    # Four readings one hour apart; the third interval has too little flow for temperatures.
    registers = MeterRegisters(
        time_ms=np.array([0, 1, 2, 3], dtype=np.int64) * HOUR_MS,
        energy_kwh=np.array([100.0, 102.5, 106.0, 106.0]),
        volume_m3=np.array([10.0, 10.05, 10.15, 10.155]),
        supply_volume_temp_m3c=np.array([700.0, 703.5, 710.0, 710.5]),
        return_volume_temp_m3c=np.array([300.0, 301.5, 304.5, 304.7]),
    )

    series = derive_hourly_meter(registers, min_volume_delta_m3=0.01)

    assert series.heat_total_kwh.tolist() == [100.0, 102.5, 106.0, 106.0]
    assert series.volume_total_m3.tolist() == [10.0, 10.05, 10.15, 10.155]
    assert np.isnan(series.power_kw[0])
    assert series.power_kw[1:] == pytest.approx([2.5, 3.5, 0.0])
    assert series.flow_m3h[1:] == pytest.approx([0.05, 0.1, 0.005])
    assert series.supply_temp_c[1:3] == pytest.approx([70.0, 65.0])
    assert series.return_temp_c[1:3] == pytest.approx([30.0, 30.0])
    assert np.isnan(series.supply_temp_c[3])
    assert np.isnan(series.return_temp_c[3])


def test_meter_power_over_two_hour_interval() -> None:
    registers = MeterRegisters(
        time_ms=np.array([0, 2 * HOUR_MS], dtype=np.int64),
        energy_kwh=np.array([0.0, 6.0]),
        volume_m3=np.array([0.0, 0.2]),
        supply_volume_temp_m3c=np.array([0.0, 14.0]),
        return_volume_temp_m3c=np.array([0.0, 7.0]),
    )

    series = derive_hourly_meter(registers)

    assert series.power_kw[1] == pytest.approx(3.0)
    assert series.flow_m3h[1] == pytest.approx(0.1)
    assert series.supply_temp_c[1] == pytest.approx(70.0)
    assert series.return_temp_c[1] == pytest.approx(35.0)


def test_meter_register_going_backwards_is_missing() -> None:
    registers = MeterRegisters(
        time_ms=np.array([0, HOUR_MS], dtype=np.int64),
        energy_kwh=np.array([10.0, 9.0]),
        volume_m3=np.array([1.0, 1.1]),
        supply_volume_temp_m3c=np.array([70.0, 77.0]),
        return_volume_temp_m3c=np.array([30.0, 33.0]),
    )

    series = derive_hourly_meter(registers)

    assert np.isnan(series.power_kw[1])
    assert series.supply_temp_c[1] == pytest.approx(70.0)


def test_season_shift_whole_weeks() -> None:
    # 2014-10-15 to 2024-10-15 is 3,653 days; the nearest whole number of weeks is 522.
    shift = season_shift(2014, 2024, source_utc_offset_h=-5.0)

    assert shift.weeks == 522
    assert shift.offset_ms == 522 * 7 * 24 * HOUR_MS - 13 * HOUR_MS


def test_season_shift_keeps_local_wall_clock() -> None:
    # Wednesday 2014-12-17 07:30 in New York (UTC-5) replays as Wednesday 07:30 in Baotou.
    source = datetime(2014, 12, 17, 7, 30, tzinfo=timezone(timedelta(hours=-5)))
    shift = season_shift(2014, 2024, source_utc_offset_h=-5.0)

    replayed = datetime.fromtimestamp(int(shift.apply(np.array([_ms(source)]))[0]) / 1000, tz=BAOTOU)

    assert replayed.replace(tzinfo=None) == datetime(2024, 12, 18, 7, 30)
    assert replayed.weekday() == source.weekday() == 2


def test_time_shift_same_zone_is_whole_weeks() -> None:
    assert TimeShift(weeks=2, source_utc_offset_h=8.0).offset_ms == 14 * 24 * HOUR_MS


def test_season_window_bounds() -> None:
    start_ms, end_ms = season_window_ms(2024)

    assert start_ms == _ms(datetime(2024, 10, 15, tzinfo=BAOTOU))
    assert end_ms == _ms(datetime(2025, 4, 16, tzinfo=BAOTOU))


def test_timestamp_formats() -> None:
    moment_ms = _ms(datetime(2024, 12, 18, 7, 30, tzinfo=BAOTOU))

    assert format_timestamp(moment_ms, "iso") == "2024-12-18T07:30:00+08:00"
    assert format_timestamp(moment_ms + 67, "iso") == "2024-12-18T07:30:00.067+08:00"
    assert format_timestamp(moment_ms, "epoch_ms") == moment_ms


def test_payload_drops_missing_and_out_of_range() -> None:
    left_out: Counter[str] = Counter()
    values = {"supply_temp_c": 761.4, "return_temp_c": float("nan"), "power_kw": 1.23456}

    payload = encode_payload(MeterPayload, "2024-12-18T07:30:00+08:00", values, {}, left_out)

    assert payload == b'{"ts":"2024-12-18T07:30:00+08:00","power_kw":1.235}'
    assert left_out == Counter({"supply_temp_c": 1})


def test_payload_uses_station_range() -> None:
    left_out: Counter[str] = Counter()
    values = {"secondary_supply_temp_c": 160.0, "outdoor_temp_c": -61.0}

    payload = encode_payload(StationPayload, 0, values, {}, left_out)

    assert payload is None
    assert left_out == Counter({"secondary_supply_temp_c": 1, "outdoor_temp_c": 1})


def test_join_by_time_pairs_equal_hours() -> None:
    meter_times = np.array([0, 1, 2, 4], dtype=np.int64) * HOUR_MS
    weather_times = np.array([10, 12, 13], dtype=np.int64) * HOUR_MS

    joined = list(_join_by_time((meter_times, HOUR_MS), (weather_times, -9 * HOUR_MS), (HOUR_MS, 5 * HOUR_MS)))

    assert joined == [
        (1 * HOUR_MS, 0, 0),
        (2 * HOUR_MS, 1, None),
        (3 * HOUR_MS, 2, 1),
        (4 * HOUR_MS, None, 2),
    ]


def test_plan_rejects_invalid_identifier() -> None:
    room = RoomSensorReplay(unit="BT U1", station="S1", device="RS1", household="H1", apartment="119")

    with pytest.raises(ReplayPlanError, match="供热单位 'BT U1' 无效"):
        ReplayPlan(target_season_year=2024, rooms=(room,))
