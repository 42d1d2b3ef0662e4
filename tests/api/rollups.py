"""Hand-made daily rollups for API tests: household_day and station_day points with known counts."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from api.timeseries import STATION_DAY_MEASUREMENT
from scoring.household_day import day_number, local_day_start_ms
from scoring.rollup import HOUSEHOLD_DAY_MEASUREMENT
from storage.influx import InfluxClient
from storage.points import Point, to_line

ZONE = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2025, 12, 1)


def household_day_point(unit: str, station: str, household: str, day: date, mean_temp_c: float | None,
                        valid: bool = True) -> Point:
    """Build one household_day point; a day whose mean is None has no usable readings."""
    fields = {
        "readings": 96.0, "usable_readings": 96.0 if valid else 10.0, "fault_readings": 0.0,
        "implausible_readings": 0.0, "coverage": 1.0 if valid else 0.1, "valid": 1.0 if valid else 0.0,
        "compliant": 1.0 if valid and mean_temp_c is not None and mean_temp_c >= 18.0 else 0.0,
    }
    if mean_temp_c is not None:
        fields["mean_temp_c"] = mean_temp_c
    start_ms = local_day_start_ms(day_number(day), ZONE)
    return Point(HOUSEHOLD_DAY_MEASUREMENT, {"unit": unit, "station": station, "household": household}, fields, start_ms)


def station_day_point(unit: str, station: str, day: date, heat_gj: float, interruptions: float, hours: float) -> Point:
    """Build one station_day point."""
    start_ms = local_day_start_ms(day_number(day), ZONE)
    fields = {"heat_gj": heat_gj, "interruptions": interruptions, "interruption_hours": hours}
    return Point(STATION_DAY_MEASUREMENT, {"unit": unit, "station": station}, fields, start_ms)


def write_sample_rollups(influx: InfluxClient, days: int = 14) -> None:
    """Write ``days`` days from 2025-12-01 for the seeded households and U01's stations.

    Per day: H01A1 at 20 °C (compliant), H01A2 at 16 °C (low), H01B1 at 25 °C (high,
    compliant), H02A1 at 19 °C; so U01 has 3 valid household-days, 2 compliant, 1 low,
    1 high. S01A reports 50 GJ (0.005 GJ/m² on 10,000 m²) and one 2-hour interruption on
    the third day; S01B reports 40 GJ on 8,000 m².
    """
    points = []
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        points += [
            household_day_point("U01", "S01A", "H01A1", day, 20.0),
            household_day_point("U01", "S01A", "H01A2", day, 16.0),
            household_day_point("U01", "S01B", "H01B1", day, 25.0),
            household_day_point("U02", "S02A", "H02A1", day, 19.0),
            station_day_point("U01", "S01A", day, 50.0, 1.0 if offset == 2 else 0.0, 2.0 if offset == 2 else 0.0),
            station_day_point("U01", "S01B", day, 40.0, 0.0, 0.0),
        ]
    influx.write_lines([to_line(point) for point in points])
