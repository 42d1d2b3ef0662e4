"""Known-answer tests of data completeness per device and per heating unit."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.indicators import data_completeness

HOUR_MS = 3_600_000
START_MS = 1_735_660_800_000  # 2025-01-01 00:00 local (2024-12-31 16:00 UTC)
END_MS = START_MS + 24 * HOUR_MS


def build_report():
    # Device A: all 24 hourly slots plus two duplicates of the first reading.
    a_times = [START_MS + h * HOUR_MS for h in range(24)] + [START_MS + 60_000, START_MS + 120_000]
    # Device B: 12 of 24 slots, plus one reading after the window that must not count.
    b_times = [START_MS + h * HOUR_MS for h in range(0, 24, 2)] + [END_MS + 1]
    # Device C sends nothing; device D reports every 15 minutes, 48 of 96 slots.
    d_times = [START_MS + q * 15 * 60_000 for q in range(48)]

    device = np.array([0] * len(a_times) + [1] * len(b_times) + [3] * len(d_times), dtype=np.int32)
    time_ms = np.array(a_times + b_times + d_times, dtype=np.int64)
    return data_completeness(
        ["A", "B", "C", "D"],
        device,
        time_ms,
        interval_min=np.array([60, 60, 60, 15]),
        window_start_ms=START_MS,
        window_end_ms=END_MS,
        device_group=np.array([0, 0, 1, 1]),
        group_ids=["U1", "U2", "U3"],
    )


def test_device_completeness():
    report = build_report()
    a, b, c, d = report.devices

    assert (a.expected_readings, a.received_readings, a.raw_readings) == (24, 24, 26)
    assert a.completeness.value == 1.0
    assert (b.received_readings, b.raw_readings) == (12, 12)
    assert b.completeness.value == 0.5
    assert c.completeness.value == 0.0
    assert (d.expected_readings, d.received_readings) == (96, 48)


def test_unit_completeness():
    u1, u2, u3 = build_report().groups

    assert (u1.devices, u1.expected_readings, u1.received_readings) == (2, 48, 36)
    assert u1.completeness.value == pytest.approx(0.75)
    assert (u2.devices, u2.silent_devices) == (2, 1)
    assert u2.completeness.value == pytest.approx(48 / 120)
    assert u3.completeness.value is None
    assert "应收数据条数为 0" in u3.completeness.reason


def test_window_must_be_positive():
    with pytest.raises(ValueError, match="window_end_ms"):
        data_completeness(["A"], np.array([0]), np.array([START_MS]), np.array([60]), START_MS, START_MS)
