"""Settings of a season simulation: the city's size, the season and its reporting intervals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

DEFAULT_PREFIX = "heatscore/v1"


class SeasonConfigError(ValueError):
    """Raised when a season setting or fault is invalid, or the truth is requested before the stream ended.

    The message is Chinese.
    """


@dataclass(frozen=True, slots=True)
class CityConfig:
    """Size and make-up of the simulated city.

    Heating units are U01, U02, …, each with ``stations_per_unit`` stations. When
    ``chp_source`` is set, a combined heat and power source unit (热电联产热源单位) CHP01 is
    added with one source station that has only a heat meter.
    """

    units: int = 4
    stations_per_unit: int = 2
    households_per_station: int = 150
    measured_share: float = 0.15  # share of households with a room sensor (测温比例)
    excluded_share: float = 0.02  # share of households registered as 报停 or 自主调节
    chp_source: bool = True
    floors: int = 6  # floors per building
    households_per_floor: int = 4  # the two outer households of a floor are 边户
    seed: int = 2025

    def __post_init__(self) -> None:
        if not 1 <= self.units <= 99:
            raise SeasonConfigError(f"供热单位数 units={self.units} 无效：应为 1 到 99")
        if not 1 <= self.stations_per_unit <= 99:
            raise SeasonConfigError(f"每个供热单位的热力站数 stations_per_unit={self.stations_per_unit} 无效：应为 1 到 99")
        if not 1 <= self.households_per_station <= 9999:
            raise SeasonConfigError(
                f"每个热力站的住户数 households_per_station={self.households_per_station} 无效：应为 1 到 9999"
            )
        if not 0.0 < self.measured_share <= 1.0:
            raise SeasonConfigError(f"测温比例 measured_share={self.measured_share} 无效：应大于 0 且不大于 1")
        if not 0.0 <= self.excluded_share < 1.0:
            raise SeasonConfigError(f"剔除住户比例 excluded_share={self.excluded_share} 无效：应不小于 0 且小于 1")
        if self.floors < 2 or self.households_per_floor < 3:
            raise SeasonConfigError("每栋楼至少 2 层、每层至少 3 户，才能区分顶层、底层、边户和中间户")


@dataclass(frozen=True, slots=True)
class SeasonConfig:
    """The heating season to simulate and how often each device kind reports.

    The official season runs from 10-15 of ``season_year`` to 4-15 of the next year. The
    simulated window adds ``lead_days`` before and ``tail_days`` after it, and is widened
    further when a fault heats before or after the official season. Intervals are in
    minutes and must divide a day; hourly room readings keep a whole season fast.
    """

    season_year: int = 2025
    room_interval_min: int = 60
    station_interval_min: int = 15
    meter_interval_min: int = 60
    lead_days: int = 2
    tail_days: int = 0
    weather_season_year: int = 2014  # Shenyang season replayed as the outdoor temperature
    warmup_hours: int = 6  # stations start circulating hot water this long before their first heating day
    prefix: str = DEFAULT_PREFIX
    ts_format: Literal["iso", "epoch_ms"] = "iso"
    seed: int = 7

    def __post_init__(self) -> None:
        for name in ("room_interval_min", "station_interval_min", "meter_interval_min"):
            minutes = getattr(self, name)
            if minutes < 5 or 1440 % minutes or minutes % 5:
                raise SeasonConfigError(f"上报间隔 {name}={minutes} 无效：应为 5 的倍数且能整除 1440 分钟")
        if not 0 <= self.lead_days <= 14 or not 0 <= self.tail_days <= 14:
            raise SeasonConfigError("lead_days 和 tail_days 应在 0 到 14 天之间（沈阳气温数据只覆盖季前季后各约两周）")
        if not 0 <= self.warmup_hours < 24:
            raise SeasonConfigError(f"预热时长 warmup_hours={self.warmup_hours} 无效：应为 0 到 23 小时")
        if self.ts_format not in ("iso", "epoch_ms"):
            raise SeasonConfigError(f"时间戳格式 ts_format='{self.ts_format}' 无效：应为 iso 或 epoch_ms")

    @property
    def official_start(self) -> date:
        """Return the first official heating day, 10-15."""
        return date(self.season_year, 10, 15)

    @property
    def official_end(self) -> date:
        """Return the last official heating day, 4-15 of the next year."""
        return date(self.season_year + 1, 4, 15)


@dataclass(frozen=True, slots=True)
class ReplayMix:
    """Real measured series mixed into a simulated season.

    The 12 NYC apartments become the households of one extra station of ``unit``, each with
    a room sensor replaying its apartment, and the Aalborg heat meter (times ``meter_scale``)
    becomes that station's heat meter. The station's own controller is simulated.
    """

    unit: str = "U01"
    room_season_year: int = 2014
    meter_season_year: int = 2019
    meter_scale: float = 12.0
