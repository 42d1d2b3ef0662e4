"""Repository functions for manual entries (自评、检查、抽查) and their review workflow.

An entry starts as ``draft``; its author submits it, and an admin or inspector accepts
or rejects it. Only ``draft`` and ``rejected`` entries can be edited, and editing a
rejected entry turns it back into a draft.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import check_changes, check_number, check_optional_text, check_text, coerce_enum
from storage.registry.assessment_models import ManualEntry, Season
from storage.registry.audit import create_row, delete_row, update_row
from storage.registry.base import EntryKind, EntrySource, EntryStatus, utc_now
from storage.registry.errors import EntryStateError, NotFoundError
from storage.registry.heating_units import get_heating_unit
from storage.registry.models import HeatingUnit
from storage.registry.seasons import get_season

ENTRY_FIELDS = ("code", "entry_kind", "source", "points", "value", "note")
EDITABLE_STATUSES = frozenset({EntryStatus.DRAFT, EntryStatus.REJECTED})
STATUS_NAMES = {
    EntryStatus.DRAFT: "草稿",
    EntryStatus.SUBMITTED: "已提交",
    EntryStatus.ACCEPTED: "已采纳",
    EntryStatus.REJECTED: "已退回",
}


def get_manual_entry(session: Session, *, entry_id: int) -> ManualEntry:
    """Return the manual entry with ``entry_id``, raising NotFoundError when there is none."""
    entry = session.get(ManualEntry, entry_id)
    if entry is None:
        raise NotFoundError(f"人工录入记录 {entry_id} 不存在")
    return entry


def list_manual_entries(
    session: Session,
    *,
    season_code: str,
    unit_code: str | None = None,
    status: EntryStatus | None = None,
    entry_kind: EntryKind | None = None,
) -> list[ManualEntry]:
    """Return a season's manual entries ordered by unit, code and id, filtered when asked."""
    query = (
        sa.select(ManualEntry)
        .join(Season, ManualEntry.season_id == Season.id)
        .join(HeatingUnit, ManualEntry.unit_id == HeatingUnit.id)
        .where(Season.code == season_code)
        .order_by(HeatingUnit.code, ManualEntry.code, ManualEntry.id)
    )
    if unit_code is not None:
        query = query.where(HeatingUnit.code == unit_code)
    if status is not None:
        query = query.where(ManualEntry.status == status)
    if entry_kind is not None:
        query = query.where(ManualEntry.entry_kind == entry_kind)
    return list(session.scalars(query))


def create_manual_entry(
    session: Session,
    *,
    season_code: str,
    unit_code: str,
    code: str,
    entry_kind: EntryKind | str,
    source: EntrySource | str,
    points: float | None = None,
    value: float | None = None,
    note: str | None = None,
    actor: str,
) -> ManualEntry:
    """Insert a draft entry entered by ``actor`` and log it."""
    season = get_season(session, code=season_code)
    unit = get_heating_unit(session, code=unit_code)

    entry = ManualEntry(
        season_id=season.id,
        unit_id=unit.id,
        code=check_text(code, "考核项编号", 64),
        entry_kind=coerce_enum(EntryKind, entry_kind, "录入类型"),
        source=coerce_enum(EntrySource, source, "来源"),
        points=check_number(points, "分值"),
        value=check_number(value, "数值"),
        note=check_optional_text(note, "说明", 4000),
        status=EntryStatus.DRAFT,
        entered_by=actor,
    )
    return create_row(session, entry, actor=actor)


def check_entry_editable(entry: ManualEntry) -> None:
    """Raise EntryStateError unless the entry is a draft or was rejected."""
    if entry.status not in EDITABLE_STATUSES:
        raise EntryStateError(
            f"人工录入记录 {entry.id} 当前状态为{STATUS_NAMES[entry.status]}，不能修改；只有草稿或已退回的记录可以修改"
        )


def update_manual_entry(session: Session, *, entry_id: int, actor: str, **changes: Any) -> ManualEntry:
    """Change an editable entry and log it; a rejected entry becomes a draft again."""
    check_changes(changes, ENTRY_FIELDS, "人工录入记录")
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_editable(entry)

    values: dict[str, Any] = {"status": EntryStatus.DRAFT}
    if "code" in changes:
        values["code"] = check_text(changes["code"], "考核项编号", 64)
    if "entry_kind" in changes:
        values["entry_kind"] = coerce_enum(EntryKind, changes["entry_kind"], "录入类型")
    if "source" in changes:
        values["source"] = coerce_enum(EntrySource, changes["source"], "来源")
    if "points" in changes:
        values["points"] = check_number(changes["points"], "分值")
    if "value" in changes:
        values["value"] = check_number(changes["value"], "数值")
    if "note" in changes:
        values["note"] = check_optional_text(changes["note"], "说明", 4000)

    update_row(session, entry, values, actor=actor)
    return entry


def submit_manual_entry(session: Session, *, entry_id: int, actor: str) -> ManualEntry:
    """Move a draft entry to ``submitted`` so that it can be reviewed."""
    entry = get_manual_entry(session, entry_id=entry_id)
    if entry.status != EntryStatus.DRAFT:
        raise EntryStateError(f"人工录入记录 {entry_id} 当前状态为{STATUS_NAMES[entry.status]}，只有草稿可以提交")

    update_row(session, entry, {"status": EntryStatus.SUBMITTED, "submitted_at": utc_now()}, actor=actor)
    return entry


def review_manual_entry(
    session: Session, *, entry_id: int, accept: bool, note: str | None = None, actor: str
) -> ManualEntry:
    """Accept or reject a submitted entry, recording the reviewer and the review note."""
    entry = get_manual_entry(session, entry_id=entry_id)
    if entry.status != EntryStatus.SUBMITTED:
        raise EntryStateError(f"人工录入记录 {entry_id} 当前状态为{STATUS_NAMES[entry.status]}，只有已提交的记录可以审核")

    values = {
        "status": EntryStatus.ACCEPTED if accept else EntryStatus.REJECTED,
        "reviewed_by": actor,
        "reviewed_at": utc_now(),
        "review_note": check_optional_text(note, "审核意见", 4000),
    }
    update_row(session, entry, values, actor=actor)
    return entry


def delete_manual_entry(session: Session, *, entry_id: int, actor: str) -> None:
    """Delete an editable entry together with its evidence rows, logging each deletion.

    The evidence files stay on disk because other entries may share the same content.
    """
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_editable(entry)

    for evidence in list(entry.evidence_files):
        delete_row(session, evidence, actor=actor, label=f"证明材料 {evidence.id}")
    session.expire(entry, ["evidence_files"])
    delete_row(session, entry, actor=actor, label=f"人工录入记录 {entry_id}")
