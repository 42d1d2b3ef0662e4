"""Faults a season simulation can inject, each a small dataclass naming where and when.

Times are local Baotou wall-clock times: a naive ``datetime`` is read in Asia/Shanghai and
an aware one is converted. ``describe_fault`` renders a fault for the ground-truth file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from simulators.replay.shift import BAOTOU_ZONE
from simulators.season.city import SeasonCity
from simulators.season.config import SeasonConfig, SeasonConfigError


@dataclass(frozen=True, slots=True)
class LateStart:
    """A station whose first heating day is ``days`` after the official start (10-15)."""

    station: str
    days: int


@dataclass(frozen=True, slots=True)
class Interruption:
    """A stop of a station: supply temperature and flow collapse for ``hours`` from ``start``."""

    station: str
    start: datetime
    hours: float


@dataclass(frozen=True, slots=True)
class ColdBuilding:
    """Every household of a station is ``offset_c`` colder (poor insulation, hydraulic imbalance)."""

    station: str
    offset_c: float = -2.5


@dataclass(frozen=True, slots=True)
class OverheatedBuilding:
    """Every household of a station is ``offset_c`` warmer, above the 24 °C 高温 limit."""

    station: str
    offset_c: float = 4.0


@dataclass(frozen=True, slots=True)
class LowTemperaturePeriod:
    """A station's secondary supply held ``supply_drop_c`` below its heating curve for ``days`` days.

    The drop ramps in over the 48 hours before ``first_day`` and back out over the 24 hours
    after the period, so the station's trailing norm follows it and no interruption is seen.
    """

    station: str
    first_day: date
    days: int = 10
    supply_drop_c: float = 9.0


@dataclass(frozen=True, slots=True)
class SensorOffline:
    """A room sensor that sends nothing for ``hours`` from ``start``."""

    household: str
    start: datetime
    hours: float


@dataclass(frozen=True, slots=True)
class SparseSensor:
    """A room sensor that delivers only about ``kept_share`` of its readings, all season."""

    household: str
    kept_share: float = 0.5


@dataclass(frozen=True, slots=True)
class RadiatorSensor:
    """A room sensor placed on a radiator from ``first_day``: it reads the water temperature, over 35 °C."""

    household: str
    first_day: date


@dataclass(frozen=True, slots=True)
class SensorFaultFlag:
    """A room sensor that flags ``sensor_fault`` and reads a frozen −5 °C for ``hours`` from ``start``."""

    household: str
    start: datetime
    hours: float


@dataclass(frozen=True, slots=True)
class MeterStopped:
    """A station's heat metering stops at ``start``.

    ``flat``: the heat meter keeps sending with its cumulative registers frozen and zero
    power and flow, and the controller's heat_total_gj stays flat with zero heat_power_kw.
    ``silent``: the heat meter sends nothing and the controller's payload leaves out
    heat_total_gj and heat_power_kw.
    """

    station: str
    start: datetime
    mode: Literal["flat", "silent"] = "flat"


@dataclass(frozen=True, slots=True)
class EarlyExtendedHeating:
    """Every station of a unit heats ``early_days`` before 10-15 and ``extended_days`` after 4-15."""

    unit: str
    early_days: int = 3
    extended_days: int = 3


Fault = (
    LateStart | Interruption | ColdBuilding | OverheatedBuilding | LowTemperaturePeriod | SensorOffline
    | SparseSensor | RadiatorSensor | SensorFaultFlag | MeterStopped | EarlyExtendedHeating
)

FAULT_KINDS: dict[type, str] = {
    LateStart: "late_start",
    Interruption: "interruption",
    ColdBuilding: "cold_building",
    OverheatedBuilding: "overheated_building",
    LowTemperaturePeriod: "low_temperature_period",
    SensorOffline: "sensor_offline",
    SparseSensor: "sparse_sensor",
    RadiatorSensor: "radiator_sensor",
    SensorFaultFlag: "sensor_fault_flag",
    MeterStopped: "meter_stopped",
    EarlyExtendedHeating: "early_extended_heating",
}


def local_naive(moment: datetime) -> datetime:
    """Return a time as naive Baotou wall-clock time; a naive time is taken as already local."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(BAOTOU_ZONE).replace(tzinfo=None)


