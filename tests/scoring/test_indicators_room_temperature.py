"""Known-answer tests of the season room-temperature indicators and 测温比例."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scoring.household_day import RoomReadings, compute_household_days, day_number
from scoring.indicators import (
    OutdoorDays,
    measured_share,
    room_temperature_indicators,
    season_household_days,
)
from scoring.thresholds import IndicatorThresholds, SeasonCalendar

ZONE = ZoneInfo("Asia/Shanghai")
# Four expected readings a day, so three usable readings make a valid household-day.
THRESHOLDS = IndicatorThresholds(room_interval_min=360)
HOUSEHOLDS = ["H1", "H2", "H3", "H4"]
H1, H2, H3, H4 = range(4)


def local_ms(day: int, hour: int, minute: int = 0) -> int:
    """Return UTC milliseconds of a local time in January 2025."""
    return int(datetime(2025, 1, day, hour, minute, tzinfo=ZONE).timestamp() * 1000)


def build_readings() -> RoomReadings:
    """Build the scenario: H1 straddles midnight, H2 has a fault day, 01-08 is extreme cold."""
    rows: list[tuple[int, int, float, bool]] = []
    # H1: 01-06 ends at 23:45 local and 01-07 starts at 00:15 local.
    rows += [(H1, local_ms(6, h, m), 19.0, False) for h, m in ((2, 0), (8, 0), (14, 0), (23, 45))]
    rows += [(H1, local_ms(7, h, m), 17.0, False) for h, m in ((0, 15), (6, 0), (12, 0), (18, 0))]
    rows += [(H1, local_ms(8, h), 16.0, False) for h in (2, 8, 14)]
    # H2: on 01-06 two of four readings are sensor faults, leaving 2 usable of 3 needed.
    rows += [(H2, local_ms(6, h), 20.0, h >= 12) for h in (2, 8, 14, 20)]
    rows += [(H2, local_ms(7, h), 25.0, False) for h in (2, 8, 14, 20)]
    rows += [(H2, local_ms(8, h), 15.0, False) for h in (2, 8, 14)]
    # H3: comfortable days; one implausible 50 °C reading on 01-06 is dropped.
    rows += [(H3, local_ms(6, h), 21.0, False) for h in (2, 8, 14, 20)] + [(H3, local_ms(6, 21), 50.0, False)]
    rows += [(H3, local_ms(7, h), 22.0, False) for h in (2, 8, 14, 20)]
    rows += [(H3, local_ms(8, h), 21.0, False) for h in (2, 8, 14, 20)]
    # H4 regulates its own temperature and is excluded by the registry.
    rows += [(H4, local_ms(6, h), 10.0, False) for h in (2, 8, 14, 20)]

    household, time_ms, temp, fault = zip(*rows, strict=True)
    return RoomReadings(
        household_ids=HOUSEHOLDS,
        household=np.array(household, dtype=np.int32),
        time_ms=np.array(time_ms, dtype=np.int64),
        temp_c=np.array(temp),
        sensor_fault=np.array(fault),
    )


OUTDOOR = OutdoorDays.from_dates({date(2025, 1, 6): -8.0, date(2025, 1, 7): -12.0, date(2025, 1, 8): -20.0})
EXCLUDED = np.array([False, False, False, True])
STATION_OF_HOUSEHOLD = np.array([0, 0, 1, 1])


@pytest.fixture(scope="module")
def household_days():
    return compute_household_days(build_readings(), ZONE, THRESHOLDS)


def test_midnight_readings_split_by_local_day(household_days):
    h1 = household_days.household == H1
    day_6 = h1 & (household_days.day == day_number(date(2025, 1, 6)))
    day_7 = h1 & (household_days.day == day_number(date(2025, 1, 7)))

    assert household_days.readings[day_6].tolist() == [4]
    assert household_days.mean_temp_c[day_6].tolist() == [19.0]
    assert household_days.readings[day_7].tolist() == [4]
    assert household_days.mean_temp_c[day_7].tolist() == [17.0]


def test_station_counts_and_rates(household_days):
    report = room_temperature_indicators(
        household_days, STATION_OF_HOUSEHOLD, ["S1", "S2"], EXCLUDED, OUTDOOR, THRESHOLDS
    )
    s1 = report.groups[0]

    # H1: 01-06 (19, compliant), 01-07 (17, low); H2: 01-06 invalid (faults), 01-07 (25, high).
    assert s1.household_days == 6
    assert s1.cold_excluded_days == 2
    assert s1.invalid_days == 1
    assert s1.valid_days == 3
    assert s1.compliant_days == 2
    assert s1.low_days == 1
    assert s1.high_days == 1
    assert s1.comfort_days == 0
    assert s1.readings == 22
    assert s1.fault_readings == 2
    assert s1.mean_temp_c == pytest.approx((19 + 17 + 25) / 3)
    assert s1.compliance.value == pytest.approx(2 / 3)
    assert s1.low_rate.value == pytest.approx(1 / 3)
    assert s1.high_rate.value == pytest.approx(1 / 3)
    assert s1.comfort_rate.value == 0.0
    # H1 is compliant on 1 of 2 valid days (below 90 %), H2 on 1 of 1.
    assert s1.households_with_valid_days == 2
    assert s1.households_compliant == 1
    assert s1.household_compliance.value == 0.5


def test_excluded_household_and_implausible(household_days):
    report = room_temperature_indicators(
        household_days, STATION_OF_HOUSEHOLD, ["S1", "S2"], EXCLUDED, OUTDOOR, THRESHOLDS
    )
    s2 = report.groups[1]

    assert s2.measured_households == 1
    assert s2.excluded_households == 1
    assert s2.household_days == 3
    assert s2.cold_excluded_days == 1
    assert s2.valid_days == 2
    assert s2.compliant_days == 2
    assert s2.comfort_days == 2
    assert s2.implausible_readings == 1
    assert s2.mean_temp_c == pytest.approx(21.5)
    assert s2.compliance.value == 1.0


def test_cold_days_reported(household_days):
    report = room_temperature_indicators(
        household_days, STATION_OF_HOUSEHOLD, ["S1", "S2"], EXCLUDED, OUTDOOR, THRESHOLDS
    )

    assert report.cold_days == (date(2025, 1, 8),)
    assert report.days_without_outdoor == 0


def test_zero_denominator_gives_none(household_days):
    report = room_temperature_indicators(
        household_days, np.arange(4), HOUSEHOLDS, EXCLUDED, OUTDOOR, THRESHOLDS
    )
    h4 = report.groups[H4]

    assert h4.valid_days == 0
    assert h4.compliance.value is None
    assert "没有有效户日" in h4.compliance.reason
    assert h4.household_compliance.value is None
    assert h4.mean_temp_c is None


def test_unknown_outdoor_day_is_kept(household_days):
    outdoor = OutdoorDays.from_dates({date(2025, 1, 6): -8.0})
    report = room_temperature_indicators(
        household_days, STATION_OF_HOUSEHOLD, ["S1", "S2"], EXCLUDED, outdoor, THRESHOLDS
    )

    assert report.cold_days == ()
    assert report.days_without_outdoor == 2
    assert report.groups[0].valid_days == 5


def test_season_window_and_edge_days(household_days):
    season = SeasonCalendar(official_start=date(2025, 1, 6), official_end=date(2025, 1, 8))

    whole = season_household_days(household_days, season, THRESHOLDS)
    trimmed = season_household_days(household_days, season, IndicatorThresholds(season_edge_days_excluded=1))
    through = season_household_days(household_days, season, THRESHOLDS, through=date(2025, 1, 6))

    assert len(whole) == len(household_days)
    assert set(trimmed.day.tolist()) == {day_number(date(2025, 1, 7))}
    assert set(through.day.tolist()) == {day_number(date(2025, 1, 6))}


def test_measured_share_per_station(household_days):
    shares = measured_share(
        household_days,
        np.array([0, 0, 1, 2]),
        ["S1", "S2", "S3"],
        EXCLUDED,
        heated_households=np.array([20, 30, 0]),
        thresholds=THRESHOLDS,
    )

    # S1: H1 and H2 have valid days, 2 of 20 = 10 %, which meets the 10 % minimum.
    assert shares[0].measured_households == 2
    assert shares[0].share.value == pytest.approx(0.1)
    assert shares[0].meets_minimum is True
    # S2: H3 only, 1 of 30.
    assert shares[1].share.value == pytest.approx(1 / 30)
    assert shares[1].meets_minimum is False
    # S3: no heated households in the registry.
    assert shares[2].share.value is None
    assert shares[2].meets_minimum is None
    assert "在供住户数为 0" in shares[2].share.reason


def test_mismatched_group_array_rejected(household_days):
    with pytest.raises(ValueError, match="household_group"):
        room_temperature_indicators(household_days, np.arange(3), ["a"], EXCLUDED, OUTDOOR, THRESHOLDS)
