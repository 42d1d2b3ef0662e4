"""Room sensor readings of simulated households, produced one local day at a time.

A household's room temperature is its station's room temperature plus the household's
offsets (position, its own spread, building faults, 报停 or 自主调节), a daily swing
(coolest at 06:00, warmest at 18:00) and sensor noise. Each day's readings are tallied
into the ground truth as they are produced, so the tally matches the stream exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from ingest.topics import DeviceKind
from simulators.season.city import SeasonHousehold
from simulators.season.devices import SeasonMessage, device_topic
from simulators.season.faults import (
    ColdBuilding,
    Fault,
    OverheatedBuilding,
    RadiatorSensor,
    SensorFaultFlag,
    SensorOffline,
    SparseSensor,
    local_ms,
)
from simulators.season.physics import StationSeries
from simulators.season.timeline import SeasonWindow
from simulators.season.truth import RoomTally

STOPPED_OFFSET_C = -8.0  # 报停: radiators shut, warmed only by the neighbours
SELF_REGULATING_OFFSET_C = 2.0  # 自主调节: the household turns its own valves up
PERSONAL_SPREAD_C = 0.7
RADIATOR_BELOW_WATER_C = 3.0  # a sensor on a radiator reads a little under the mean water temperature
FROZEN_FAULT_READING_C = -5.0
ROOM_LIMITS_C = (-40.0, 60.0)  # the range the ingest room payload accepts


@dataclass(frozen=True, slots=True)
class SensorFaults:
    """The sensor faults of one household, as step masks over the whole window."""

    offline: np.ndarray  # bool, nothing sent
    flagged: np.ndarray  # bool, sensor_fault true and a frozen reading
    radiator_from_step: int | None
    kept_share: float  # 1.0 unless the sensor is sparse


def household_offset_c(household: SeasonHousehold, faults: tuple[Fault, ...], rng: np.random.Generator) -> float:
    """Return a household's constant room temperature offset from its station's middle household."""
    offset = household.position_offset_c + float(np.clip(rng.normal(0.0, PERSONAL_SPREAD_C), -1.8, 1.8))
    for fault in faults:
        if isinstance(fault, (ColdBuilding, OverheatedBuilding)) and fault.station == household.station:
            offset += fault.offset_c
    if household.exclusion == "stopped":
        offset += STOPPED_OFFSET_C
    elif household.exclusion == "self_regulating":
        offset += SELF_REGULATING_OFFSET_C
    return offset


def sensor_faults(household: SeasonHousehold, faults: tuple[Fault, ...], window: SeasonWindow) -> SensorFaults:
    """Collect a household's sensor faults as masks over the window."""
    offline = np.zeros(window.steps, dtype=bool)
    flagged = np.zeros(window.steps, dtype=bool)
    radiator_from_step = None
    kept_share = 1.0
    for fault in faults:
        if getattr(fault, "household", None) != household.code:
            continue
        if isinstance(fault, (SensorOffline, SensorFaultFlag)):
            begin = window.step_of(local_ms(fault.start))
            end = window.step_of(local_ms(fault.start + timedelta(hours=fault.hours)))
            (offline if isinstance(fault, SensorOffline) else flagged)[begin:end] = True
        elif isinstance(fault, RadiatorSensor):
            radiator_from_step = max(0, window.day_index(fault.first_day)) * window.steps_per_day
        elif isinstance(fault, SparseSensor):
            kept_share = fault.kept_share
    return SensorFaults(offline, flagged, radiator_from_step, kept_share)


def room_readings(
    household: SeasonHousehold,
    series: StationSeries,
    window: SeasonWindow,
    stride: int,
    prefix: str,
    offset_c: float,
    faults: SensorFaults,
    rng: np.random.Generator,
    tally: RoomTally,
) -> Iterator[SeasonMessage]:
    """Yield a household's room readings every ``stride`` steps, day by day, tallying each day."""
    topic = device_topic(prefix, household.unit, household.station, DeviceKind.ROOM, household.sensor or "")
    label = f'"household":"{household.code}"'
    amplitude = rng.uniform(0.5, 1.0)
    noise_sd = rng.uniform(0.2, 0.35)
    per_day = window.steps_per_day // stride
    ts_tokens = window.ts_tokens
    time_ms = window.time_list

    for day in range(window.days):
        steps = np.arange(day * window.steps_per_day, (day + 1) * window.steps_per_day, stride)
        swing = amplitude * np.sin(2.0 * math.pi * (window.hour_of_day[steps] - 12.0) / 24.0)
        temps = series.room_c[steps] + offset_c + swing + rng.normal(0.0, noise_sd, per_day)
        if faults.radiator_from_step is not None:
            mean_water = (series.supply_c[steps] + series.return_c[steps]) / 2.0 - RADIATOR_BELOW_WATER_C
            temps = np.where(steps >= faults.radiator_from_step, np.maximum(temps, mean_water), temps)
        flagged = faults.flagged[steps]
        temps = np.where(flagged, FROZEN_FAULT_READING_C + rng.normal(0.0, 0.05, per_day), temps)
        temps = np.round(np.clip(temps, *ROOM_LIMITS_C), 2)

        present = ~faults.offline[steps]
        if faults.kept_share < 1.0:
            present &= rng.random(per_day) < faults.kept_share
        tally.add_day(household, day, temps[present], flagged[present])

        values = temps.tolist()
        flags = flagged.tolist()
        step_list = steps.tolist()
        for position in np.flatnonzero(present).tolist():
            step = step_list[position]
            fault_text = "true" if flags[position] else "false"
            payload = f'{{"ts":{ts_tokens[step]},{label},"temp_c":{values[position]},"sensor_fault":{fault_text}}}'
            yield SeasonMessage(topic, payload.encode(), time_ms[step])
