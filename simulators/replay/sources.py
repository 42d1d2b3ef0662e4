"""Readers for the measured NYC room-temperature and Aalborg heat-meter files.

Both readers return numpy arrays and keep every gap: nothing is interpolated or filled.
The NYC file (heatseeknyc/data-science, MIT licence) contains indoor air temperatures of 12
apartments in whole °F, about hourly, with timestamps in UTC. The Aalborg file (Schaffer et
al. 2022, Scientific Data, CC BY 4.0) contains one smart heat meter's cumulative registers,
which upstream already interpolated to whole UTC hours.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from simulators.weather import DEFAULT_REAL_DATA_DIR

logger = logging.getLogger(__name__)

NYC_APARTMENTS_FILE = "nyc_heatseek_apartment_temps_2014-15.csv"
AALBORG_METER_FILE = "dk_aalborg_smart_heat_meter_660_hourly_2018-2020.csv"

# Standard-time offsets of the places the series were measured in (winter, no DST).
NYC_UTC_OFFSET_H = -5.0
AALBORG_UTC_OFFSET_H = 1.0


class ReplaySourceError(ValueError):
    """Raised when a source file is missing or malformed; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class ApartmentReadings:
    """Room readings of the NYC apartments, sorted by apartment and then time."""

    apartment_ids: list[str]
    apartment: np.ndarray  # int32 index into apartment_ids
    time_ms: np.ndarray  # int64 UTC milliseconds
    temp_f: np.ndarray  # float64, °F

    def rows_of(self, apartment_id: str) -> slice:
        """Return the slice of rows that belong to one apartment."""
        if apartment_id not in self.apartment_ids:
            known = "、".join(self.apartment_ids)
            raise ReplaySourceError(f"回放数据中没有公寓 '{apartment_id}'：可选 {known}")
        index = self.apartment_ids.index(apartment_id)
        first = int(np.searchsorted(self.apartment, index, side="left"))
        last = int(np.searchsorted(self.apartment, index, side="right"))
        return slice(first, last)


@dataclass(frozen=True, slots=True)
class MeterRegisters:
    """Cumulative registers of one heat meter at whole hours, ascending in time."""

    time_ms: np.ndarray  # int64 UTC milliseconds
    energy_kwh: np.ndarray  # float64, cumulative heat
    volume_m3: np.ndarray  # float64, cumulative water volume
    supply_volume_temp_m3c: np.ndarray  # float64, cumulative Σ volume × supply temperature
    return_volume_temp_m3c: np.ndarray  # float64, cumulative Σ volume × return temperature


def read_nyc_apartments(data_dir: Path | None = None) -> ApartmentReadings:
    """Read the NYC apartment temperatures, one row per reading, gaps kept."""
    path = _source_path(data_dir, NYC_APARTMENTS_FILE)

    labels: list[str] = []
    times: list[int] = []
    temps: list[float] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            labels.append(_text(row, "user_id", path, line_number))
            times.append(_utc_ms(_text(row, "date_of_sensor", path, line_number), path, line_number))
            temps.append(_number(row, "temp", path, line_number))

    apartment_ids = sorted(set(labels), key=lambda label: (len(label), label))
    index_of = {label: index for index, label in enumerate(apartment_ids)}
    apartment = np.array([index_of[label] for label in labels], dtype=np.int32)
    time_ms = np.array(times, dtype=np.int64)
    order = np.lexsort((time_ms, apartment))

    logger.info("Read %d room readings of %d apartments from %s", len(labels), len(apartment_ids), path)
    return ApartmentReadings(
        apartment_ids=apartment_ids,
        apartment=apartment[order],
        time_ms=time_ms[order],
        temp_f=np.array(temps, dtype=np.float64)[order],
    )


def read_aalborg_meter(data_dir: Path | None = None) -> MeterRegisters:
    """Read the Aalborg meter's cumulative registers, rejecting times that do not ascend."""
    path = _source_path(data_dir, AALBORG_METER_FILE)

    columns: dict[str, list[float]] = {
        "energy_heat_kwh": [], "volume_flow_m3": [], "inlet_flow_energy_m3xC": [], "back_flow_energy_m3xC": [],
    }
    times: list[int] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            times.append(_utc_ms(_text(row, "time_rounded", path, line_number), path, line_number))
            for name, values in columns.items():
                values.append(_number(row, name, path, line_number))

    time_ms = np.array(times, dtype=np.int64)
    if time_ms.size > 1 and np.any(np.diff(time_ms) <= 0):
        raise ReplaySourceError(f"{path.name} 的时间不是严格递增的，无法作为累计读数序列读取")

    logger.info("Read %d hourly meter registers from %s", time_ms.size, path)
    return MeterRegisters(
        time_ms=time_ms,
        energy_kwh=np.array(columns["energy_heat_kwh"]),
        volume_m3=np.array(columns["volume_flow_m3"]),
        supply_volume_temp_m3c=np.array(columns["inlet_flow_energy_m3xC"]),
        return_volume_temp_m3c=np.array(columns["back_flow_energy_m3xC"]),
    )


def _source_path(data_dir: Path | None, file_name: str) -> Path:
    path = (data_dir or DEFAULT_REAL_DATA_DIR) / file_name
    if not path.is_file():
        raise ReplaySourceError(f"找不到回放数据文件 {path}：请通过 data_dir 参数指定真实数据目录")
    return path


def _text(row: dict[str, str], column: str, path: Path, line_number: int) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise ReplaySourceError(f"{path.name} 第 {line_number} 行缺少 {column}")
    return value


def _number(row: dict[str, str], column: str, path: Path, line_number: int) -> float:
    text = _text(row, column, path, line_number)
    try:
        return float(text)
    except ValueError:
        raise ReplaySourceError(f"{path.name} 第 {line_number} 行的 {column} 值 '{text}' 不是数字") from None


def _utc_ms(text: str, path: Path, line_number: int) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ReplaySourceError(f"{path.name} 第 {line_number} 行的时间 '{text}' 不是 ISO 8601 格式") from None
    if moment.tzinfo is None:
        raise ReplaySourceError(f"{path.name} 第 {line_number} 行的时间 '{text}' 缺少时区")
    return round(moment.timestamp() * 1000)
