"""Season indicators per heating unit: the 19 automatic codes the annual engine consumes.

Everything is computed from the daily rollups and the registry. Extreme-cold days (city
outdoor daily mean below the design temperature) are left out of the room-temperature
indicators and listed in the report. Households the registry excludes (self-regulating,
stopped) are left out of the room-temperature indicators and of the measured share.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from scoring.annual.inputs import DataWindow, IndicatorSnapshot, IndicatorValue
from scoring.household_day import HouseholdDays, day_number
from scoring.indicators import (
    HouseholdDayTally,
    Rate,
    StationDays,
    completeness_from_counts,
    early_extended_heating,
    energy_indicators,
    GroupDays,
    OutdoorDays,
    group_daily_supply,
    interruption_index,
    join_interruptions,
    long_term_low_temperature,
    daily_room_means_from_tally,
    measured_share_of_households,
    on_time_heating,
    room_temperature_rates,
    season_household_days,
    season_hours,
    summarise_on_time,
    tally_household_days,
)
from scoring.indicators.household_day_tally import VALID
from scoring.season.registry_view import RegistryView, load_registry_view, load_season, season_calendar, season_thresholds
from scoring.season.rollup_reader import SeasonRollups, daily_heat_of, read_season_rollups, station_days_of
from scoring.thresholds import IndicatorThresholds, SeasonCalendar
from settings import Settings
from storage.influx import InfluxClient

logger = logging.getLogger(__name__)

# Station-days read before the official start and after the official end, for 提前或延长供热.
EDGE_DAYS = 30
NO_STATIONS = "该供热单位没有登记热力站，无法计算"
NO_STATION_DEVICES = "该供热单位没有登记热力站运行数据设备，无法计算数据完整率"
NO_LOW_TEMP_DATA = "没有可用于判断长期低温供热的日均室温或供水温度数据"


@dataclass(frozen=True, slots=True)
class SeasonReport:
    """Indicator snapshots per unit code, with the extreme-cold days that were excluded."""

    snapshots: dict[str, IndicatorSnapshot]
    cold_days: tuple[date, ...]
    days_without_outdoor: int
    window: DataWindow


def season_window(calendar: SeasonCalendar, through: date | None) -> DataWindow:
    """Return the local days the figures cover: the official season, ended early by ``through``."""
    last = calendar.official_end if through is None else min(calendar.official_end, through)
    if last < calendar.official_start:
        raise ValueError(f"截止日期 {through} 早于供暖期开始日 {calendar.official_start}，无法计算")
    return DataWindow(start=calendar.official_start, end=last)


def compute_season_indicators(
    settings: Settings, session: Session, season_code: str, through: date | None = None
) -> dict[str, IndicatorSnapshot]:
    """Compute the 19 automatic indicators of every active heating unit, keyed by unit code."""
    return compute_season_report(settings, session, season_code, through).snapshots


def compute_season_report(
    settings: Settings, session: Session, season_code: str, through: date | None = None
) -> SeasonReport:
    """Compute the indicator snapshots and the list of excluded extreme-cold days."""
    season = load_season(session, season_code)
    thresholds = season_thresholds(season)
    calendar = season_calendar(season)
    window = season_window(calendar, through)
    zone = ZoneInfo(settings.timezone)
    view = load_registry_view(session)

    station_last = window.end if window.end < calendar.official_end else window.end + timedelta(days=EDGE_DAYS)
    with InfluxClient.for_jobs(settings) as influx:
        rollups = read_season_rollups(
            influx, view, window.start, window.end, window.start - timedelta(days=EDGE_DAYS), station_last,
            zone, thresholds,
        )
    report = evaluate_season(view, rollups, calendar, thresholds, zone, window)
    logger.info("season %s through %s: %d units, %d extreme-cold days excluded",
                season_code, window.end, len(report.snapshots), len(report.cold_days))
    return report


def evaluate_season(
    view: RegistryView, rollups: SeasonRollups, calendar: SeasonCalendar, thresholds: IndicatorThresholds,
    zone: ZoneInfo, window: DataWindow,
) -> SeasonReport:
    """Compute every unit's indicators from rollups already read."""
    units = view.unit_codes
    values: dict[str, dict[str, IndicatorValue]] = {unit: {} for unit in units}

    hd = season_household_days(rollups.household_days, calendar, thresholds, window.end)
    # One tally of the household-days serves the room rates, 测温比例 and the daily room means.
    tally = _tally_household_days(view, hd, rollups.outdoor, thresholds)
    room_report = _room_indicators(view, tally, rollups, thresholds, values)
    _heating_period_indicators(view, rollups, calendar, thresholds, window, values)
    _interruption_indicators(view, rollups, calendar, thresholds, zone, window, values)
    _low_temperature_indicator(view, tally, rollups, thresholds, window, room_report, values)
    _energy_indicators(view, rollups, thresholds, window, values)
    _completeness_indicator(view, rollups, thresholds, window, values)

    snapshots = {unit: IndicatorSnapshot(window=window, values=values[unit]) for unit in units}
    return SeasonReport(snapshots, room_report.cold_days, room_report.days_without_outdoor, window)


