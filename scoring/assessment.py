"""The annual assessment of a season: registry and indicators in, ranked results stored.

For each active heating unit and CHP heat source the assessment gathers three inputs:
the season's indicator snapshot, the manual entries that count (submitted or accepted,
not drafts or rejected ones) and the stored results of earlier seasons. It runs the
rubric engine, ranks each unit kind separately and stores every result with its rank,
consequences and full explanation. A frozen result is never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from scoring.annual import (
    AssessmentInput,
    AssessmentResult,
    DataWindow,
    EntrySource,
    GroupRanking,
    IndicatorSnapshot,
    IndicatorValue,
    ManualEntry,
    PastResult,
    assess,
    rank_season,
)
from pydantic import ValidationError

from scoring.annual.entries import entry_problems, rules_by_code
from scoring.rubric import Rubric, load_shipped_rubric, shipped_rubric_ids
from scoring.rubric.schema import Item, Veto
from storage.registry import (
    EntryStatus,
    HeatingUnit,
    Season,
    find_annual_result,
    get_heating_unit,
    get_season,
    list_heating_units,
    list_manual_entries,
    list_seasons,
    save_annual_result,
)

logger = logging.getLogger(__name__)

COUNTED_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED)


class AssessmentError(RuntimeError):
    """Raised when a season cannot be assessed; the message is Chinese."""


@dataclass(frozen=True)
class SeasonAssessment:
    """Outcome of one assessment run: every result, the ranking of each unit kind, what was skipped."""

    season_code: str
    results: list[AssessmentResult]
    rankings: list[GroupRanking]
    skipped_frozen: list[str]
    skipped_entries: list[str]


def rubrics_for_season(season: Season) -> dict[str, Rubric]:
    """Return the rubric per unit kind: the season's own for heating units, its CHP sibling for CHP sources.

    ``season.rubric_version`` names the heating-unit rubric (for example ``baotou-2024``); the
    CHP rubric is the shipped rubric for 热电联产热源单位 of the same season year.
    """
    try:
        heating = load_shipped_rubric(season.rubric_version)
    except Exception as error:  # noqa: BLE001 - the loader raises several kinds, all fatal here
        raise AssessmentError(f"供暖期 {season.code} 的评分细则 '{season.rubric_version}' 无法加载：{error}") from error

    rubrics = {heating.unit_kind.value: heating}
    for rubric_id in shipped_rubric_ids():
        candidate = load_shipped_rubric(rubric_id)
        same_year = candidate.season_start_year == heating.season_start_year
        if same_year and candidate.unit_kind.value not in rubrics:
            rubrics[candidate.unit_kind.value] = candidate
    return rubrics


def _rule_kind(rubric: Rubric, code: str) -> str | None:
    """Return the entry kind (item, bonus, deduction, veto) a rubric code takes, or None."""
    if any(rule.code == code for rule in rubric.bonuses):
        return "bonus"
    if any(rule.code == code for rule in rubric.deductions):
        return "deduction"
    rule = rules_by_code(rubric).get(code)
    if isinstance(rule, Item):
        return "item"
    if isinstance(rule, Veto):
        return "veto"
    return None


def check_manual_entry(
    session: Session,
    *,
    season_code: str,
    unit_code: str,
    code: str,
    entry_kind: str,
    source: str,
    points: float | None,
    value: float | None,
) -> None:
    """Raise AssessmentError, in Chinese, unless the entry fits the rubric that scores this unit."""
    season = get_season(session, code=season_code)
    unit = get_heating_unit(session, code=unit_code)
    rubric = rubrics_for_season(season).get(unit.kind.value)
    if rubric is None:
        raise AssessmentError(f"供暖期 {season_code} 没有适用于该类单位的评分细则")

    expected_kind = _rule_kind(rubric, code)
    if expected_kind is None:
        raise AssessmentError(f"编码 {code} 不是评分细则 {rubric.rubric_id} 中的考核项、加分、扣分或否决项")
    if expected_kind != entry_kind:
        names = {"item": "考核项", "bonus": "加分", "deduction": "扣分", "veto": "否决项"}
        raise AssessmentError(
            f"编码 {code} 在评分细则中属于{names[expected_kind]}，不能作为{names.get(entry_kind, entry_kind)}录入"
        )
    try:
        entry = ManualEntry(
            entry_id="新录入", target=code, source=EntrySource(source), points=points, value=value,
            entered_by="check", entered_at=datetime.now(timezone.utc),
        )
    except ValidationError as error:
        raise AssessmentError(f"录入内容无效：{error.errors()[0]['msg']}") from None
    problems = entry_problems(rubric, [entry])
    if problems:
        raise AssessmentError("；".join(problems))


def _manual_entries(
    session: Session, season_code: str, unit_code: str, rubric: Rubric, skipped: list[str]
) -> list[ManualEntry]:
    """Return the counted entries of a unit; entries the rubric cannot take are left out and listed."""
    entries = []
    for status in COUNTED_STATUSES:
        for row in list_manual_entries(session, season_code=season_code, unit_code=unit_code, status=status):
            entries.append(
                ManualEntry(
                    entry_id=str(row.id),
                    target=row.code,
                    source=EntrySource(row.source.value),
                    points=row.points,
                    value=row.value,
                    note=row.note or "",
                    evidence=[evidence.original_filename for evidence in row.evidence_files],
                    entered_by=row.entered_by,
                    entered_at=row.submitted_at or row.created_at,
                )
            )
    valid = []
    for entry in entries:
        problems = entry_problems(rubric, [entry])
        if problems:
            # Entries stored before the API checked them against the rubric must not stop the
            # whole season. They are left out and reported for an inspector to correct.
            skipped.append(f"{unit_code}：{'；'.join(problems)}")
            logger.warning("manual entry %s of unit %s left out: %s", entry.entry_id, unit_code, problems)
            continue
        valid.append(entry)
    return valid


def _past_results(session: Session, season: Season, unit_code: str) -> list[PastResult]:
    past = []
    for earlier in list_seasons(session):
        if earlier.official_start >= season.official_start:
            continue
        stored = find_annual_result(session, season_code=earlier.code, unit_code=unit_code)
        if stored is not None:
            past.append(
                PastResult(
                    season_start_year=earlier.official_start.year,
                    grade=stored.grade,
                    total=stored.total,
                    vetoed=stored.vetoed,
                )
            )
    return past


def empty_snapshot(season: Season, reason: str) -> IndicatorSnapshot:
    """Return a snapshot over the season in which every indicator is missing for ``reason``."""
    from scoring.rubric import INDICATORS

    window = DataWindow(start=season.official_start, end=season.official_end)
    return IndicatorSnapshot(
        window=window, values={code: IndicatorValue(value=None, missing_reason=reason) for code in INDICATORS}
    )


def assess_season(
    session: Session,
    *,
    season_code: str,
    snapshots: Mapping[str, IndicatorSnapshot],
    actor: str,
    computed_at: datetime | None = None,
) -> SeasonAssessment:
    """Assess, rank and store every active unit of the season; frozen results are kept as they are."""
    season = get_season(session, code=season_code)
    rubrics = rubrics_for_season(season)
    computed_at = computed_at or datetime.now(timezone.utc)

    results = []
    skipped_entries: list[str] = []
    units: dict[str, HeatingUnit] = {}
    for unit in list_heating_units(session, active=True):
        rubric = rubrics.get(unit.kind.value)
        if rubric is None:
            raise AssessmentError(f"供暖期 {season_code} 没有适用于 {unit.kind.value} 类单位的评分细则")
        snapshot = snapshots.get(unit.code) or empty_snapshot(season, "该单位在本供暖期没有自动指标数据")
        inputs = AssessmentInput(
            company_id=unit.code,
            company_name=unit.name,
            season_start_year=rubric.season_start_year,
            indicators=snapshot,
            manual_entries=_manual_entries(session, season_code, unit.code, rubric, skipped_entries),
            past_results=_past_results(session, season, unit.code),
        )
        results.append(assess(rubric, inputs))
        units[unit.code] = unit

    rankings = rank_season(results, list({rubric.rubric_id: rubric for rubric in rubrics.values()}.values()))
    skipped = _store(session, season_code, results, rankings, actor, computed_at)
    logger.info("assessed season %s: %d units, %d frozen results kept", season_code, len(results), len(skipped))
    return SeasonAssessment(
        season_code=season_code, results=results, rankings=rankings, skipped_frozen=skipped,
        skipped_entries=skipped_entries,
    )


def _store(
    session: Session,
    season_code: str,
    results: list[AssessmentResult],
    rankings: list[GroupRanking],
    actor: str,
    computed_at: datetime,
) -> list[str]:
    placed = {company.company_id: company for ranking in rankings for company in ranking.companies}
    skipped = []
    for result in results:
        stored = find_annual_result(session, season_code=season_code, unit_code=result.company_id)
        if stored is not None and stored.frozen:
            skipped.append(result.company_id)
            continue
        company = placed[result.company_id]
        save_annual_result(
            session,
            season_code=season_code,
            unit_code=result.company_id,
            rubric_version=f"{result.rubric_id}@{result.rubric_version}",
            rubric_hash=result.rubric_hash,
            total=float(result.total),
            grade=result.grade.value,
            rank=company.rank,
            vetoed=result.vetoed,
            consequences=company.model_dump(mode="json"),
            explanation=result.model_dump(mode="json"),
            indicator_values=result.inputs.indicators.model_dump(mode="json"),
            computed_at=computed_at,
            actor=actor,
        )
    return skipped
