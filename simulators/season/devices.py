"""Readings of station controllers and heat meters, one generator per device, in time order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from ingest.topics import DeviceKind, DeviceTopic
from simulators.season.city import SeasonStation
from simulators.season.faults import MeterStopped, local_ms
from simulators.season.physics import GJ_PER_KWH, KW_PER_M3H_K, StationSeries
from simulators.season.timeline import SeasonWindow

CHP_LOSS_FACTOR = 1.08  # heat leaving the source per unit of heat delivered at the stations
CHP_SUPPLY_AT_DESIGN_C = 110.0
CHP_SUPPLY_MIN_C = 75.0
CHP_RETURN_C = 45.0


class SeasonMessage(NamedTuple):
    """One MQTT publication: topic, JSON payload in the ingest wire format, reading time in UTC ms."""

    topic: str
    payload: bytes
    time_ms: int


def device_topic(prefix: str, unit: str, station: str, kind: DeviceKind, device: str) -> str:
    """Render the topic a device publishes under."""
    return DeviceTopic(unit, station, kind, device).render(prefix)


def controller_readings(
    station: SeasonStation,
    series: StationSeries,
    outdoor_c: np.ndarray,
    window: SeasonWindow,
    stride: int,
    prefix: str,
    meter_stop: MeterStopped | None,
) -> Iterator[SeasonMessage]:
    """Yield a station controller's readings every ``stride`` steps."""
    topic = device_topic(prefix, station.unit, station.code, DeviceKind.STATION, station.controller or "")
    steps = range(0, window.steps, stride)
    supply = np.round(series.supply_c[::stride], 2).tolist()
    returned = np.round(series.return_c[::stride], 2).tolist()
    flow = np.round(series.flow_m3h[::stride], 2).tolist()
    power = np.round(series.power_kw[::stride], 1).tolist()
    heat = np.round(series.heat_total_gj[::stride], 4).tolist()
    outdoor = np.round(outdoor_c[::stride], 1).tolist()
    stop_step = window.step_of(local_ms(meter_stop.start)) if meter_stop else window.steps
    ts_tokens = window.ts_tokens
    time_ms = window.time_list

    for position, step in enumerate(steps):
        head = (
            f'{{"ts":{ts_tokens[step]},"secondary_supply_temp_c":{supply[position]},'
            f'"secondary_return_temp_c":{returned[position]},"flow_m3h":{flow[position]},'
        )
        if step < stop_step:
            metering = f'"heat_power_kw":{power[position]},"heat_total_gj":{heat[position]},'
        elif meter_stop is not None and meter_stop.mode == "flat":
            metering = f'"heat_power_kw":0.0,"heat_total_gj":{round(float(series.heat_total_gj[stop_step - 1]), 4)},'
        else:
            metering = ""
        payload = f'{head}{metering}"outdoor_temp_c":{outdoor[position]}}}'
        yield SeasonMessage(topic, payload.encode(), time_ms[step])


def meter_readings(
    station: SeasonStation,
    series: StationSeries,
    window: SeasonWindow,
    stride: int,
    prefix: str,
    meter_stop: MeterStopped | None,
) -> Iterator[SeasonMessage]:
    """Yield a station heat meter's readings every ``stride`` steps, frozen or silent after a stop."""
    topic = device_topic(prefix, station.unit, station.code, DeviceKind.METER, station.meter or "")
    stop_step = window.step_of(local_ms(meter_stop.start)) if meter_stop else window.steps
    heat_kwh = np.round(series.heat_total_gj / GJ_PER_KWH, 1).tolist()
    volume = np.round(series.volume_total_m3, 2).tolist()
    power = np.round(series.power_kw, 1).tolist()
    flow = np.round(series.flow_m3h, 2).tolist()
    supply = np.round(series.supply_c, 2).tolist()
    returned = np.round(series.return_c, 2).tolist()
    ts_tokens = window.ts_tokens
    time_ms = window.time_list

    for step in range(0, window.steps, stride):
        if step < stop_step:
            payload = (
                f'{{"ts":{ts_tokens[step]},"heat_total_kwh":{heat_kwh[step]},"power_kw":{power[step]},'
                f'"flow_m3h":{flow[step]},"volume_total_m3":{volume[step]},'
                f'"supply_temp_c":{supply[step]},"return_temp_c":{returned[step]}}}'
            )
        elif meter_stop is not None and meter_stop.mode == "flat":
            frozen = stop_step - 1
            payload = (
                f'{{"ts":{ts_tokens[step]},"heat_total_kwh":{heat_kwh[frozen]},"power_kw":0.0,'
                f'"flow_m3h":0.0,"volume_total_m3":{volume[frozen]}}}'
            )
        else:
            return
        yield SeasonMessage(topic, payload.encode(), time_ms[step])


def source_series(station_powers_kw: list[np.ndarray], controller_c: np.ndarray, window: SeasonWindow) -> StationSeries:
    """Return the CHP source's heat meter series: the heating units' station heat plus network losses."""
    power = CHP_LOSS_FACTOR * np.sum(station_powers_kw, axis=0) if station_powers_kw else np.zeros(window.steps)
    supply = np.clip(CHP_SUPPLY_MIN_C + 1.6 * (5.0 - controller_c), CHP_SUPPLY_MIN_C, CHP_SUPPLY_AT_DESIGN_C)
    returned = np.full(window.steps, CHP_RETURN_C)
    flow = power / (KW_PER_M3H_K * (supply - returned))
    step_h = window.step_min / 60.0
    heat_total = 250_000.0 + np.cumsum(power * step_h * GJ_PER_KWH)
    volume_total = 1_000_000.0 + np.cumsum(flow * step_h)
    room = np.full(window.steps, np.nan)
    return StationSeries(supply, returned, flow, power, heat_total, volume_total, room)
