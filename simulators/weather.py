"""Shenyang hourly outdoor air temperature, the measured outdoor driver for Baotou replays.

The series comes from the UCI data set "PM2.5 Data of Five Chinese Cities" (Liang et al.
2016, CC BY 4.0), cut to 2013-10-01 00:00 .. 2015-04-30 23:00 local time. Its ``year``,
``month``, ``day`` and ``hour`` columns are local time, UTC+8 (China has kept one offset
since 1991), and ``TEMP`` is the air temperature in whole °C. Shenyang has a cold continental
winter like Baotou's (January means in this file: -7.6 °C in 2014, -9.5 °C in 2015), so its
series serves as Baotou's outdoor temperature.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

SHENYANG_WEATHER_FILE = "cn_shenyang_hourly_weather_2013-10_2015-04.csv"
SHENYANG_UTC_OFFSET_H = 8.0
HOUR_MS = 3_600_000

# The real-data folder sits beside the repository: <repo>/../shared/data/real.
DEFAULT_REAL_DATA_DIR = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real").resolve()

_SOURCE_ZONE = timezone(timedelta(hours=SHENYANG_UTC_OFFSET_H))
_MISSING_MARKERS = {"", "NA"}


class WeatherSourceError(ValueError):
    """Raised when the weather file is missing or malformed; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class WeatherSeries:
    """Hourly outdoor temperature, with ``time_ms`` the UTC start of each hour, ascending."""

    time_ms: np.ndarray  # int64 UTC milliseconds
    temp_c: np.ndarray  # float64, NaN where the source has no value

    def temp_at(self, time_ms: np.ndarray, offset_ms: int = 0) -> np.ndarray:
        """Look up the temperature of the hour containing each instant, NaN outside the series.

        ``offset_ms`` is added to the series' own times first, so a caller can read a season
        that was shifted into another year without copying the arrays.
        """
        time_ms = np.atleast_1d(np.asarray(time_ms, dtype=np.int64))
        shifted_start = self.time_ms + offset_ms
        position = np.searchsorted(shifted_start, time_ms, side="right") - 1
        inside = (position >= 0) & (time_ms < shifted_start[np.clip(position, 0, None)] + HOUR_MS)
        result = np.full(time_ms.shape, np.nan)
        result[inside] = self.temp_c[position[inside]]
        return result


def read_shenyang_weather(data_dir: Path | None = None) -> WeatherSeries:
    """Read the Shenyang hourly temperature file, keeping missing hours as NaN."""
    path = (data_dir or DEFAULT_REAL_DATA_DIR) / SHENYANG_WEATHER_FILE
    if not path.is_file():
        raise WeatherSourceError(f"找不到室外温度数据文件 {path}：请通过 data_dir 参数指定真实数据目录")

    times: list[int] = []
    temps: list[float] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            times.append(_hour_start_ms(row, path, line_number))
            temps.append(_temperature(row, path, line_number))

    time_ms = np.array(times, dtype=np.int64)
    if time_ms.size > 1 and np.any(np.diff(time_ms) <= 0):
        raise WeatherSourceError(f"{path.name} 的时间不是严格递增的，无法作为逐时序列读取")

    temp_c = np.array(temps, dtype=np.float64)
    logger.info(
        "Read %d hours of Shenyang weather from %s, %d without temperature",
        time_ms.size, path, int(np.isnan(temp_c).sum()),
    )
    return WeatherSeries(time_ms=time_ms, temp_c=temp_c)


def _hour_start_ms(row: dict[str, str], path: Path, line_number: int) -> int:
    try:
        local = datetime(
            int(row["year"]), int(row["month"]), int(row["day"]), int(row["hour"]), tzinfo=_SOURCE_ZONE
        )
    except (KeyError, TypeError, ValueError):
        raise WeatherSourceError(
            f"{path.name} 第 {line_number} 行的 year/month/day/hour 无效：{row.get('year')}-"
            f"{row.get('month')}-{row.get('day')} {row.get('hour')} 时"
        ) from None
    return int(local.timestamp()) * 1000


def _temperature(row: dict[str, str], path: Path, line_number: int) -> float:
    text = (row.get("TEMP") or "").strip()
    if text in _MISSING_MARKERS:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise WeatherSourceError(f"{path.name} 第 {line_number} 行的 TEMP 值 '{text}' 不是数字") from None
