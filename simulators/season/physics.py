"""Physics-lite heat station and building model on the window grid.

A station follows a heating curve (质调节, constant flow): the secondary supply temperature
is set from the controller's outdoor temperature, the supply-return difference grows with
the heat load, and the flow stays at its design value while heating. Heat power is
1.163 kW per m³/h and °C of difference.

The rooms of a station respond to the radiators' mean water temperature through a
first-order building model. In steady state, radiator output a·(Tw − T) balances the
loss (T − T_out − g), so T = (a·Tw + T_out + g) / (1 + a), where g is the lift from internal
gains and neighbours. The radiator factor a is calibrated so that on the heating curve the
room sits at the station's nominal temperature, slightly warmer in mild weather. The room
approaches that equilibrium with a time constant of BUILDING_TAU_H / (1 + a), so an
unheated building cools slowly and a heated one warms up in about a day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulators.season.timeline import SeasonWindow

# Heating curve: 60 °C secondary supply at Baotou's design outdoor temperature, rising
# 0.9 °C per °C of outdoor drop, never below 44 °C so mild days stay clearly heated (> 40 °C).
DESIGN_OUTDOOR_C = -16.6
DESIGN_SUPPLY_C = 60.0
CURVE_SLOPE = 0.9
MIN_SUPPLY_C = 44.0
MAX_SUPPLY_C = 75.0
# The controller lowers its setpoint by at most 0.5 °C per hour, so a sudden warm spell
# never looks like an interruption (10 °C below the station's trailing 24-hour median).
MAX_SETPOINT_FALL_C_PER_H = 0.5
HELD_LOW_FLOOR_C = 42.0  # a station held low still heats: its supply stays above the 40 °C heated limit
# Supply minus return: 16 °C at design load, proportional to 18 °C minus outdoor, at least 4.5 °C.
DESIGN_DELTA_C = 16.0
MIN_DELTA_C = 4.5
BALANCE_POINT_C = 18.0

DESIGN_HEAT_LOAD_W_M2 = 45.0
KW_PER_M3H_K = 1.163
GJ_PER_KWH = 0.0036

AMBIENT_WATER_C = 20.0  # water in the station's pipes when nothing circulates
WATER_TAU_H = 1.0  # cooling of that water after a stop
INTERNAL_GAIN_C = 6.0  # g above: lift of an unheated flat over outdoor air
BUILDING_TAU_H = 60.0  # time constant of an unheated building
WEATHER_SENSITIVITY = 0.05  # room °C per outdoor °C above −5 °C, on the curve
WEATHER_REFERENCE_C = -5.0


def heating_curve_supply_c(outdoor_c: np.ndarray | float) -> np.ndarray:
    """Return the secondary supply temperature the heating curve sets for an outdoor temperature."""
    supply = DESIGN_SUPPLY_C + CURVE_SLOPE * (DESIGN_OUTDOOR_C - np.asarray(outdoor_c, dtype=np.float64))
    return np.clip(supply, MIN_SUPPLY_C, MAX_SUPPLY_C)


def design_delta_c(outdoor_c: np.ndarray | float) -> np.ndarray:
    """Return the supply-return difference at full flow for an outdoor temperature."""
    load_share = (BALANCE_POINT_C - np.asarray(outdoor_c, dtype=np.float64)) / (BALANCE_POINT_C - DESIGN_OUTDOOR_C)
    return np.maximum(MIN_DELTA_C, DESIGN_DELTA_C * load_share)


def design_flow_m3h(heated_area_m2: float) -> float:
    """Return a station's constant design flow from its heated area."""
    design_power_kw = heated_area_m2 * DESIGN_HEAT_LOAD_W_M2 / 1000.0
    return design_power_kw / (KW_PER_M3H_K * DESIGN_DELTA_C)


@dataclass(frozen=True, slots=True)
class StationDrive:
    """The operating commands of a station at every step of the window."""

    heating: np.ndarray  # bool, hot water circulating (off before start, after stop, in interruptions)
    supply_drop_c: np.ndarray  # float64, supply held below the curve
    nominal_room_c: float  # room temperature of a middle household on the curve


@dataclass(frozen=True, slots=True)
class StationSeries:
    """A station's simulated state at every step of the window."""

    supply_c: np.ndarray
    return_c: np.ndarray
    flow_m3h: np.ndarray
    power_kw: np.ndarray
    heat_total_gj: np.ndarray
    volume_total_m3: np.ndarray
    room_c: np.ndarray  # room temperature of a middle household before its own offsets and noise