def _value(rate: Rate) -> IndicatorValue:
    return IndicatorValue(value=rate.value, missing_reason=rate.reason if rate.value is None else None)


def _count(value: float, unit_has_stations: bool) -> IndicatorValue:
    if not unit_has_stations:
        return IndicatorValue(value=None, missing_reason=NO_STATIONS)
    return IndicatorValue(value=float(value))


def _stations_of(view: RegistryView, unit: int) -> np.ndarray:
    return np.flatnonzero(view.station_unit == unit)


def _tally_household_days(
    view: RegistryView, hd: HouseholdDays, outdoor: OutdoorDays, thresholds: IndicatorThresholds
) -> HouseholdDayTally:
    # Daily room means leave out the households the registry excludes.
    day_unit = np.where(view.household_excluded, -1, view.household_unit)
    return tally_household_days(
        hd, outdoor.cold_days(thresholds.design_outdoor_temp_c), thresholds, day_unit, len(view.unit_codes)
    )


def _room_indicators(view, tally, rollups, thresholds, values):
    report = room_temperature_rates(
        tally, view.household_unit, view.unit_codes, view.household_excluded, rollups.outdoor, thresholds
    )
    heated = np.bincount(view.station_unit, weights=view.station_heated_households, minlength=len(view.unit_codes))
    # 测温比例 counts a valid household-day on an extreme-cold day too.
    shares = measured_share_of_households(tally.count(VALID) > 0, view.household_unit, view.unit_codes,
                                          view.household_excluded, heated.astype(np.int64), thresholds)
    for group, share in zip(report.groups, shares, strict=True):
        unit_values = values[group.group_id]
        unit_values["room_compliance_rate"] = _value(group.compliance)
        unit_values["room_compliance_household_rate"] = _value(group.household_compliance)
        unit_values["low_temp_rate"] = _value(group.low_rate)
        unit_values["high_temp_rate"] = _value(group.high_rate)
        unit_values["comfort_rate"] = _value(group.comfort_rate)
        unit_values["measured_household_ratio"] = _value(share.share)
    return report


def _heating_period_indicators(view, rollups, calendar, thresholds, window, values):
    station_days = station_days_of(rollups.stations, view.station_codes)
    on_time = on_time_heating(station_days, calendar, thresholds, window.end)
    early = early_extended_heating(station_days, calendar)
    for unit_index, unit in enumerate(view.unit_codes):
        stations = _stations_of(view, unit_index)
        summary = summarise_on_time([on_time.stations[s] for s in stations])
        has_stations = stations.size > 0
        values[unit]["late_station_days"] = _count(summary.late_station_days, has_stations)
        values[unit]["early_stop_station_days"] = _count(summary.early_stop_station_days, has_stations)
        # A unit heated early (or extended) on the days its earliest (or latest) station did.
        early_days = max((early[s].early_days for s in stations), default=0)
        extended_days = max((early[s].extended_days for s in stations), default=0)
        values[unit]["early_or_extended_days"] = _count(early_days + extended_days, has_stations)


def _interruption_indicators(view, rollups, calendar, thresholds, zone, window, values):
    stations = join_interruptions(view.station_codes, rollups.interruption_pieces, thresholds)
    hours = season_hours(calendar, zone, window.end)
    for unit_index, unit in enumerate(view.unit_codes):
        own = _stations_of(view, unit_index)
        has_stations = own.size > 0
        mine = [stations[s] for s in own]
        index = interruption_index(mine, view.station_weight[own], hours)
        events = [event for station in mine for event in station.events]
        limits = thresholds.interruption_class_h
        values[unit]["interruption_index"] = (
            _value(index.index) if has_stations else IndicatorValue(value=None, missing_reason=NO_STATIONS)
        )
        # Cumulative counts: an event of 30 h counts in all three.
        values[unit]["interruptions_4h"] = _count(sum(e.duration_h >= limits[0] for e in events), has_stations)
        values[unit]["interruptions_8h"] = _count(sum(e.duration_h >= limits[1] for e in events), has_stations)
        values[unit]["interruptions_24h"] = _count(sum(e.duration_h > limits[2] for e in events), has_stations)


