"""Ground truth of a season: room tallies as emitted and station heating days, by plain arithmetic.

The definitions follow the platform's documented indicator rules with their default
thresholds, written out here without using the scoring code. A household-day is valid
when its usable readings (not flagged, within 5–35 °C) reach 75 % of one reading per room
interval. It is compliant when its mean rounded half-up to 0.01 °C is at least 18 °C, 高温 above
24 °C and comfortable from 20 to 24 °C. Excluded households (报停, 自主调节) and extreme-cold days (outdoor
daily mean below −16.6 °C) do not count. A station-day is heated when at least 80 % of its
readings have secondary supply above 40 °C and supply minus return above 3 °C.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from simulators.season.city import SeasonCity, SeasonHousehold
from simulators.season.config import SeasonConfig
from simulators.season.timeline import SeasonWindow

COMPLIANCE_FLOOR_C = 18.0
HIGH_TEMP_C = 24.0
COMFORT_RANGE_C = (20.0, 24.0)
PLAUSIBLE_RANGE_C = (5.0, 35.0)
MIN_DAY_COVERAGE = 0.75
DESIGN_OUTDOOR_C = -16.6
HEATED_SUPPLY_MIN_C = 40.0
HEATED_DELTA_MIN_C = 3.0
HEATED_READING_SHARE = 0.8
LOW_STREAK_DAYS = 7
COUNTERS = ("household_days", "valid", "compliant", "low", "high", "comfort", "readings", "fault_readings", "implausible_readings")


@dataclass(slots=True)
class StationRoomDays:
    """Room tallies of one station per window day."""

    counts: dict[str, np.ndarray]
    mean_sum: np.ndarray  # sum of valid household-day means
    excluded_household_days: int = 0



def half_up_hundredths(total_hundredths: int, count: int) -> int:
    """Return the mean of count values given in whole hundredths, rounded half-up, exactly."""
    return (2 * total_hundredths + count) // (2 * count)

class RoomTally:
    """Household-day tallies per station and window day, filled while the stream is produced."""

    def __init__(self, city: SeasonCity, window: SeasonWindow, season: SeasonConfig) -> None:
        self.window = window
        self.expected_per_day = 1440 // season.room_interval_min
        self.first_season_day = window.day_index(season.official_start)
        self.last_season_day = window.day_index(season.official_end)
        self.stations = {
            station.code: StationRoomDays({name: np.zeros(window.days, dtype=np.int64) for name in COUNTERS}, np.zeros(window.days))
            for station in city.stations()
        }
        self._replayed: dict[tuple[str, int], list[float]] = defaultdict(list)
        self._replayed_households: dict[str, SeasonHousehold] = {}

    def add_day(self, household: SeasonHousehold, day: int, temps: np.ndarray, flagged: np.ndarray) -> None:
        """Tally one household-day from the readings sent that day (temperatures as emitted)."""
        if not self.first_season_day <= day <= self.last_season_day or temps.size == 0:
            return
        tally = self.stations[household.station]
        if household.exclusion is not None:
            tally.excluded_household_days += 1
            return

        plausible = (temps >= PLAUSIBLE_RANGE_C[0]) & (temps <= PLAUSIBLE_RANGE_C[1])
        usable = plausible & ~flagged
        counts = tally.counts
        counts["household_days"][day] += 1
        counts["readings"][day] += temps.size
        counts["fault_readings"][day] += int(flagged.sum())
        counts["implausible_readings"][day] += int((~plausible & ~flagged).sum())
        usable_count = int(usable.sum())
        if usable_count == 0 or usable_count / self.expected_per_day < MIN_DAY_COVERAGE:
            return

        hundredths = np.rint(temps[usable] * 100).astype(np.int64)
        mean = half_up_hundredths(int(hundredths.sum()), hundredths.size) / 100
        counts["valid"][day] += 1
        counts["compliant"][day] += mean >= COMPLIANCE_FLOOR_C
        counts["low"][day] += mean < COMPLIANCE_FLOOR_C
        counts["high"][day] += mean > HIGH_TEMP_C
        counts["comfort"][day] += COMFORT_RANGE_C[0] <= mean <= COMFORT_RANGE_C[1]
        tally.mean_sum[day] += mean

    def add_replayed(self, household: SeasonHousehold, time_ms: int, temp_c: float) -> None:
        """Keep one replayed room reading until ``finish`` tallies its day."""
        day = int((time_ms - self.window.start_ms) // 86_400_000)
        self._replayed[(household.code, day)].append(temp_c)
        self._replayed_households[household.code] = household

    def finish(self) -> None:
        """Tally the household-days of replayed readings."""
        for (code, day), temps in sorted(self._replayed.items()):
            values = np.array(temps)
            self.add_day(self._replayed_households[code], day, values, np.zeros(values.size, dtype=bool))
        self._replayed.clear()

    def summary(self, stations: list[str], extreme_days: np.ndarray) -> dict:
        """Sum the season's tallies of some stations, leaving out extreme-cold days, with the rates."""
        keep = np.zeros(self.window.days, dtype=bool)
        keep[self.first_season_day : self.last_season_day + 1] = True
        keep &= ~extreme_days
        totals = {name: int(sum(self.stations[code].counts[name][keep].sum() for code in stations)) for name in COUNTERS}
        totals["extreme_cold_household_days"] = int(
            sum(self.stations[code].counts["household_days"][extreme_days].sum() for code in stations)
        )
        totals["excluded_household_days"] = sum(self.stations[code].excluded_household_days for code in stations)
        valid = totals["valid"]
        for name in ("compliant", "low", "high", "comfort"):
            totals[f"{name}_rate"] = round(totals[name] / valid, 6) if valid else None
        return totals

    def daily_means(self, station: str) -> list[float | None]:
        """Return a station's daily room temperature (mean of valid household-day means) per season day."""
        tally = self.stations[station]
        means = []
        for day in range(self.first_season_day, self.last_season_day + 1):
            valid = int(tally.counts["valid"][day])
            total = int(round(float(tally.mean_sum[day]) * 100))
            means.append(half_up_hundredths(total, valid) / 100 if valid else None)
        return means

    def low_streaks(self, station: str, extreme_days: np.ndarray) -> list[dict]:
        """Return runs of at least 7 season days whose daily room temperature is below 18 °C."""
        streaks = []
        run: list[int] = []
        for offset, mean in enumerate([*self.daily_means(station), None]):
            day = self.first_season_day + offset
            extreme = day < self.window.days and bool(extreme_days[day])
            if mean is not None and not extreme and mean < COMPLIANCE_FLOOR_C:
                run.append(day)
                continue
            if len(run) >= LOW_STREAK_DAYS:
                streaks.append(
                    {"first_day": self.window.day(run[0]).isoformat(), "last_day": self.window.day(run[-1]).isoformat(),
                     "days": len(run)}
                )
            run = []
        return streaks


