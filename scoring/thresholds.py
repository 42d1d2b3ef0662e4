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
