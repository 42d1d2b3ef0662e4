"""按时供热 and 提前供热或延长供热 from heated station-days.

A station heats on time when its heating is established on the official start day and it
keeps heating through the official end day. Late days are the local days from the official
start until heating is established. Early-stop days are those after the last heated day up
to the official end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from scoring.household_day import day_number
from scoring.indicators.common import optional_date, runs_of_true
from scoring.indicators.station_days import StationDays, heated_matrix
from scoring.thresholds import IndicatorThresholds, SeasonCalendar


@dataclass(frozen=True, slots=True)
class OnTimeHeating:
    """按时供热 of one station."""

    station_id: str
    first_heated_day: date | None  # first heated day in the data, test runs included
    established_day: date | None  # first day from the official start opening a heated run
    days_late: int  # days from the official start to established_day (all evaluated days if none)
    last_heated_day: date | None  # last heated day from the official start to the official end
    days_stopped_early: int | None  # days after last_heated_day through the end; None while running
    stopped_early_days_without_data: int | None  # of days_stopped_early, days without readings
    heated_days_in_season: int
    season_days_evaluated: int  # official start through min(official end, through)
    season_days_without_data: int
    on_time: bool  # not late and not stopped early


@dataclass(frozen=True, slots=True)
class OnTimeSummary:
    """按时供热 over a set of stations, such as one heating unit."""

    stations: tuple[OnTimeHeating, ...]
    late_stations: int
    late_station_days: int
    early_stop_stations: int
    early_stop_station_days: int


@dataclass(frozen=True, slots=True)
class EarlyExtendedHeating:
    """提前供热或延长供热 of one station."""

    station_id: str
    early_days: int  # heated run ending on the day before the official start
    extended_days: int  # heated run starting on the day after the official end
    heated_days_before_start: int  # every heated day before the start, test runs included
    heated_days_after_end: int


def on_time_heating(
    station_days: StationDays,
    season: SeasonCalendar,
    thresholds: IndicatorThresholds,
    through: date | None = None,
) -> OnTimeSummary:
    """Judge 按时供热 of every station in station_days.

    ``through`` is the last local day with data to judge; early stops are judged only once
    it reaches the official end. A station without any heated day from the official start
    is late on every evaluated day.
    """
    start = day_number(season.official_start)
    end = day_number(season.official_end)
    last = end if through is None else min(end, day_number(through))
    heated, has_data = heated_matrix(station_days, start, last)
    season_ended = last >= end
    run = thresholds.heating_established_days
    first_heated_days = _first_heated_days(station_days)

    results = []
    for s, station_id in enumerate(station_days.station_ids):
        first_heated = first_heated_days[s]

        established = _first_run_start(heated[s], run)
        days_evaluated = heated.shape[1]
        days_late = days_evaluated if established is None else established
        heated_positions = np.flatnonzero(heated[s])
        last_heated = int(heated_positions[-1]) if heated_positions.size else None

        stopped_early = None
        stopped_without_data = None
        if season_ended:
            after = slice(last_heated + 1 if last_heated is not None else days_evaluated, days_evaluated)
            stopped_early = after.stop - after.start
            stopped_without_data = int((~has_data[s, after]).sum())

        results.append(
            OnTimeHeating(
                station_id=station_id,
                first_heated_day=optional_date(first_heated),
                established_day=optional_date(None if established is None else start + established),
                days_late=days_late,
                last_heated_day=optional_date(None if last_heated is None else start + last_heated),
                days_stopped_early=stopped_early,
                stopped_early_days_without_data=stopped_without_data,
                heated_days_in_season=int(heated[s].sum()),
                season_days_evaluated=days_evaluated,
                season_days_without_data=int((~has_data[s]).sum()),
                on_time=days_late == 0 and not stopped_early,
            )
        )
    return summarise_on_time(results)


def summarise_on_time(stations: Sequence[OnTimeHeating]) -> OnTimeSummary:
    """Add up late and early-stop station-days over the given stations."""
    return OnTimeSummary(
        stations=tuple(stations),
        late_stations=sum(1 for s in stations if s.days_late > 0),
        late_station_days=sum(s.days_late for s in stations),
        early_stop_stations=sum(1 for s in stations if s.days_stopped_early),
        early_stop_station_days=sum(s.days_stopped_early or 0 for s in stations),
    )


def early_extended_heating(station_days: StationDays, season: SeasonCalendar) -> tuple[EarlyExtendedHeating, ...]:
    """Count heated days before the official start and after the official end per station.

    ``early_days`` and ``extended_days`` count only heating that runs continuously into or
    out of the season; isolated test days show up in the ``heated_days_*`` counts alone.
    """
    start = day_number(season.official_start)
    end = day_number(season.official_end)
    first = min(int(station_days.day.min()) if len(station_days) else start, start)
    last = max(int(station_days.day.max()) if len(station_days) else end, end)
    heated, _ = heated_matrix(station_days, first, last)

    before = heated[:, : start - first]
    after = heated[:, end - first + 1 :]
    results = []
    for s, station_id in enumerate(station_days.station_ids):
        results.append(
            EarlyExtendedHeating(
                station_id=station_id,
                early_days=_leading_run(before[s][::-1]),
                extended_days=_leading_run(after[s]),
                heated_days_before_start=int(before[s].sum()),
                heated_days_after_end=int(after[s].sum()),
            )
        )
    return tuple(results)


def _first_heated_days(station_days: StationDays) -> list[int | None]:
    no_day = np.iinfo(np.int32).max
    first = np.full(len(station_days.station_ids), no_day, dtype=np.int64)
    np.minimum.at(first, station_days.station[station_days.heated], station_days.day[station_days.heated])
    return [None if value == no_day else int(value) for value in first]


def _first_run_start(flags: np.ndarray, length: int) -> int | None:
    starts, lengths = runs_of_true(flags)
    # A run that reaches the end of the evaluated days may still grow, so it counts too.
    long_enough = (lengths >= length) | (starts + lengths == flags.size)
    return int(starts[long_enough][0]) if long_enough.any() else None


def _leading_run(flags: np.ndarray) -> int:
    unheated = np.flatnonzero(~flags)
    return int(unheated[0]) if unheated.size else int(flags.size)