def _low_temperature_indicator(view, tally, rollups, thresholds, window, room_report, values):
    groups = len(view.unit_codes)
    room_days = daily_room_means_from_tally(tally, rollups.outdoor, thresholds)
    station_days = station_days_of(rollups.stations, view.station_codes)
    inside = (station_days.day >= day_number(window.start)) & (station_days.day <= day_number(window.end))
    supply_days = group_daily_supply(_select_station_days(station_days, inside), view.station_unit, groups)
    findings = long_term_low_temperature(
        view.unit_codes, room_days, [group.compliance for group in room_report.groups], thresholds,
        supply_days, rollups.outdoor,
    )
    for unit_index, finding in enumerate(findings):
        evaluated = finding.room_days_evaluated > 0 or bool((supply_days.group == unit_index).any())
        values[finding.group_id]["long_low_temp"] = (
            IndicatorValue(value=1.0 if finding.flagged else 0.0) if evaluated
            else IndicatorValue(value=None, missing_reason=NO_LOW_TEMP_DATA)
        )


def unit_daily_room_means(
    hd: HouseholdDays, view: RegistryView, outdoor: OutdoorDays, thresholds: IndicatorThresholds
) -> GroupDays:
    """Average the valid household-day means per unit and local day, as ``group_daily_room_means`` does.

    Units × days is a small dense grid, so a tally replaces the sort that
    ``group_daily_room_means`` needs for arbitrary keys.
    """
    return daily_room_means_from_tally(_tally_household_days(view, hd, outdoor, thresholds), outdoor, thresholds)


def _select_station_days(station_days: StationDays, keep: np.ndarray) -> StationDays:
    return StationDays(
        station_ids=station_days.station_ids, station=station_days.station[keep], day=station_days.day[keep],
        readings=station_days.readings[keep], heating_readings=station_days.heating_readings[keep],
        mean_supply_temp_c=station_days.mean_supply_temp_c[keep], heated=station_days.heated[keep],
    )


def _energy_indicators(view, rollups, thresholds, window, values):
    table = rollups.stations
    inside = (table.day >= day_number(window.start)) & (table.day <= day_number(window.end))
    stations = len(view.station_codes)
    heat_readings = np.bincount(table.station[inside], weights=np.nan_to_num(table.fields["heat_readings"][inside]),
                                minlength=stations)
    # A heat meter whose cumulative heat does not advance on a day the station heated has
    # stopped counting: its readings that day arrive but do not count as online.
    slots = np.nan_to_num(table.fields["heat_slots"][inside])
    frozen = (np.nan_to_num(table.fields["heated"][inside]) > 0) & ~(np.nan_to_num(table.fields["heat_gj"][inside]) > 0)
    received = np.bincount(table.station[inside], weights=np.where(frozen, 0.0, slots), minlength=stations)
    # A station is metered when the registry lists a meter there or its readings carry cumulative heat.
    has_meter = view.station_has_meter | (heat_readings > 0)
    days = (window.end - window.start).days + 1
    expected = np.full(stations, days * -(-1440 // thresholds.station_interval_min), dtype=np.int64)

    groups = energy_indicators(
        daily_heat_of(table, view.station_codes), view.station_unit, view.unit_codes, view.station_area_m2,
        has_meter, received.astype(np.int64), expected, rollups.outdoor, window.start, window.end, thresholds,
    )
    for group in groups:
        unit_values = values[group.group_id]
        unit_values["heat_per_m2_gj"] = _value(group.heat_per_m2_gj)
        normalised = group.heat_per_m2_degree_day_mj
        unit_values["heat_per_hdd_gj_m2"] = (
            IndicatorValue(value=normalised.value / 1000) if normalised.value is not None
            else IndicatorValue(value=None, missing_reason=normalised.reason)
        )
        unit_values["meter_coverage"] = _value(group.meter_coverage)
        unit_values["meter_online_rate"] = _value(group.online_rate)


def _completeness_indicator(view, rollups, thresholds, window, values):
    per_day = -(-1440 // thresholds.station_interval_min)
    codes, groups, expected, received, raw = [], [], [], [], []
    for code, station, installed, removed in view.station_devices:
        first = max(window.start, installed) if installed else window.start
        last = min(window.end, removed) if removed else window.end
        days = max((last - first).days + 1, 0)
        got, readings = rollups.device_received.get(code, (0, 0))
        codes.append(code)
        groups.append(int(view.station_unit[station]))
        expected.append(days * per_day)
        received.append(got)
        raw.append(readings)

    report = completeness_from_counts(
        codes, np.array(received, dtype=np.int64), np.array(raw, dtype=np.int64), np.array(expected, dtype=np.int64),
        np.array(groups, dtype=np.int64), view.unit_codes,
    )
    for group in report.groups:
        values[group.group_id]["data_completeness"] = (
            _value(group.completeness) if group.devices else IndicatorValue(value=None, missing_reason=NO_STATION_DEVICES)
        )
