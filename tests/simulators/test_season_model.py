"""Heating curve, building response, positions and configuration checks of the season simulator."""

from datetime import date, datetime

import numpy as np
import pytest

from simulators.season import (
    CityConfig,
    Interruption,
    SeasonConfig,
    SeasonConfigError,
    SensorOffline,
    build_season_city,
    design_delta_c,
    heating_curve_supply_c,
    interruption_class,
)
from simulators.season.faults import check_faults
from simulators.season.physics import StationDrive, simulate_station
from simulators.season.timeline import SeasonWindow


def test_heating_curve_points():
    # 60 °C at −16.6 °C, +0.9 °C per °C colder, floor 44 °C, cap 75 °C.
    assert heating_curve_supply_c(-16.6) == pytest.approx(60.0)
    assert heating_curve_supply_c(-6.6) == pytest.approx(51.0)
    assert heating_curve_supply_c(-26.6) == pytest.approx(69.0)
    assert heating_curve_supply_c(5.0) == pytest.approx(44.0)
    assert heating_curve_supply_c(12.0) == pytest.approx(44.0)
    assert heating_curve_supply_c(-40.0) == pytest.approx(75.0)


def test_heating_curve_slope_per_degree():
    outdoor = np.array([-15.0, -14.0, -5.0, -4.0])
    supply = heating_curve_supply_c(outdoor)
    assert supply[0] - supply[1] == pytest.approx(0.9)
    assert supply[2] - supply[3] == pytest.approx(0.9)


def test_supply_return_difference():
    # 16 °C at design load, in proportion to 18 °C minus outdoor, at least 4.5 °C.
    assert design_delta_c(-16.6) == pytest.approx(16.0)
    assert design_delta_c(0.7) == pytest.approx(8.0)
    assert design_delta_c(15.0) == pytest.approx(4.5)


@pytest.mark.parametrize(
    ("index", "position", "offset"),
    [
        (20, "顶层", -3.0),  # floor 6, first of the floor: top and gable
        (21, "顶层", -2.0),  # floor 6, inner
        (0, "底层", -2.5),  # floor 1, gable
        (1, "底层", -1.5),  # floor 1, inner
        (8, "边户", -1.0),  # floor 3, gable
        (9, "中间", 0.0),  # floor 3, inner
    ],
)
def test_position_offsets(index, position, offset):
    city = build_season_city(CityConfig(units=1, stations_per_unit=1, households_per_station=24, floors=6))
    household = city.households()[index]
    assert household.position == position
    assert household.position_offset_c == offset


def test_measured_share_per_station():
    city = build_season_city(CityConfig(households_per_station=150, measured_share=0.15, excluded_share=0.02))
    for station in city.stations():
        if station.households:
            assert 22 <= len(station.measured) <= 23  # 15 % of 150, plus an excluded household forced under a sensor


def test_excluded_households_flagged():
    city = build_season_city(CityConfig(households_per_station=150, excluded_share=0.02))
    station = city.station("U01-S01")
    reasons = sorted(h.exclusion for h in station.households if h.exclusion)
    assert reasons == ["self_regulating", "stopped", "stopped"]
    assert any(h.exclusion and h.sensor for h in station.households)


def test_chp_source_unit():
    city = build_season_city(CityConfig(units=2, chp_source=True))
    source = city.unit("CHP01")
    assert source.kind == "chp_source"
    assert source.stations[0].controller is None
    assert source.stations[0].meter == "HM-CHP01-S01"
    assert source.stations[0].households == ()


def _steady_window(days: int) -> SeasonWindow:
    return SeasonWindow(first_day=date(2025, 12, 1), days=days, step_min=15)


def test_room_settles_at_nominal_on_curve():
    window = _steady_window(12)
    outdoor = np.full(window.steps, -10.0)
    drive = StationDrive(np.ones(window.steps, dtype=bool), np.zeros(window.steps), nominal_room_c=21.5)
    series = simulate_station(window, outdoor, outdoor, drive, 10_000.0, np.random.default_rng(1))
    # On the curve the room approaches nominal + 0.05 × (outdoor + 5) = 21.25 °C.
    assert series.room_c[-1] == pytest.approx(21.25, abs=0.1)
    assert series.supply_c[-96:].mean() == pytest.approx(heating_curve_supply_c(-10.0), abs=0.1)


def test_room_cools_while_stopped():
    window = _steady_window(12)
    outdoor = np.full(window.steps, -10.0)
    heating = np.ones(window.steps, dtype=bool)
    heating[10 * 96 : 10 * 96 + 120] = False  # a 30-hour stop on day 10
    drive = StationDrive(heating, np.zeros(window.steps), nominal_room_c=21.5)
    series = simulate_station(window, outdoor, outdoor, drive, 10_000.0, np.random.default_rng(1))

    before, after = series.room_c[10 * 96 - 1], series.room_c[10 * 96 + 119]
    # Towards outdoor + 6 °C = −4 °C with a 60-hour time constant: 25.25 × (1 − e^−0.5) ≈ 9.9 °C colder.
    assert before - after == pytest.approx(9.9, abs=0.3)
    assert series.flow_m3h[10 * 96 + 1] == 0.0
    assert series.supply_c[10 * 96 + 8] < 30.0


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(1.0, "short"), (3.0, "short"), (4.0, "fault"), (5.0, "fault"), (8.0, "notice"), (9.0, "notice"),
     (24.0, "notice"), (24.25, "refund"), (30.0, "refund")],
)
def test_interruption_classes(hours, expected):
    assert interruption_class(hours) == expected


def test_fault_off_the_reporting_grid_rejected():
    city = build_season_city(CityConfig(units=1, stations_per_unit=1))
    season = SeasonConfig(station_interval_min=15)
    with pytest.raises(SeasonConfigError, match="对齐"):
        check_faults(city, season, (Interruption("U01-S01", datetime(2025, 12, 1, 9, 10), hours=3),))


def test_fault_unknown_station_rejected():
    city = build_season_city(CityConfig(units=1, stations_per_unit=1))
    with pytest.raises(SeasonConfigError, match="U09-S01"):
        check_faults(city, SeasonConfig(), (Interruption("U09-S01", datetime(2025, 12, 1, 9), hours=3),))


def test_sensor_fault_needs_sensor():
    city = build_season_city(CityConfig(units=1, stations_per_unit=1))
    unmeasured = next(h for h in city.households() if h.sensor is None)
    with pytest.raises(SeasonConfigError, match="没有室温采集器"):
        check_faults(city, SeasonConfig(), (SensorOffline(unmeasured.code, datetime(2025, 12, 1), hours=2),))


def test_interval_must_divide_day():
    with pytest.raises(SeasonConfigError, match="room_interval_min"):
        SeasonConfig(room_interval_min=25)
