"""Automatic indicators of the heating assessment, as pure numpy functions.

Every function takes parallel arrays (readings, household-days, station-days) plus an
integer group index, so one call serves households, heat stations and heating units.
Rates come as ``Rate`` with the counts behind them; a zero denominator gives ``None``
and a Chinese reason, never NaN.
"""

from scoring.indicators.common import OutdoorDays, Rate, make_rate, outdoor_daily_means
from scoring.indicators.coverage import (
    CompletenessReport,
    DeviceCompleteness,
    GroupCompleteness,
    MeasuredShare,
    completeness_from_counts,
    data_completeness,
    measured_share,
    measured_share_of_households,
)
from scoring.indicators.energy import (
    EnergyGroup,
    StationDailyHeat,
    daily_heat_from_cumulative,
    energy_indicators,
    heating_degree_days,
)
from scoring.indicators.heating_period import (
    EarlyExtendedHeating,
    OnTimeHeating,
    OnTimeSummary,
    early_extended_heating,
    on_time_heating,
    summarise_on_time,
)
from scoring.indicators.household_day_tally import HouseholdDayTally, tally_household_days
from scoring.indicators.interruptions import (
    InterruptionEvent,
    InterruptionIndex,
    StationInterruptions,
    TrailingNorm,
    detect_interruptions,
    detect_interruptions_between,
    interruption_index,
    join_interruptions,
    season_hours,
)
from scoring.indicators.low_temperature import (
    GroupDays,
    LongTermLowTemperature,
    LowStreak,
    daily_room_means_from_tally,
    expected_supply_temp_c,
    group_daily_room_means,
    group_daily_supply,
    long_term_low_temperature,
)
from scoring.indicators.room_temperature import (
    RoomTemperatureGroup,
    RoomTemperatureRates,
    RoomTemperatureRatesReport,
    RoomTemperatureReport,
    room_temperature_indicators,
    room_temperature_rates,
    season_household_days,
    select_household_days,
)
from scoring.indicators.station_days import StationDays, StationReadings, compute_station_days

__all__ = [
    "CompletenessReport",
    "DeviceCompleteness",
    "EarlyExtendedHeating",
    "EnergyGroup",
    "GroupCompleteness",
    "GroupDays",
    "HouseholdDayTally",
    "InterruptionEvent",
    "InterruptionIndex",
    "LongTermLowTemperature",
    "LowStreak",
    "MeasuredShare",
    "OnTimeHeating",
    "OnTimeSummary",
    "OutdoorDays",
    "Rate",
    "RoomTemperatureGroup",
    "RoomTemperatureRates",
    "RoomTemperatureRatesReport",
    "RoomTemperatureReport",
    "StationDailyHeat",
    "StationDays",
    "StationInterruptions",
    "TrailingNorm",
    "StationReadings",
    "completeness_from_counts",
    "compute_station_days",
    "daily_heat_from_cumulative",
    "daily_room_means_from_tally",
    "data_completeness",
    "detect_interruptions",
    "detect_interruptions_between",
    "early_extended_heating",
    "energy_indicators",
    "expected_supply_temp_c",
    "group_daily_room_means",
    "group_daily_supply",
    "heating_degree_days",
    "interruption_index",
    "join_interruptions",
    "long_term_low_temperature",
    "make_rate",
    "measured_share",
    "measured_share_of_households",
    "on_time_heating",
    "outdoor_daily_means",
    "room_temperature_indicators",
    "room_temperature_rates",
    "season_hours",
    "season_household_days",
    "select_household_days",
    "summarise_on_time",
    "tally_household_days",
]
