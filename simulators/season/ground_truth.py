"""The ground-truth document of a streamed season plan: faults, where they act, and expected outcomes."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np

from simulators.replay.shift import season_shift
from simulators.season.config import SeasonConfigError
from simulators.season.faults import (
    ColdBuilding,
    EarlyExtendedHeating,
    Interruption,
    LateStart,
    LowTemperaturePeriod,
    MeterStopped,
    OverheatedBuilding,
    RadiatorSensor,
    describe_fault,
    local_iso,
    local_naive,
)
from simulators.season.plan import SeasonPlan
from simulators.season.truth import DESIGN_OUTDOOR_C, extreme_cold_days, heated_days, heating_outcome
from simulators.weather import SHENYANG_UTC_OFFSET_H

FORMAT = "heatscore-season-ground-truth/1"
INTERRUPTION_CLASS_LIMITS_H = (4.0, 8.0, 24.0)


def interruption_class(hours: float) -> str:
    """Return the duration class: short (< 4 h), fault (4 to < 8 h), notice (8 to 24 h) or refund (> 24 h)."""
    fault_h, notice_h, refund_h = INTERRUPTION_CLASS_LIMITS_H
    if hours > refund_h:
        return "refund"
    if hours >= notice_h:
        return "notice"
    if hours >= fault_h:
        return "fault"
    return "short"


def ground_truth(plan: SeasonPlan) -> dict:
    """Build the ground truth of a plan whose ``messages()`` stream has run to its end."""
    if plan.tally is None:
        raise SeasonConfigError("请先把 messages() 的消息流完整读完，再生成真值文件：室温户日是在生成消息时统计的")
    window, season = plan.window, plan.season
    extreme = extreme_cold_days(plan.outdoor_c, window, plan.station_stride)
    stations = {code: _station_truth(plan, code, extreme) for code in plan.city.stations_by_code}

    units = {}
    for unit in plan.city.units:
        codes = [station.code for station in unit.stations]
        room = plan.tally.summary(codes, extreme)
        rate = room["compliant_rate"]
        units[unit.code] = {
            "kind": unit.kind,
            "stations": codes,
            "room": room,
            "room_compliance_below_90": None if rate is None else rate < 0.9,
        }

    shift = season_shift(season.weather_season_year, season.season_year, SHENYANG_UTC_OFFSET_H)
    season_days = slice(window.day_index(season.official_start), window.day_index(season.official_end) + 1)
    return {
        "format": FORMAT,
        "season": {
            "season_year": season.season_year,
            "official_start": season.official_start.isoformat(),
            "official_end": season.official_end.isoformat(),
            "zone": "Asia/Shanghai",
            "room_interval_min": season.room_interval_min,
            "station_interval_min": season.station_interval_min,
            "meter_interval_min": season.meter_interval_min,
            "prefix": season.prefix,
        },
        "window": {
            "first_day": window.first_day.isoformat(),
            "last_day": window.day(window.days - 1).isoformat(),
            "days": window.days,
        },
        "outdoor": {
            "source": f"沈阳逐时气温 {season.weather_season_year} 采暖季，平移 {shift.weeks} 周",
            "season_mean_c": round(float(np.mean(plan.outdoor_c.reshape(window.days, -1)[season_days])), 2),
            "extreme_cold_days": [window.day(int(day)).isoformat() for day in np.flatnonzero(extreme)],
            "extreme_cold_below_c": DESIGN_OUTDOOR_C,
        },
        "faults": [_fault_truth(plan, fault, stations) for fault in plan.faults],
        "units": units,
        "stations": stations,
        "replay_station": plan.city.replay_station,
        "messages": {"total": plan.message_counts.total(), **dict(sorted(plan.message_counts.items()))},
    }


def write_ground_truth(plan: SeasonPlan, path: Path | str) -> Path:
    """Write the ground truth as UTF-8 JSON and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ground_truth(plan), ensure_ascii=False, indent=1), "utf-8")
    return path


