"""Readings of a simulated city, day by day, with the ground truth they imply.

Room sensors report every 15 minutes. Each household has a base temperature (a few are
deliberately cold), a daily swing and sensor noise; about 1 % of readings carry the
sensor-fault flag, and some sensors go silent for part of a day, which makes that
household-day invalid. Stations report secondary supply and return temperature, flow,
heat power, cumulative heat and the outdoor temperature. The ground truth is computed
here by plain per-household-day arithmetic, independently of heatscore's scoring code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from simulators.city import SimCity, SimHousehold, SimStation

INTERVAL_MIN = 15
SLOTS_PER_DAY = 24 * 60 // INTERVAL_MIN
FAULT_SHARE = 0.01
OUTAGE_SHARE = 0.02  # household-days on which the sensor stops at some hour
COMPLIANCE_FLOOR_C = 18.0
MIN_VALID_READINGS = math.ceil(0.75 * SLOTS_PER_DAY)


@dataclass(slots=True)
class Message:
    """One MQTT publication."""

    topic: str
    payload: bytes
    time_ms: int


@dataclass
class GroundTruth:
    """Per household-day facts and per-unit 室温达标率 as the simulator produced them."""

    household_days: list[dict] = field(default_factory=list)

    def unit_rates(self) -> dict[str, dict]:
        """Return valid and compliant household-days and their ratio per heating unit."""
        units: dict[str, dict] = {}
        for row in self.household_days:
            entry = units.setdefault(row["unit"], {"valid": 0, "compliant": 0})
            entry["valid"] += row["valid"]
            entry["compliant"] += row["compliant"]
        for entry in units.values():
            entry["rate"] = entry["compliant"] / entry["valid"] if entry["valid"] else None
        return units

    def write(self, path, city: SimCity, start: date, days: int) -> None:
        """Write the city, the period and the ground truth as JSON."""
        document = {
            "period": {"start": start.isoformat(), "days": days, "zone": "Asia/Shanghai"},
            "definition": "household-day valid with >= 72 of 96 usable readings; compliant when mean rounded to 0.01 >= 18 °C",
            "city": city.to_dict(),
            "unit_rates": self.unit_rates(),
            "household_days": self.household_days,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")


def outdoor_temp_c(moment_h: np.ndarray) -> np.ndarray:
    """Return a plausible Baotou winter outdoor temperature for hours since the period start."""
    daily = -4.0 * np.cos(2 * np.pi * ((moment_h % 24) - 3) / 24)
    weather = -3.0 * np.sin(2 * np.pi * moment_h / (24 * 6.5))
    return -11.0 + daily + weather


def generate(
    city: SimCity, start: date, days: int, zone: ZoneInfo, prefix: str, seed: int = 7
) -> tuple[Iterator[Message], GroundTruth]:
    """Return a lazy stream of messages, in time order within each day, and the ground truth.

    The ground truth fills up as the stream is consumed.
    """
    truth = GroundTruth()
    rng = np.random.default_rng(seed)
    return _stream(city, start, days, zone, prefix, rng, truth), truth


def _stream(city, start, days, zone, prefix, rng, truth) -> Iterator[Message]:  # noqa: ANN001
    heat_totals_gj = {station.code: 1000.0 for station in city.stations()}
    for offset in range(days):
        local_day = start + timedelta(days=offset)
        day_start = datetime.combine(local_day, time(0), tzinfo=zone)
        day_start_ms = int(day_start.timestamp() * 1000)
        slot_ms = day_start_ms + np.arange(SLOTS_PER_DAY, dtype=np.int64) * INTERVAL_MIN * 60_000
        hours = offset * 24 + np.arange(SLOTS_PER_DAY) * INTERVAL_MIN / 60

        messages: list[Message] = []
        for station in city.stations():
            messages.extend(_station_messages(station, slot_ms, hours, zone, prefix, rng, heat_totals_gj))
            for household in station.households:
                if household.sensor:
                    messages.extend(_room_messages(household, local_day, slot_ms, hours, zone, prefix, rng, truth))
        messages.sort(key=lambda message: message.time_ms)
        yield from messages


def _iso(time_ms: int, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(time_ms / 1000, tz=zone).isoformat()


def _room_messages(
    household: SimHousehold,
    local_day: date,
    slot_ms: np.ndarray,
    hours: np.ndarray,
    zone: ZoneInfo,
    prefix: str,
    rng: np.random.Generator,
    truth: GroundTruth,
) -> list[Message]:
    swing = 0.7 * np.sin(2 * np.pi * ((hours % 24) - 9) / 24)
    temps = np.round(household.base_temp_c + swing + rng.normal(0.0, 0.3, SLOTS_PER_DAY), 2)
    faults = rng.random(SLOTS_PER_DAY) < FAULT_SHARE
    present = np.ones(SLOTS_PER_DAY, dtype=bool)
    if rng.random() < OUTAGE_SHARE:
        present[rng.integers(8, SLOTS_PER_DAY - 8):] = False

    topic = f"{prefix}/{household.unit}/{household.station}/room/{household.sensor}"
    messages = []
    usable = []
    for slot in np.flatnonzero(present):
        body = {
            "ts": _iso(int(slot_ms[slot]), zone),
            "household": household.code,
            "temp_c": float(temps[slot]),
            "sensor_fault": bool(faults[slot]),
        }
        messages.append(Message(topic, json.dumps(body).encode(), int(slot_ms[slot])))
        if not faults[slot]:
            usable.append(float(temps[slot]))

    mean = sum(usable) / len(usable) if usable else None
    valid = len(usable) >= MIN_VALID_READINGS
    truth.household_days.append(
        {
            "unit": household.unit,
            "station": household.station,
            "household": household.code,
            "day": local_day.isoformat(),
            "usable_readings": len(usable),
            "mean_temp_c": mean,
            "valid": int(valid),
            "compliant": int(valid and mean is not None and round(mean, 2) >= COMPLIANCE_FLOOR_C),
        }
    )
    return messages


def _station_messages(
    station: SimStation,
    slot_ms: np.ndarray,
    hours: np.ndarray,
    zone: ZoneInfo,
    prefix: str,
    rng: np.random.Generator,
    heat_totals_gj: dict[str, float],
) -> list[Message]:
    outdoor = outdoor_temp_c(hours)
    # Heating curve: secondary supply rises about 0.8 °C per °C of outdoor drop.
    supply = 45.0 + 0.8 * (-5.0 - outdoor) + rng.normal(0.0, 0.4, hours.size)
    returned = supply - 8.0 - 0.15 * (-5.0 - outdoor) + rng.normal(0.0, 0.3, hours.size)
    flow = 120.0 + rng.normal(0.0, 2.0, hours.size)
    power_kw = flow * (supply - returned) * 1.163
    heat_gj = heat_totals_gj[station.code] + np.cumsum(power_kw * INTERVAL_MIN / 60 * 0.0036)
    heat_totals_gj[station.code] = float(heat_gj[-1])

    topic = f"{prefix}/{station.unit}/{station.code}/station/{station.device}"
    messages = []
    for slot in range(hours.size):
        body = {
            "ts": _iso(int(slot_ms[slot]), zone),
            "secondary_supply_temp_c": round(float(supply[slot]), 2),
            "secondary_return_temp_c": round(float(returned[slot]), 2),
            "flow_m3h": round(float(flow[slot]), 2),
            "heat_power_kw": round(float(power_kw[slot]), 1),
            "heat_total_gj": round(float(heat_gj[slot]), 4),
            "outdoor_temp_c": round(float(outdoor[slot]), 2),
        }
        messages.append(Message(topic, json.dumps(body).encode(), int(slot_ms[slot])))
    return messages
