"""室温达标率 per heating unit over a range of local days, read from the daily rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from scoring.household_day import day_number, local_day_start_ms
from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT
from storage.influx import InfluxClient


@dataclass(frozen=True, slots=True)
class UnitCompliance:
    """室温达标率 of one heating unit with the counts behind it."""

    unit: str
    household_days: int
    valid_household_days: int
    compliant_household_days: int

    @property
    def rate(self) -> float | None:
        """Compliant ÷ valid household-days, or None when no household-day is valid."""
        if self.valid_household_days == 0:
            return None
        return self.compliant_household_days / self.valid_household_days


def unit_compliance(
    influx: InfluxClient, first_day: date, last_day: date, zone: ZoneInfo
) -> dict[str, UnitCompliance]:
    """Return 室温达标率 per heating unit for the local days first_day..last_day inclusive."""
    start_ms = local_day_start_ms(day_number(first_day), zone)
    end_ms = local_day_start_ms(day_number(last_day) + 1, zone)
    series = influx.query(
        f"SELECT count(valid) AS days, sum(valid) AS valid, sum(compliant) AS compliant "
        f"FROM {HOUSEHOLD_DAY_MEASUREMENT} WHERE time >= {start_ms}ms AND time < {end_ms}ms GROUP BY unit"
    )
    results = {}
    for item in series:
        unit = item.tags.get("unit", "")
        row = dict(zip(item.columns, item.values[0]))
        results[unit] = UnitCompliance(
            unit=unit,
            household_days=int(row.get("days") or 0),
            valid_household_days=int(row.get("valid") or 0),
            compliant_household_days=int(row.get("compliant") or 0),
        )
    return results