def _station_truth(plan: SeasonPlan, code: str, extreme: np.ndarray) -> dict:
    station = plan.city.station(code)
    series = plan.station_series()[code]
    document: dict = {
        "unit": station.unit,
        "heated_area_m2": station.heated_area_m2,
        "households": len(station.households),
        "measured_households": len(station.measured),
        "excluded_households": sum(1 for h in station.households if h.exclusion),
        "controller": station.controller,
        "meter": station.meter,
    }
    if station.controller is None:
        return document

    flags = heated_days(series.supply_c, series.return_c, plan.window, plan.station_stride)
    events = [_interruption(plan, fault) for fault in plan.faults if isinstance(fault, Interruption) and fault.station == code]
    events = [event for event in events if event is not None]
    document["heating"] = heating_outcome(flags, plan.window, plan.season)
    document["interruptions"] = events
    document["interruption_counts"] = {
        name: sum(1 for event in events if event["class"] == name) for name in ("short", "fault", "notice", "refund")
    }
    document["room"] = plan.tally.summary([code], extreme) if plan.tally else None
    document["room_low_streaks"] = plan.tally.low_streaks(code, extreme) if plan.tally else []
    document["daily_room_c"] = plan.tally.daily_means(code) if plan.tally else []
    return document


def _interruption(plan: SeasonPlan, fault: Interruption) -> dict | None:
    """Return an interruption cut to the official season, or None when it lies outside."""
    season_start = datetime.combine(plan.season.official_start, time(0))
    season_end = datetime.combine(plan.season.official_end + timedelta(days=1), time(0))
    start = max(local_naive(fault.start), season_start)
    end = min(local_naive(fault.start) + timedelta(hours=fault.hours), season_end)
    if end <= start:
        return None
    hours = (end - start).total_seconds() / 3600
    return {"start": local_iso(start), "end": local_iso(end), "hours": hours, "class": interruption_class(hours)}


def _fault_truth(plan: SeasonPlan, fault: object, stations: dict[str, dict]) -> dict:
    """Describe one fault and add the outcome it should produce where that is simple to state."""
    document = describe_fault(fault)  # type: ignore[arg-type]
    station = getattr(fault, "station", None)
    if isinstance(fault, LateStart):
        start = stations[fault.station]["heating"]["first_heated_day"]
        document["expected"] = {
            "start_delay_days": fault.days,
            "first_heated_day": start,
            "supply_below_40_until": local_iso(
                datetime.combine(plan.season.official_start + timedelta(days=fault.days), time(0))
                - timedelta(hours=plan.season.warmup_hours)
            ),
        }
    elif isinstance(fault, Interruption):
        document["expected"] = _interruption(plan, fault)
    elif isinstance(fault, ColdBuilding):
        unit = plan.city.station(fault.station).unit
        document["expected"] = {"station_room": stations[fault.station]["room"], "unit": unit}
    elif isinstance(fault, OverheatedBuilding):
        document["expected"] = {"station_high_rate": stations[fault.station]["room"]["high_rate"]}
    elif isinstance(fault, LowTemperaturePeriod):
        document["expected"] = {"room_low_streaks": stations[fault.station]["room_low_streaks"]}
    elif isinstance(fault, RadiatorSensor):
        document["expected"] = {"readings_above_35_c_while_heating_from": fault.first_day.isoformat()}
    elif isinstance(fault, MeterStopped):
        document["expected"] = {"heat_total_unchanged_from" if fault.mode == "flat" else "no_heat_readings_from": local_iso(fault.start)}
    elif isinstance(fault, EarlyExtendedHeating):
        unit = plan.city.unit(fault.unit)
        document["expected"] = {s.code: stations[s.code]["heating"] for s in unit.stations if s.controller}
    household = getattr(fault, "household", None)
    if household is not None:
        station = plan.city.household(household).station
        document["station"] = station
    if station is not None:
        document["unit"] = plan.city.station(station).unit
    return document
