"""Thresholds behind the automatic indicators, configurable per heating season.

The defaults follow GB/T 33833-2017 (18 °C floor in bedrooms and living rooms, days colder
than the design outdoor temperature excluded) and common practice in northern Chinese
cities; none of them is fixed by the Baotou rules, so the bureau confirms them per season.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class IndicatorThresholds(BaseModel):
    """Every constant an indicator uses, with its unit in the name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Household-day (户日) definition.
    compliance_floor_c: float = 18.0
    compliance_tolerance_c: float = 0.0
    plausible_min_c: float = 5.0
    plausible_max_c: float = 35.0
    room_interval_min: int = Field(15, ge=1, le=1440)
    min_day_coverage: float = Field(0.75, gt=0.0, le=1.0)

    # 保低控高 and 舒适供热.
    high_temp_c: float = 24.0
    comfort_min_c: float = 20.0
    comfort_max_c: float = 24.0
    household_compliant_share: float = Field(0.9, gt=0.0, le=1.0)

    # Extreme cold (GB/T 33833 note 1): days below the design outdoor temperature are excluded.
    design_outdoor_temp_c: float = -16.6
    # Days dropped at each end of the season before room-temperature indicators (0 keeps all).
    season_edge_days_excluded: int = Field(0, ge=0, le=30)

    # 测温比例: measured households as a share of heated households.
    min_measured_share: float = Field(0.10, ge=0.0, le=1.0)

    # Heated station-day: share of the day's readings with secondary supply above the
    # minimum and supply minus return above the minimum difference.
    heated_supply_min_c: float = 40.0
    heated_delta_min_c: float = 3.0
    heated_reading_share: float = Field(0.8, gt=0.0, le=1.0)
    # Consecutive heated days from which heating counts as established (按时供热).
    heating_established_days: int = Field(1, ge=1, le=30)

    # Interruption events (稳定供热), judged against the station's trailing norm.
    station_interval_min: int = Field(5, ge=1, le=1440)
    norm_window_h: int = Field(24, ge=1, le=24 * 14)
    # Days a norm is carried across days without heating, so a long outage stays abnormal.
    norm_carry_days: int = Field(7, ge=1, le=60)
    interruption_supply_drop_c: float = Field(10.0, gt=0.0)
    interruption_delta_min_c: float = 2.0
    interruption_flow_fraction: float = Field(0.3, gt=0.0, lt=1.0)
    interruption_min_h: float = Field(1.0, gt=0.0)
    interruption_merge_gap_min: float = Field(60.0, ge=0.0)
    interruption_class_h: tuple[float, float, float] = (4.0, 8.0, 24.0)

    # 长期低温供热: consecutive low days, and the held-low supply test.
    low_streak_days: int = Field(7, ge=1, le=183)
    low_streak_min_households: int = Field(1, ge=1)
    low_supply_compliance_below: float = Field(0.9, gt=0.0, le=1.0)
    low_supply_margin_c: float = Field(5.0, ge=0.0)
    # Heating curve as (outdoor °C, expected secondary supply °C) points, linearly interpolated
    # and held flat beyond the ends. Leave empty to use only ``low_supply_max_c``.
    heating_curve: tuple[tuple[float, float], ...] = ((5.0, 40.0), (-16.6, 60.0))
    low_supply_max_c: float | None = None

    # 能耗监测: degree-day base and the step a cumulative heat meter may plausibly take.
    degree_day_base_c: float = 18.0
    meter_max_power_mw: float = Field(50.0, gt=0.0)
    min_meter_online_share: float = Field(0.95, ge=0.0, le=1.0)


class SeasonCalendar(BaseModel):
    """The official heating season: first and last local day of heating."""

    model_config = ConfigDict(frozen=True)

    official_start: date
    official_end: date


def default_season(start_year: int) -> SeasonCalendar:
    """Return the customary Baotou season: 10-15 of start_year to 4-15 of the next year."""
    return SeasonCalendar(
        official_start=date(start_year, 10, 15), official_end=date(start_year + 1, 4, 15)
    )
