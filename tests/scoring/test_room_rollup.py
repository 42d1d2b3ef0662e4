"""The daily room rollup against a real InfluxDB: every stored field equals the direct computation.

Readings are written for a handful of households that cover each case the rollup
distinguishes: two sensors in one home, sensor faults, implausible values, a sensor with
only unusable readings, a sparse sensor, a reading on each side of local midnight and a
tag value that line protocol must escape. The stored ``household_day`` and ``device_day``
points are compared with ``compute_household_days`` over the same raw readings.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.household_day import RoomReadings, compute_household_days, day_number, local_day_start_ms
from scoring.rollup import roll_up_day
from scoring.thresholds import IndicatorThresholds
from settings import Settings
from storage.influx import InfluxClient
from storage.points import Point, to_line

pytestmark = pytest.mark.services

ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2024, 12, 7)
SLOT_MS = 900_000

# household, device, station, readings as (slot, temp_c, sensor_fault); slot -1 is the
# evening before the day (outside it), slot 96 the next day.
HOUSEHOLDS = [
    ("H1", "R1a", "S1", [(k, 19.0 + (k % 3) * 0.5, 0) for k in range(96)]),
    ("H1", "R1b", "S1", [(k, 17.25, 0) for k in range(0, 96, 2)]),
    ("H2", "R2", "S1", [(k, 18.0, 1 if k < 10 else 0) for k in range(96)] + [(-1, 30.0, 0), (96, 30.0, 0)]),
    ("H3", "R3", "S2", [(k, 55.0 if k % 4 == 0 else 21.5, 0) for k in range(96)]),
    ("H4", "R4", "S2", [(k, 16.0, 0) for k in range(30)]),
    ("H5", "R5", "S2", [(k, 99.0, 0) for k in range(40)]),
    ("H 6,x", "R6", "S2", [(k, 24.004, 0) for k in range(96)]),
]


def _write_readings(influx: InfluxClient) -> RoomReadings:
    start_ms = local_day_start_ms(day_number(DAY), ZONE)
    ids = sorted({household for household, *_ in HOUSEHOLDS})
    lines, household, time_ms, temp, fault = [], [], [], [], []
    for code, device, station, readings in HOUSEHOLDS:
        for slot, value, flag in readings:
            moment = start_ms + slot * SLOT_MS + 60_000
            tags = {"unit": "U1", "station": station, "household": code, "device": device}
            lines.append(to_line(Point("room_reading", tags, {"temp_c": value, "sensor_fault": float(flag)}, moment)))
            if 0 <= slot < 96:
                household.append(ids.index(code))
                time_ms.append(moment)
                temp.append(value)
                fault.append(bool(flag))
    influx.write_lines(lines)
    return RoomReadings(ids, np.array(household, dtype=np.int32), np.array(time_ms, dtype=np.int64),
                        np.array(temp), np.array(fault))


def test_rollup_stores_what_the_readings_give(service_settings: Settings) -> None:
    thresholds = IndicatorThresholds()
    with InfluxClient.from_settings(service_settings) as influx:
        readings = _write_readings(influx)
        result = roll_up_day(influx, DAY, ZONE, thresholds)
        stored = {item.tags["household"]: dict(zip(item.columns, item.values[0]))
                  for item in influx.query("SELECT * FROM household_day GROUP BY household")}
        devices = {item.tags["device"]: dict(zip(item.columns, item.values[0]))
                   for item in influx.query("SELECT * FROM device_day GROUP BY device")}

    expected = compute_household_days(readings, ZONE, thresholds)
    assert result.households == len(expected) == len(stored) == 6
    for row in range(len(expected)):
        code = expected.household_ids[expected.household[row]]
        point = stored[code]
        assert point["readings"] == expected.readings[row]
        assert point["usable_readings"] == expected.usable_readings[row]
        assert point["fault_readings"] == expected.fault_readings[row]
        assert point["implausible_readings"] == expected.implausible_readings[row]
        assert point["valid"] == float(expected.valid[row])
        assert point["compliant"] == float(expected.compliant[row])
        assert point["coverage"] == pytest.approx(expected.coverage[row])
        if np.isnan(expected.mean_temp_c[row]):
            assert point["mean_temp_c"] is None
        else:
            assert point["mean_temp_c"] == pytest.approx(expected.mean_temp_c[row], abs=1e-9)

    assert "H5" not in stored or stored["H5"]["usable_readings"] == 0
    assert stored["H1"]["devices"] == 2.0
    assert stored["H2"]["fault_readings"] == 10.0
    assert stored["H2"]["readings"] == 96.0
    assert devices["R1b"]["readings"] == 48.0
    assert devices["R1b"]["expected"] == 96.0
    assert set(devices) == {"R1a", "R1b"}, "only homes with several sensors get device-days"
    assert result.unit_counts["U1"]["households"] == 6


def test_rollup_over_ten_thousand_unusable(service_settings: Settings) -> None:
    """InfluxDB 1.x sends a series of more than 10,000 rows in internal chunks; all must count."""
    start_ms = local_day_start_ms(day_number(DAY), ZONE)
    lines = [
        to_line(Point("room_reading", {"unit": "U1", "station": "S1", "household": f"C{n:03d}", "device": f"RC{n:03d}"},
                      {"temp_c": 2.0, "sensor_fault": 0.0}, start_ms + slot * SLOT_MS))
        for n in range(110) for slot in range(96)
    ]
    with InfluxClient.from_settings(service_settings) as influx:
        influx.write_lines(lines)
        result = roll_up_day(influx, DAY, ZONE, IndicatorThresholds())
        stored = influx.query("SELECT sum(implausible_readings) AS implausible, sum(usable_readings) AS usable "
                              "FROM household_day")

    totals = dict(zip(stored[0].columns, stored[0].values[0]))
    assert result.households == 110
    assert totals["implausible"] == 110 * 96
    assert totals["usable"] == 0
