"""Unit conversions and hourly heat-meter quantities derived from cumulative registers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.replay.sources import MeterRegisters

HOUR_MS = 3_600_000
GJ_PER_KWH = 0.0036

# The Aalborg volume register counts in steps of 0.01 m³, so an hour with less flow than one
# step has no usable Δvolume to divide by.
DEFAULT_MIN_VOLUME_DELTA_M3 = 0.01


@dataclass(frozen=True, slots=True)
class HourlyMeterSeries:
    """One heat meter's readings per hour; the interval quantities cover the hour before ``time_ms``."""

    time_ms: np.ndarray  # int64 UTC milliseconds of each register reading
    heat_total_kwh: np.ndarray  # cumulative heat
    volume_total_m3: np.ndarray  # cumulative water volume
    power_kw: np.ndarray  # mean heat power since the previous reading, NaN for the first
    flow_m3h: np.ndarray  # mean flow since the previous reading, NaN for the first
    supply_temp_c: np.ndarray  # volume-weighted supply temperature, NaN when flow is too small
    return_temp_c: np.ndarray  # volume-weighted return temperature, NaN when flow is too small


def fahrenheit_to_celsius(temp_f: np.ndarray) -> np.ndarray:
    """Convert °F to °C."""
    return (np.asarray(temp_f, dtype=np.float64) - 32.0) * 5.0 / 9.0


def derive_hourly_meter(
    registers: MeterRegisters, min_volume_delta_m3: float = DEFAULT_MIN_VOLUME_DELTA_M3
) -> HourlyMeterSeries:
    """Derive power, flow and supply and return temperatures from cumulative registers.

    Power is Δenergy over the interval in hours and flow is Δvolume over it. The supply
    (return) temperature is Δ(Σ volume × temperature) / Δvolume. An interval whose Δvolume
    is below ``min_volume_delta_m3`` leaves both temperatures missing (NaN). A register that
    goes backwards leaves that interval's quantity missing too.
    """
    hours = np.diff(registers.time_ms) / HOUR_MS
    energy_delta = _forward_delta(registers.energy_kwh)
    volume_delta = _forward_delta(registers.volume_m3)
    supply_delta = _forward_delta(registers.supply_volume_temp_m3c)
    return_delta = _forward_delta(registers.return_volume_temp_m3c)

    enough_flow = volume_delta >= min_volume_delta_m3
    with np.errstate(invalid="ignore", divide="ignore"):
        supply_temp = np.where(enough_flow, supply_delta / volume_delta, np.nan)
        return_temp = np.where(enough_flow, return_delta / volume_delta, np.nan)

    return HourlyMeterSeries(
        time_ms=registers.time_ms,
        heat_total_kwh=registers.energy_kwh,
        volume_total_m3=registers.volume_m3,
        power_kw=_with_leading_gap(energy_delta / hours),
        flow_m3h=_with_leading_gap(volume_delta / hours),
        supply_temp_c=_with_leading_gap(supply_temp),
        return_temp_c=_with_leading_gap(return_temp),
    )


def _forward_delta(register: np.ndarray) -> np.ndarray:
    delta = np.diff(register)
    return np.where(delta >= 0.0, delta, np.nan)


def _with_leading_gap(interval_values: np.ndarray) -> np.ndarray:
    return np.concatenate(([np.nan], interval_values))
