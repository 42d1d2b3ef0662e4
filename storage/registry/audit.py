"""The audit trail: JSON snapshots of rows and one log entry per create, update or delete."""

from __future__ import annotations

import logging
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.registry.assessment_models import AuditLogEntry
from storage.registry.base import AuditAction, Base
from storage.registry.errors import ConflictError

logger = logging.getLogger(__name__)

# Columns whose value never goes into the audit log. The snapshot keeps only a marker.
REDACTED_COLUMNS = frozenset({"password_hash"})
REDACTED_MARKER = "***"

RowT = TypeVar("RowT", bound=Base)


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: Base) -> dict[str, Any]:
    """Return the row's column values as a JSON-ready dict, with secrets masked."""
    values: dict[str, Any] = {}
    for column in sa.inspect(type(row)).columns:
        key = column.key
        if key in REDACTED_COLUMNS:
            values[key] = REDACTED_MARKER
            continue
        values[key] = _json_value(getattr(row, key))
    return values


def record_audit(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    row: Base,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditLogEntry:
    """Add one audit log entry for a change to ``row``, which must already have its id."""
    entry = AuditLogEntry(
        actor=actor,
        action=action,
        table_name=row.__tablename__,
        row_id=row.id,  # type: ignore[attr-defined]
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def create_row(session: Session, row: RowT, *, actor: str) -> RowT:
    """Insert ``row`` and log its creation."""
    session.add(row)
    session.flush()

    record_audit(session, actor=actor, action=AuditAction.CREATE, row=row, before=None, after=snapshot(row))
    logger.debug("Created %s id=%s by %s", row.__tablename__, row.id, actor)  # type: ignore[attr-defined]
    return row


def update_row(
    session: Session, row: RowT, changes: dict[str, Any], *, actor: str
) -> bool:
    """Apply ``changes`` to ``row`` and log them, returning False when nothing changed."""
    before = snapshot(row)
    for key, value in changes.items():
        setattr(row, key, value)

    # Compare before flushing, because ``updated_at`` moves on every flush with changes.
    after = snapshot(row)
    if after == before:
        return False

    session.flush()
    after = snapshot(row)
    record_audit(session, actor=actor, action=AuditAction.UPDATE, row=row, before=before, after=after)
    return True


def delete_row(session: Session, row: Base, *, actor: str, label: str) -> None:
    """Delete ``row`` and log it, raising ConflictError when other rows still refer to it."""
    before = snapshot(row)
    row_id = row.id  # type: ignore[attr-defined]

    try:
        with session.begin_nested():
            session.delete(row)
            session.flush()
    except IntegrityError as error:
        logger.info("Delete of %s id=%s rejected: %s", row.__tablename__, row_id, error.orig)
        raise ConflictError(f"无法删除{label}：仍有其他记录引用它，请先删除或改挂这些记录") from None

    entry = AuditLogEntry(
        actor=actor,
        action=AuditAction.DELETE,
        table_name=row.__tablename__,
        row_id=row_id,
        before=before,
        after=None,
    )
    session.add(entry)
    session.flush()


def list_audit_entries(
    session: Session, *, table_name: str | None = None, row_id: int | None = None, limit: int = 1000
) -> list[AuditLogEntry]:
    """Return audit entries, newest first, optionally for one table or one row."""
    query = sa.select(AuditLogEntry).order_by(AuditLogEntry.id.desc()).limit(limit)
    if table_name is not None:
        query = query.where(AuditLogEntry.table_name == table_name)
    if row_id is not None:
        query = query.where(AuditLogEntry.row_id == row_id)
    return list(session.scalars(query))