def simulate_station(
    window: SeasonWindow,
    outdoor_c: np.ndarray,
    controller_c: np.ndarray,
    drive: StationDrive,
    heated_area_m2: float,
    rng: np.random.Generator,
) -> StationSeries:
    """Simulate one station's water temperatures, flow, heat and room temperature over the window."""
    curve_supply = heating_curve_supply_c(controller_c)
    curve_delta = design_delta_c(controller_c)
    held_supply = np.where(drive.supply_drop_c > 0, np.maximum(curve_supply - drive.supply_drop_c, HELD_LOW_FLOOR_C), curve_supply)
    setpoint = _limit_fall(held_supply, MAX_SETPOINT_FALL_C_PER_H * window.step_min / 60.0)
    target_supply = setpoint + rng.normal(0.0, 0.3, window.steps)
    held_share = np.clip((target_supply - AMBIENT_WATER_C) / (curve_supply - AMBIENT_WATER_C), 0.3, 1.0)
    target_delta = curve_delta * held_share + rng.normal(0.0, 0.15, window.steps)

    room_target = drive.nominal_room_c + np.clip(WEATHER_SENSITIVITY * (controller_c - WEATHER_REFERENCE_C), -1.0, 1.0)
    curve_mean_water = curve_supply - curve_delta / 2.0
    radiator_factor = np.maximum(
        0.05, (room_target - controller_c - INTERNAL_GAIN_C) / np.maximum(curve_mean_water - room_target, 1.0)
    )

    supply, returned, room = _integrate(window, outdoor_c, drive.heating, target_supply, target_delta, radiator_factor)

    flow = np.where(drive.heating, design_flow_m3h(heated_area_m2) * (1.0 + rng.normal(0.0, 0.01, window.steps)), 0.0)
    power = np.maximum(0.0, KW_PER_M3H_K * flow * (supply - returned))
    step_h = window.step_min / 60.0
    heat_total = 1000.0 + heated_area_m2 * 0.05 + np.cumsum(power * step_h * GJ_PER_KWH)
    volume_total = 5000.0 + np.cumsum(flow * step_h)
    return StationSeries(supply, returned, flow, power, heat_total, volume_total, room)


def _limit_fall(values: np.ndarray, max_fall: float) -> np.ndarray:
    """Return the values with every step's fall limited to ``max_fall``; rises pass unchanged."""
    limited = values.tolist()
    for k in range(1, len(limited)):
        limited[k] = max(limited[k], limited[k - 1] - max_fall)
    return np.array(limited)


def _integrate(
    window: SeasonWindow,
    outdoor_c: np.ndarray,
    heating: np.ndarray,
    target_supply: np.ndarray,
    target_delta: np.ndarray,
    radiator_factor: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step the water and room temperatures through the window.

    While heating, the water takes its target at once. While stopped, it cools towards
    AMBIENT_WATER_C and the radiators give nothing, so rooms drift towards outdoor + g.
    """
    step_h = window.step_min / 60.0
    water_decay = math.exp(-step_h / WATER_TAU_H)
    supply = np.empty(window.steps)
    returned = np.empty(window.steps)
    room = np.empty(window.steps)

    heating_list = heating.tolist()
    target_supply_list = target_supply.tolist()
    target_delta_list = target_delta.tolist()
    factor_list = radiator_factor.tolist()
    outdoor_list = outdoor_c.tolist()
    water_supply = AMBIENT_WATER_C
    water_return = AMBIENT_WATER_C - 0.3
    room_now = outdoor_list[0] + INTERNAL_GAIN_C + 4.0
    for k in range(window.steps):
        if heating_list[k]:
            water_supply = target_supply_list[k]
            water_return = water_supply - target_delta_list[k]
            factor = factor_list[k]
        else:
            water_supply = AMBIENT_WATER_C + (water_supply - AMBIENT_WATER_C) * water_decay
            water_return = AMBIENT_WATER_C - 0.3 + (water_return - AMBIENT_WATER_C + 0.3) * water_decay
            factor = 0.0
        mean_water = (water_supply + water_return) / 2.0
        equilibrium = (factor * mean_water + outdoor_list[k] + INTERNAL_GAIN_C) / (1.0 + factor)
        room_now = equilibrium + (room_now - equilibrium) * math.exp(-step_h * (1.0 + factor) / BUILDING_TAU_H)
        supply[k] = water_supply
        returned[k] = water_return
        room[k] = room_now
    return supply, returned, room
