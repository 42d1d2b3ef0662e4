"""Read-only InfluxDB queries behind the indicator pages, all over the daily rollups.

Room-temperature figures come from ``household_day`` (one point per household and local
day, tags unit/station/household). Heat and interruptions come from ``station_day``, one
point per station and local day, which ``scoring.station_rollup`` writes with the fields
named below. A day that job has not rolled up yet has no point and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scoring.household_day import day_number, local_day_start_ms
from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT
from scoring.station_rollup import STATION_DAY_MEASUREMENT
from storage.influx import InfluxClient, Series

STATION_HEAT_FIELD = "heat_gj"
STATION_INTERRUPTIONS_FIELD = "interruptions"
STATION_INTERRUPTION_HOURS_FIELD = "interruption_hours"


@dataclass(frozen=True, slots=True)
class RoomDay:
    """Household-day counts of one group (unit or station) on one local day."""

    day: date
    household_days: int
    valid: int
    compliant: int
    high: int
    mean_temp_c: float | None

    @property
    def low(self) -> int:
        """Return valid household-days below the compliance floor (valid but not compliant)."""
        return self.valid - self.compliant


@dataclass(frozen=True, slots=True)
class StationDay:
    """Heat and interruptions of one station on one local day; a missing field is None."""

    station: str
    day: date
    heat_gj: float | None
    interruptions: float | None
    interruption_hours: float | None


@dataclass(frozen=True, slots=True)
class HouseholdTotals:
    """Household-day counts of one household over a range of days."""

    station: str
    household: str
    household_days: int
    valid: int
    coverage_mean: float | None


def _window(first_day: date, last_day: date, zone: ZoneInfo) -> str:
    start_ms = local_day_start_ms(day_number(first_day), zone)
    end_ms = local_day_start_ms(day_number(last_day) + 1, zone)
    return f"time >= {start_ms}ms AND time < {end_ms}ms"


def _day_interval(first_day: date, zone: ZoneInfo) -> str:
    """Return ``time(1d, <offset>)`` whose buckets start at local midnight.

    NOTE: the offset is taken at the first day, so in a zone with daylight saving time
    the buckets would drift by an hour after a change; Asia/Shanghai has none.
    """
    start_ms = local_day_start_ms(day_number(first_day), zone)
    offset_min = (start_ms // 60_000) % (24 * 60)
    return f"time(1d, {offset_min}m)"


def local_day_of(timestamp_ms: int, zone: ZoneInfo) -> date:
    """Return the local date of a UTC timestamp in milliseconds."""
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).astimezone(zone).date()


def _rows(series: list[Series]) -> list[tuple[dict[str, str], dict[str, object]]]:
    rows = []
    for item in series:
        for values in item.values:
            rows.append((item.tags, dict(zip(item.columns, values))))
    return rows


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def room_days(
    influx: InfluxClient, *, tag: str, code: str, first_day: date, last_day: date, zone: ZoneInfo, high_temp_c: float
) -> list[RoomDay]:
    """Return per-day household-day counts of one unit or station (``tag`` is unit or station)."""
    where = f"\"{tag}\" = '{code}' AND {_window(first_day, last_day, zone)}"
    group = f"GROUP BY {_day_interval(first_day, zone)} fill(none)"
    counts = influx.query(
        f"SELECT count(valid) AS days, sum(valid) AS valid, sum(compliant) AS compliant "
        f"FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE {where} {group}"
    )
    high = influx.query(
        f"SELECT count(valid) AS high FROM {HOUSEHOLD_DAY_MEASUREMENT} "
        f"WHERE {where} AND valid = 1 AND mean_temp_c > {high_temp_c} {group}"
    )
    means = influx.query(
        f"SELECT mean(mean_temp_c) AS mean_temp FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE {where} AND valid = 1 {group}"
    )

    high_by_day = {local_day_of(row["time"], zone): _int(row["high"]) for _, row in _rows(high)}
    mean_by_day = {local_day_of(row["time"], zone): _float(row["mean_temp"]) for _, row in _rows(means)}
    days = []
    for _, row in _rows(counts):
        day = local_day_of(row["time"], zone)
        days.append(RoomDay(
            day=day, household_days=_int(row["days"]), valid=_int(row["valid"]), compliant=_int(row["compliant"]),
            high=high_by_day.get(day, 0), mean_temp_c=mean_by_day.get(day),
        ))
    return sorted(days, key=lambda item: item.day)


def household_days(
    influx: InfluxClient, *, household: str, first_day: date, last_day: date, zone: ZoneInfo
) -> list[dict[str, object]]:
    """Return the stored household-day points of one household, oldest first, with a ``day`` key."""
    series = influx.query(
        f"SELECT mean_temp_c, readings, usable_readings, fault_readings, coverage, valid, compliant "
        f"FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE \"household\" = '{household}' AND {_window(first_day, last_day, zone)}"
    )
    rows = []
    for _, row in _rows(series):
        row["day"] = local_day_of(row.pop("time"), zone)
        rows.append(row)
    return sorted(rows, key=lambda item: item["day"])


def station_days(
    influx: InfluxClient, *, tag: str, code: str, first_day: date, last_day: date, zone: ZoneInfo
) -> list[StationDay]:
    """Return the ``station_day`` points of one unit or station, oldest first."""
    series = influx.query(
        f"SELECT {STATION_HEAT_FIELD}, {STATION_INTERRUPTIONS_FIELD}, {STATION_INTERRUPTION_HOURS_FIELD} "
        f"FROM {STATION_DAY_MEASUREMENT} WHERE \"{tag}\" = '{code}' AND {_window(first_day, last_day, zone)} "
        f"GROUP BY station"
    )
    days = [
        StationDay(
            station=tags.get("station", ""), day=local_day_of(row["time"], zone),
            heat_gj=_float(row.get(STATION_HEAT_FIELD)),
            interruptions=_float(row.get(STATION_INTERRUPTIONS_FIELD)),
            interruption_hours=_float(row.get(STATION_INTERRUPTION_HOURS_FIELD)),
        )
        for tags, row in _rows(series)
    ]
    return sorted(days, key=lambda item: (item.day, item.station))


def household_totals(
    influx: InfluxClient, *, unit: str, first_day: date, last_day: date, zone: ZoneInfo
) -> list[HouseholdTotals]:
    """Return per-household counts of stored and valid household-days of one unit."""
    series = influx.query(
        f"SELECT count(valid) AS days, sum(valid) AS valid, mean(coverage) AS coverage "
        f"FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE \"unit\" = '{unit}' AND {_window(first_day, last_day, zone)} "
        f"GROUP BY station, household"
    )
    return [
        HouseholdTotals(
            station=tags.get("station", ""), household=tags.get("household", ""),
            household_days=_int(row["days"]), valid=_int(row["valid"]), coverage_mean=_float(row["coverage"]),
        )
        for tags, row in _rows(series)
    ]


def day_range(first_day: date, last_day: date) -> list[date]:
    """Return every local date from first_day to last_day inclusive."""
    return [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
