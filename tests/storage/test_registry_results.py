"""Seasons, manual entries with evidence, and frozen annual results, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage import registry
from storage.registry import AuditAction, EntryStateError, EntryStatus, FrozenResultError, RegistryValidationError
from storage.registry.testing import temporary_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
SEASON = "2025-2026"


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """Yield a session on a migrated database holding one unit and one season."""
    with temporary_database(request.param, tmp_path) as url:
        factory = registry.make_session_factory(url)
        with factory() as db_session:
            registry.create_heating_unit(db_session, code="btrl", name="包头市热力", actor="admin")
            registry.create_heating_unit(db_session, code="bgrd", name="第一热电厂", kind="chp_source", actor="admin")
            registry.create_season(
                db_session,
                code=SEASON,
                official_start=date(2025, 10, 15),
                official_end=date(2026, 4, 15),
                rubric_version="baotou-2024",
                thresholds={"room_min_c": 18.0},
                actor="admin",
            )
            db_session.commit()
            yield db_session
            db_session.rollback()


def _result_fields(total: float, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "rubric_version": "baotou-2024",
        "rubric_hash": hashlib.sha256(b"rubric").hexdigest(),
        "total": total,
        "grade": "良好",
        "rank": 1,
        "vetoed": False,
        "consequences": {"green_channel": True},
        "explanation": {"items": [{"code": "room_temp", "points": 30.0}]},
        "indicator_values": {"room_compliance_rate": 0.97},
        "computed_at": datetime(2026, 4, 20, 2, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return fields


def test_season_dates_stored_as_dates(session: Session) -> None:
    season = registry.get_season(session, code=SEASON)
    session.expire_all()

    season = registry.get_season(session, code=SEASON)
    assert season.official_start == date(2025, 10, 15)
    assert season.official_end == date(2026, 4, 15)
    assert season.thresholds == {"room_min_c": 18.0}


@pytest.mark.parametrize("code", ["2025", "2025-2027", "25-26", "2025/2026"])
def test_season_code_rejected(session: Session, code: str) -> None:
    with pytest.raises(RegistryValidationError, match="供暖期编号"):
        registry.create_season(
            session, code=code, official_start=date(2025, 10, 15), official_end=date(2026, 4, 15),
            rubric_version="v", actor="admin",
        )


def test_season_end_before_start_rejected(session: Session) -> None:
    with pytest.raises(RegistryValidationError, match="必须晚于开始日期"):
        registry.update_season(session, code=SEASON, official_end=date(2025, 10, 1), actor="admin")


def test_manual_entry_review_workflow(session: Session) -> None:
    entry = registry.create_manual_entry(
        session, season_code=SEASON, unit_code="btrl", code="bonus.spot_check_comfort", entry_kind="bonus",
        source="spot_check", points=2.0, note="抽查舒适度达标", actor="inspector1",
    )
    assert entry.status == EntryStatus.DRAFT
    assert entry.entered_by == "inspector1"

    registry.submit_manual_entry(session, entry_id=entry.id, actor="inspector1")
    with pytest.raises(EntryStateError, match="不能修改"):
        registry.update_manual_entry(session, entry_id=entry.id, points=3.0, actor="inspector1")

    registry.review_manual_entry(session, entry_id=entry.id, accept=False, note="缺少照片", actor="chief")
    assert entry.status == EntryStatus.REJECTED
    assert entry.reviewed_by == "chief"
    assert entry.reviewed_at is not None

    registry.update_manual_entry(session, entry_id=entry.id, note="补充了照片", actor="inspector1")
    assert entry.status == EntryStatus.DRAFT
    registry.submit_manual_entry(session, entry_id=entry.id, actor="inspector1")
    registry.review_manual_entry(session, entry_id=entry.id, accept=True, actor="chief")
    session.commit()

    accepted = registry.list_manual_entries(session, season_code=SEASON, unit_code="btrl", status=EntryStatus.ACCEPTED)
    assert [e.id for e in accepted] == [entry.id]
    audit = registry.list_audit_entries(session, table_name="manual_entries", row_id=entry.id)
    assert [a.action for a in audit].count(AuditAction.UPDATE) == 5  # submit, reject, edit, submit, accept
    assert audit[0].after["status"] == "accepted"
    assert audit[0].before["status"] == "submitted"


def test_review_needs_submitted_entry(session: Session) -> None:
    entry = registry.create_manual_entry(
        session, season_code=SEASON, unit_code="btrl", code="veto.safety_accident", entry_kind="veto",
        source="inspection", actor="inspector1",
    )

    with pytest.raises(EntryStateError, match="只有已提交的记录可以审核"):
        registry.review_manual_entry(session, entry_id=entry.id, accept=True, actor="chief")


def test_manual_entry_rejects_bad_kind(session: Session) -> None:
    with pytest.raises(RegistryValidationError, match="录入类型 'penalty' 无效"):
        registry.create_manual_entry(
            session, season_code=SEASON, unit_code="btrl", code="x", entry_kind="penalty",
            source="inspection", actor="inspector1",
        )


def test_evidence_stored_by_hash(session: Session, tmp_path: Path) -> None:
    entry = registry.create_manual_entry(
        session, season_code=SEASON, unit_code="btrl", code="item.complaints", entry_kind="item",
        source="self_assessment", value=0.8, actor="btrl-ops",
    )
    content = b"%PDF-1.4 fake report"
    evidence_dir = tmp_path / "evidence"

    evidence = registry.add_evidence_file(
        session, entry_id=entry.id, original_filename="C:\\报告\\自查报告.PDF", content=content,
        content_type="application/pdf", evidence_dir=evidence_dir, actor="btrl-ops",
    )
    session.commit()

    digest = hashlib.sha256(content).hexdigest()
    assert evidence.sha256 == digest
    assert evidence.size_bytes == len(content)
    assert evidence.original_filename == "自查报告.PDF"
    assert evidence.stored_path == f"{digest[:2]}/{digest}.pdf"
    assert registry.evidence_file_path(evidence_dir, evidence).read_bytes() == content
    assert [f.id for f in registry.get_manual_entry(session, entry_id=entry.id).evidence_files] == [evidence.id]


def test_evidence_limits(session: Session, tmp_path: Path) -> None:
    entry = registry.create_manual_entry(
        session, season_code=SEASON, unit_code="btrl", code="item.x", entry_kind="item", source="inspection",
        actor="inspector1",
    )

    with pytest.raises(RegistryValidationError, match="空文件"):
        registry.add_evidence_file(
            session, entry_id=entry.id, original_filename="a.jpg", content=b"", content_type="image/jpeg",
            evidence_dir=tmp_path, actor="inspector1",
        )
    with pytest.raises(RegistryValidationError, match="过大"):
        registry.add_evidence_file(
            session, entry_id=entry.id, original_filename="a.jpg", content=b"12345", content_type="image/jpeg",
            evidence_dir=tmp_path, max_bytes=4, actor="inspector1",
        )


def test_delete_entry_removes_evidence_rows(session: Session, tmp_path: Path) -> None:
    entry = registry.create_manual_entry(
        session, season_code=SEASON, unit_code="btrl", code="item.x", entry_kind="item", source="inspection",
        actor="inspector1",
    )
    registry.add_evidence_file(
        session, entry_id=entry.id, original_filename="photo.jpg", content=b"jpeg", content_type="image/jpeg",
        evidence_dir=tmp_path, actor="inspector1",
    )

    registry.delete_manual_entry(session, entry_id=entry.id, actor="inspector1")
    session.commit()

    assert registry.list_manual_entries(session, season_code=SEASON) == []
    deleted = {a.table_name for a in registry.list_audit_entries(session) if a.action == AuditAction.DELETE}
    assert deleted == {"manual_entries", "evidence_files"}


def test_result_replaced_until_frozen(session: Session) -> None:
    registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(88.5))
    registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(90.0))
    session.commit()

    result = registry.get_annual_result(session, season_code=SEASON, unit_code="btrl")
    assert result.total == 90.0
    assert result.explanation == {"items": [{"code": "room_temp", "points": 30.0}]}
    assert result.computed_at == datetime(2026, 4, 20, 2, 0, tzinfo=UTC)
    assert result.frozen is False


def test_frozen_result_cannot_be_overwritten(session: Session) -> None:
    registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(88.5))
    frozen = registry.freeze_annual_result(session, season_code=SEASON, unit_code="btrl", actor="chief")
    session.commit()
    assert frozen.frozen is True
    assert frozen.frozen_by == "chief"

    with pytest.raises(FrozenResultError, match="已冻结，不能覆盖"):
        registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(99.0))
    with pytest.raises(FrozenResultError, match="已冻结"):
        registry.freeze_annual_result(session, season_code=SEASON, unit_code="btrl", actor="chief")
    with pytest.raises(FrozenResultError, match="不能删除"):
        registry.delete_annual_result(session, season_code=SEASON, unit_code="btrl", actor="chief")

    session.rollback()
    assert registry.get_annual_result(session, season_code=SEASON, unit_code="btrl").total == 88.5


def test_frozen_result_guarded_at_orm_level(session: Session) -> None:
    registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(88.5))
    registry.freeze_annual_result(session, season_code=SEASON, unit_code="btrl", actor="chief")
    session.commit()

    result = registry.get_annual_result(session, season_code=SEASON, unit_code="btrl")
    result.total = 100.0
    with pytest.raises(FrozenResultError, match="不能修改"):
        session.flush()
    session.rollback()

    session.delete(registry.get_annual_result(session, season_code=SEASON, unit_code="btrl"))
    with pytest.raises(FrozenResultError, match="不能删除"):
        session.flush()
    session.rollback()
    assert registry.get_annual_result(session, season_code=SEASON, unit_code="btrl").total == 88.5


def test_freeze_season_results_ranks(session: Session) -> None:
    registry.save_annual_result(session, season_code=SEASON, unit_code="btrl", actor="scoring", **_result_fields(88.5, rank=2))
    registry.save_annual_result(session, season_code=SEASON, unit_code="bgrd", actor="scoring", **_result_fields(91.0, rank=1))

    frozen_count = registry.freeze_season_results(session, season_code=SEASON, actor="chief")
    session.commit()

    assert frozen_count == 2
    ranked = registry.list_annual_results(session, season_code=SEASON)
    assert [r.unit.code for r in ranked] == ["bgrd", "btrl"]
    assert all(r.frozen for r in ranked)
    assert registry.freeze_season_results(session, season_code=SEASON, actor="chief") == 0


def test_result_rejects_naive_computed_at(session: Session) -> None:
    with pytest.raises(RegistryValidationError, match="缺少时区"):
        registry.save_annual_result(
            session, season_code=SEASON, unit_code="btrl", actor="scoring",
            **_result_fields(80.0, computed_at=datetime(2026, 4, 20)),
        )
