"""Season indicators from the daily rollups and the registry, and daily series for charts."""

from scoring.season.indicators import SeasonReport, compute_season_indicators, compute_season_report, evaluate_season
from scoring.season.registry_view import RegistryView, SeasonThresholdsError, load_registry_view, season_thresholds
from scoring.season.rollup_reader import SeasonRollups, read_season_rollups
from scoring.season.series import UnitDay, unit_daily_series

__all__ = [
    "RegistryView",
    "SeasonReport",
    "SeasonRollups",
    "SeasonThresholdsError",
    "UnitDay",
    "compute_season_indicators",
    "compute_season_report",
    "evaluate_season",
    "load_registry_view",
    "read_season_rollups",
    "season_thresholds",
    "unit_daily_series",
]
