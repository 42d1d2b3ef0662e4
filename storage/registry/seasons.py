"""Repository functions for heating seasons (供暖期)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import check_changes, check_text
from storage.registry.assessment_models import Season
from storage.registry.audit import create_row, update_row
from storage.registry.errors import ConflictError, NotFoundError, RegistryValidationError

SEASON_CODE_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")
SEASON_FIELDS = ("official_start", "official_end", "rubric_version", "thresholds")


def check_season_code(code: str) -> str:
    """Return ``code`` when it names two consecutive years such as ``2025-2026``."""
    match = SEASON_CODE_PATTERN.match(code or "")
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise RegistryValidationError(f"供暖期编号 '{code}' 无效：应为相邻两年，例如 2025-2026")
    return code


def _check_dates(start: date, end: date) -> None:
    for label, value in (("开始日期", start), ("结束日期", end)):
        if not isinstance(value, date):
            raise RegistryValidationError(f"供暖期{label} '{value}' 无效：应为日期")
    if end <= start:
        raise RegistryValidationError(f"供暖期结束日期 {end} 必须晚于开始日期 {start}")


def _check_thresholds(thresholds: Any) -> dict[str, Any]:
    if thresholds is None:
        return {}
    if not isinstance(thresholds, dict):
        raise RegistryValidationError("考核阈值必须是键值对（JSON 对象）")
    return dict(thresholds)


def find_season(session: Session, *, code: str) -> Season | None:
    """Return the season with ``code``, or None."""
    return session.scalar(sa.select(Season).where(Season.code == code))


def get_season(session: Session, *, code: str) -> Season:
    """Return the season with ``code``, raising NotFoundError when there is none."""
    season = find_season(session, code=code)
    if season is None:
        raise NotFoundError(f"供暖期 '{code}' 不存在")
    return season


def list_seasons(session: Session) -> list[Season]:
    """Return every season, newest first."""
    return list(session.scalars(sa.select(Season).order_by(Season.official_start.desc())))


def create_season(
    session: Session,
    *,
    code: str,
    official_start: date,
    official_end: date,
    rubric_version: str,
    thresholds: dict[str, Any] | None = None,
    actor: str,
) -> Season:
    """Insert a season with its official local start and end dates (both inclusive) and log it."""
    check_season_code(code)
    if find_season(session, code=code) is not None:
        raise ConflictError(f"供暖期 '{code}' 已存在")
    _check_dates(official_start, official_end)

    season = Season(
        code=code,
        official_start=official_start,
        official_end=official_end,
        rubric_version=check_text(rubric_version, "考核细则版本", 64),
        thresholds=_check_thresholds(thresholds),
    )
    return create_row(session, season, actor=actor)


def update_season(session: Session, *, code: str, actor: str, **changes: Any) -> Season:
    """Change a season's dates, rubric version or thresholds and log the change."""
    check_changes(changes, SEASON_FIELDS, "供暖期")
    season = get_season(session, code=code)

    start = changes.get("official_start", season.official_start)
    end = changes.get("official_end", season.official_end)
    _check_dates(start, end)
    values: dict[str, Any] = {"official_start": start, "official_end": end}
    if "rubric_version" in changes:
        values["rubric_version"] = check_text(changes["rubric_version"], "考核细则版本", 64)
    if "thresholds" in changes:
        values["thresholds"] = _check_thresholds(changes["thresholds"])

    update_row(session, season, values, actor=actor)
    return season
