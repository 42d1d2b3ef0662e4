"""Assessment tables: seasons, manual entries with evidence, frozen annual results, audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.registry.base import (
    AuditAction,
    Base,
    EntryKind,
    EntrySource,
    EntryStatus,
    UtcDateTime,
    string_enum,
    utc_now,
)
from storage.registry.errors import FrozenResultError
from storage.registry.models import HeatingUnit


class Season(Base):
    """供暖期: one heating season with its official dates and the rubric that scores it."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Two consecutive years, for example ``2025-2026``.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # Local dates in Asia/Shanghai, both inclusive.
    official_start: Mapped[date]
    official_end: Mapped[date]
    rubric_version: Mapped[str] = mapped_column(sa.String(64))
    thresholds: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)

    __table_args__ = (
        sa.CheckConstraint("official_end > official_start", name="end_after_start"),
    )


class ManualEntry(Base):
    """A score or measured value typed in by people: self-assessment, inspection or spot check.

    ``code`` names the rubric item, bonus, deduction or veto it applies to, as the rubric
    file spells it.
    """

    __tablename__ = "manual_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    entry_kind: Mapped[EntryKind] = mapped_column(string_enum(EntryKind, "entry_kind"))
    source: Mapped[EntrySource] = mapped_column(string_enum(EntrySource, "entry_source"))
    points: Mapped[float | None]
    value: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[EntryStatus] = mapped_column(
        string_enum(EntryStatus, "entry_status"), default=EntryStatus.DRAFT
    )
    entered_by: Mapped[str] = mapped_column(sa.String(64))
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(64))
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    season: Mapped[Season] = relationship()
    unit: Mapped[HeatingUnit] = relationship()
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="entry", order_by="EvidenceFile.id"
    )

    __table_args__ = (
        sa.Index("ix_manual_entries_season_unit", "season_id", "unit_id"),
    )


class EvidenceFile(Base):
    """证明材料: a file attached to a manual entry, stored on disk under its SHA-256."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("manual_entries.id"), index=True)
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    stored_path: Mapped[str] = mapped_column(sa.String(1024))
    content_type: Mapped[str] = mapped_column(sa.String(128))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)

    entry: Mapped[ManualEntry] = relationship(back_populates="evidence_files")


class AnnualResult(Base):
    """年度考核结果 of one unit in one season, which can no longer change once ``frozen``.

    ORM flushes that update or delete a frozen row raise FrozenResultError.
    NOTE: a bulk ``UPDATE``/``DELETE`` statement bypasses that check, so change results
    only through storage.registry.results.
    """

    __tablename__ = "annual_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("heating_units.id"), index=True)
    rubric_version: Mapped[str] = mapped_column(sa.String(64))
    # Hash of the rubric file content, so a result can be traced to the exact rules used.
    rubric_hash: Mapped[str] = mapped_column(sa.String(128))
    total: Mapped[float]
    grade: Mapped[str] = mapped_column(sa.String(32))
    rank: Mapped[int | None]
    vetoed: Mapped[bool] = mapped_column(default=False)
    consequences: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    indicator_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    frozen: Mapped[bool] = mapped_column(default=False)
    frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    frozen_by: Mapped[str | None] = mapped_column(sa.String(64))

    season: Mapped[Season] = relationship()
    unit: Mapped[HeatingUnit] = relationship()

    # One result row per season and unit: recomputing replaces it until it is frozen.
    __table_args__ = (
        sa.UniqueConstraint("season_id", "unit_id", name="uq_annual_results_season_unit"),
    )


class AuditLogEntry(Base):
    """One create, update or delete of a registry row, manual entry or result, with before/after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
    actor: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[AuditAction] = mapped_column(string_enum(AuditAction, "audit_action"))
    table_name: Mapped[str] = mapped_column(sa.String(64))
    row_id: Mapped[int]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    __table_args__ = (
        sa.Index("ix_audit_log_table_row", "table_name", "row_id"),
    )


@sa.event.listens_for(AnnualResult, "before_update")
def _reject_frozen_update(_mapper: Any, _connection: Any, target: AnnualResult) -> None:
    """Stop any ORM flush that changes a result which was already frozen when loaded."""
    history = sa.inspect(target).attrs.frozen.history
    if True in history.unchanged or True in history.deleted:
        raise FrozenResultError(f"年度考核结果（编号 {target.id}）已冻结，不能修改")


@sa.event.listens_for(AnnualResult, "before_delete")
def _reject_frozen_delete(_mapper: Any, _connection: Any, target: AnnualResult) -> None:
    """Stop any ORM flush that deletes a frozen result."""
    history = sa.inspect(target).attrs.frozen.history
    if True in history.unchanged or True in history.deleted or True in history.added:
        raise FrozenResultError(f"年度考核结果（编号 {target.id}）已冻结，不能删除")