def local_ms(moment: datetime) -> int:
    """Return UTC milliseconds of a local Baotou time (naive) or an aware time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BAOTOU_ZONE)
    return round(moment.timestamp() * 1000)


def local_iso(moment: datetime) -> str:
    """Render a time as ISO 8601 in Baotou time, +08:00."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BAOTOU_ZONE)
    return moment.astimezone(BAOTOU_ZONE).isoformat(timespec="minutes")


def describe_fault(fault: Fault) -> dict:
    """Render a fault as plain data with its kind, times in ISO 8601 (+08:00)."""
    document: dict = {"kind": FAULT_KINDS[type(fault)]}
    for name, value in asdict(fault).items():
        if isinstance(value, datetime):
            document[name] = local_iso(value)
        elif isinstance(value, date):
            document[name] = value.isoformat()
        else:
            document[name] = value
    if isinstance(fault, (Interruption, SensorOffline, SensorFaultFlag)):
        document["end"] = local_iso(fault.start + timedelta(hours=fault.hours))
    return document


def check_faults(city: SeasonCity, season: SeasonConfig, faults: tuple[Fault, ...]) -> None:
    """Raise SeasonConfigError when a fault names something missing or an impossible time."""
    for fault in faults:
        if type(fault) not in FAULT_KINDS:
            raise SeasonConfigError(f"未知的故障类型 {type(fault).__name__}")
        station = getattr(fault, "station", None)
        if station is not None and city.station(station).controller is None:
            raise SeasonConfigError(f"热力站 '{station}' 没有站内控制器，不能注入 {FAULT_KINDS[type(fault)]} 故障")
        household = getattr(fault, "household", None)
        if household is not None:
            _check_sensor(city, household)
        if isinstance(fault, EarlyExtendedHeating) and city.unit(fault.unit).kind != "heating_unit":
            raise SeasonConfigError(f"'{fault.unit}' 不是供热单位，不能设置提前或延长供热")
        if isinstance(fault, (LateStart, EarlyExtendedHeating, LowTemperaturePeriod)):
            _check_days(fault)
        if isinstance(fault, (Interruption, SensorOffline, SensorFaultFlag)):
            _check_span(fault, season)
        if isinstance(fault, SparseSensor) and not 0.0 < fault.kept_share < 1.0:
            raise SeasonConfigError(f"住户 '{fault.household}' 的 kept_share={fault.kept_share} 无效：应在 0 和 1 之间")


def _check_sensor(city: SeasonCity, code: str) -> None:
    household = city.household(code)
    if household.sensor is None:
        raise SeasonConfigError(f"住户 '{code}' 没有室温采集器，不能注入采集器故障")
    if household.apartment is not None:
        raise SeasonConfigError(f"住户 '{code}' 回放真实数据，不能注入采集器故障")


def _check_days(fault: LateStart | EarlyExtendedHeating | LowTemperaturePeriod) -> None:
    for name in ("days", "early_days", "extended_days"):
        days = getattr(fault, name, 0)
        if not 0 <= days <= 60:
            raise SeasonConfigError(f"{FAULT_KINDS[type(fault)]} 的 {name}={days} 无效：应为 0 到 60 天")


def _check_span(fault: Interruption | SensorOffline | SensorFaultFlag, season: SeasonConfig) -> None:
    if fault.hours <= 0:
        raise SeasonConfigError(f"{FAULT_KINDS[type(fault)]} 的时长 hours={fault.hours} 无效：应大于 0")
    interval = season.station_interval_min if isinstance(fault, Interruption) else season.room_interval_min
    start = local_naive(fault.start)
    start_minute = start.hour * 60 + start.minute
    if start_minute % interval or round(fault.hours * 60) % interval or start.second or start.microsecond:
        raise SeasonConfigError(
            f"{FAULT_KINDS[type(fault)]} 的开始时间 {local_iso(fault.start)} 和时长 {fault.hours} 小时"
            f"应对齐到 {interval} 分钟的上报间隔"
        )