def extreme_cold_days(outdoor_c: np.ndarray, window: SeasonWindow, stride: int) -> np.ndarray:
    """Return per window day whether the outdoor daily mean of the emitted readings is below −16.6 °C."""
    emitted = np.round(outdoor_c, 1).reshape(window.days, window.steps_per_day)[:, ::stride]
    return np.round(emitted.mean(axis=1), 2) < DESIGN_OUTDOOR_C


def heated_days(supply_c: np.ndarray, return_c: np.ndarray, window: SeasonWindow, stride: int) -> np.ndarray:
    """Return per window day whether the station-day is heated, from the readings as emitted."""
    supply = np.round(supply_c, 2).reshape(window.days, window.steps_per_day)[:, ::stride]
    returned = np.round(return_c, 2).reshape(window.days, window.steps_per_day)[:, ::stride]
    heating = (supply > HEATED_SUPPLY_MIN_C) & (supply - returned > HEATED_DELTA_MIN_C)
    # The epsilon keeps exactly 80 % of readings from failing the 0.8 share on rounding.
    return heating.sum(axis=1) >= HEATED_READING_SHARE * heating.shape[1] - 1e-9


def heating_outcome(heated: np.ndarray, window: SeasonWindow, season: SeasonConfig) -> dict:
    """Return the start, delay, early, extended and early-stop days implied by heated station-days."""
    first = window.day_index(season.official_start)
    last = window.day_index(season.official_end)
    in_season = np.flatnonzero(heated[first : last + 1])
    start = first + int(in_season[0]) if in_season.size else None
    final = first + int(in_season[-1]) if in_season.size else None

    early = 0
    while first - early - 1 >= 0 and heated[first - early - 1]:
        early += 1
    extended = 0
    while last + extended + 1 < window.days and heated[last + extended + 1]:
        extended += 1
    return {
        "first_heated_day": None if start is None else window.day(start).isoformat(),
        "start_delay_days": (last - first + 1) if start is None else start - first,
        "last_heated_day": None if final is None else window.day(final).isoformat(),
        "early_stop_days": (last - first + 1) if final is None else last - final,
        "early_heating_days": early,
        "extended_heating_days": extended,
        "heated_days_in_season": int(in_season.size),
    }
