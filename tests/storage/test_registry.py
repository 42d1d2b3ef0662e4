"""Registry schema, CRUD with audit trail, code rules and users, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from storage import registry
from storage.registry import (
    AuditAction,
    ConflictError,
    DeviceKind,
    ExclusionReason,
    HouseholdPosition,
    InvalidCodeError,
    NotFoundError,
    RegistryValidationError,
    UnitKind,
    UserRole,
)
from storage.registry.testing import temporary_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield a freshly migrated registry database on each backend."""
    with temporary_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """Yield a session that is rolled back and closed after the test."""
    factory = registry.make_session_factory(database_url)
    with factory() as db_session:
        yield db_session
        db_session.rollback()


def _make_station(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="包头市热力（集团）有限责任公司", actor="admin")
    registry.create_station(
        session, code="btrl-s01", unit_code="btrl", name="一号站", heated_area_m2=185000.0, household_count=2100, actor="admin"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_apply_from_empty(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as url:
        assert registry.current_revision(url) is None

        registry.upgrade_database(url)
        registry.upgrade_database(url)  # a second start must be a no-op

        assert registry.current_revision(url) == "0001"
        engine = registry.make_engine(url)
        try:
            with engine.connect() as connection:
                tables = set(sa.inspect(connection).get_table_names())
                differences = compare_metadata(MigrationContext.configure(connection), registry.Base.metadata)
        finally:
            engine.dispose()
        assert {"heating_units", "stations", "households", "devices", "seasons", "manual_entries",
                "evidence_files", "audit_log", "annual_results", "users"} <= tables
        assert differences == []


def test_sqlite_folder_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'heatscore.db'}"

    registry.upgrade_database(url)

    assert (tmp_path / "nested" / "deeper" / "heatscore.db").is_file()
    registry.get_engine(url).dispose()


def test_unit_create_writes_audit(session: Session) -> None:
    unit = registry.create_heating_unit(
        session, code="btrl", name="包头市热力（集团）有限责任公司", kind="chp_source", contact="张工", actor="admin"
    )
    session.commit()

    entries = registry.list_audit_entries(session, table_name="heating_units", row_id=unit.id)
    assert len(entries) == 1
    assert entries[0].action == AuditAction.CREATE
    assert entries[0].actor == "admin"
    assert entries[0].before is None
    assert entries[0].after["code"] == "btrl"
    assert entries[0].after["kind"] == "chp_source"
    assert entries[0].occurred_at.tzinfo is not None
    assert unit.kind == UnitKind.CHP_SOURCE
    assert unit.created_at.utcoffset() == timedelta(0)


def test_unit_update_audits_before_after(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="旧名称", actor="admin")

    registry.update_heating_unit(session, code="btrl", name="新名称", active=False, actor="inspector1")
    registry.update_heating_unit(session, code="btrl", name="新名称", actor="inspector1")  # no change
    session.commit()

    unit = registry.get_heating_unit(session, code="btrl")
    entries = registry.list_audit_entries(session, table_name="heating_units", row_id=unit.id)
    assert [entry.action for entry in entries] == [AuditAction.UPDATE, AuditAction.CREATE]
    assert entries[0].before["name"] == "旧名称"
    assert entries[0].after["name"] == "新名称"
    assert entries[0].after["active"] is False
    assert entries[0].actor == "inspector1"
    assert registry.list_heating_units(session, active=True) == []


def test_unit_update_rejects_unknown_field(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="甲", actor="admin")

    with pytest.raises(RegistryValidationError, match="不支持修改字段：owner"):
        registry.update_heating_unit(session, code="btrl", owner="other", actor="admin")


@pytest.mark.parametrize(
    "code",
    ["", "-starts-with-dash", "has space", "a/b", "a+b", "中文编号", "x" * 65, "#", "unit$"],
)
def test_unit_code_rejected(session: Session, code: str) -> None:
    with pytest.raises(InvalidCodeError, match="供热单位编号"):
        registry.create_heating_unit(session, code=code, name="甲", actor="admin")


@pytest.mark.parametrize("code", ["a", "BT01", "btrl_2025", "bt.rl-01", "9" * 64])
def test_unit_code_accepted(session: Session, code: str) -> None:
    unit = registry.create_heating_unit(session, code=code, name="甲", actor="admin")

    assert unit.code == code


def test_orm_code_validated_without_repository(session: Session) -> None:
    with pytest.raises(InvalidCodeError, match="热力站编号"):
        registry.Station(code="bad code", unit_id=1, name="x")


def test_duplicate_unit_code_conflicts(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="甲", actor="admin")

    with pytest.raises(ConflictError, match="已存在"):
        registry.create_heating_unit(session, code="btrl", name="乙", actor="admin")


def test_station_requires_existing_unit(session: Session) -> None:
    with pytest.raises(NotFoundError, match="供热单位 'nobody' 不存在"):
        registry.create_station(session, code="s1", unit_code="nobody", name="站", actor="admin")


def test_station_negative_area_rejected(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="甲", actor="admin")

    with pytest.raises(RegistryValidationError, match="不小于 0"):
        registry.create_station(session, code="s1", unit_code="btrl", name="站", heated_area_m2=-1.0, actor="admin")


def test_household_copies_station_unit(session: Session) -> None:
    _make_station(session)

    household = registry.create_household(
        session,
        code="h0001",
        station_code="btrl-s01",
        building="3号楼",
        floor=18,
        position="top_floor",
        heated_area_m2=89.5,
        measured=True,
        actor="admin",
    )
    session.commit()

    assert household.unit.code == "btrl"
    assert household.position == HouseholdPosition.TOP_FLOOR
    assert registry.list_households(session, unit_code="btrl", measured=True) == [household]
    assert registry.list_households(session, station_code="btrl-s01", excluded=True) == []


def test_household_exclusion_rules(session: Session) -> None:
    _make_station(session)
    registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")

    registry.update_household(session, code="h1", exclusion_reason="stopped", actor="admin")
    household = registry.get_household(session, code="h1")
    assert household.excluded is True
    assert household.exclusion_reason == ExclusionReason.STOPPED

    registry.update_household(session, code="h1", excluded=False, actor="admin")
    assert household.excluded is False
    assert household.exclusion_reason is None

    with pytest.raises(RegistryValidationError, match="必须填写原因"):
        registry.update_household(session, code="h1", excluded=True, actor="admin")
    with pytest.raises(RegistryValidationError, match="不能填写排除原因"):
        registry.create_household(
            session, code="h2", station_code="btrl-s01", excluded=False, exclusion_reason="stopped", actor="admin"
        )


def test_exclusion_check_constraint_enforced(session: Session) -> None:
    _make_station(session)
    household = registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")

    household.excluded = True  # bypasses the repository: the database must still refuse it
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_device_lifecycle_and_listing(session: Session) -> None:
    _make_station(session)
    registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")
    local = timezone(timedelta(hours=8))

    device = registry.create_device(
        session,
        code="rs-0001",
        kind=DeviceKind.ROOM,
        station_code="btrl-s01",
        household_code="h1",
        installed_at=datetime(2025, 10, 12, 9, 30, tzinfo=local),
        actor="admin",
    )
    registry.update_device(session, code="rs-0001", removed_at=datetime(2026, 1, 5, tzinfo=UTC), actor="admin")
    session.commit()
    session.expire_all()

    device = registry.get_device(session, code="rs-0001")
    assert device.installed_at == datetime(2025, 10, 12, 1, 30, tzinfo=UTC)
    assert device.household is not None and device.household.code == "h1"
    assert device.unit.code == "btrl"
    in_place = registry.list_devices(session, unit_code="btrl", installed_at=datetime(2025, 12, 1, tzinfo=UTC))
    assert [d.code for d in in_place] == ["rs-0001"]
    assert registry.list_devices(session, installed_at=datetime(2026, 2, 1, tzinfo=UTC)) == []


def test_device_household_must_match_station(session: Session) -> None:
    _make_station(session)
    registry.create_station(session, code="btrl-s02", unit_code="btrl", name="二号站", actor="admin")
    registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")

    with pytest.raises(RegistryValidationError, match="不属于热力站 'btrl-s02'"):
        registry.create_device(
            session, code="rs-1", kind="room", station_code="btrl-s02", household_code="h1", actor="admin"
        )


def test_device_rejects_naive_time(session: Session) -> None:
    _make_station(session)

    with pytest.raises(RegistryValidationError, match="缺少时区"):
        registry.create_device(
            session, code="m1", kind="meter", station_code="btrl-s01", installed_at=datetime(2025, 10, 1), actor="admin"
        )


def test_station_move_carries_members(session: Session) -> None:
    _make_station(session)
    registry.create_heating_unit(session, code="newco", name="新公司", actor="admin")
    registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")
    registry.create_device(session, code="ctl-1", kind="station", station_code="btrl-s01", actor="admin")

    registry.update_station(session, code="btrl-s01", unit_code="newco", actor="admin")
    session.commit()

    assert registry.get_household(session, code="h1").unit.code == "newco"
    assert registry.get_device(session, code="ctl-1").unit.code == "newco"
    device_audit = registry.list_audit_entries(session, table_name="devices")
    assert device_audit[0].action == AuditAction.UPDATE


def test_delete_referenced_station_conflicts(session: Session) -> None:
    _make_station(session)
    registry.create_household(session, code="h1", station_code="btrl-s01", actor="admin")
    session.commit()

    with pytest.raises(ConflictError, match="仍有其他记录引用"):
        registry.delete_station(session, code="btrl-s01", actor="admin")

    # The failed delete must leave the session usable and the station in place.
    assert registry.get_station(session, code="btrl-s01").name == "一号站"
    registry.delete_household(session, code="h1", actor="admin")
    registry.delete_station(session, code="btrl-s01", actor="admin")
    session.commit()
    assert registry.find_station(session, code="btrl-s01") is None
    deletions = [e for e in registry.list_audit_entries(session) if e.action == AuditAction.DELETE]
    assert {e.table_name for e in deletions} == {"households", "stations"}
    assert all(e.after is None and e.before is not None for e in deletions)


def test_user_password_and_roles(session: Session) -> None:
    registry.create_heating_unit(session, code="btrl", name="甲", actor="admin")
    user = registry.create_user(
        session, username="btrl-ops", password="correct horse", role="company", unit_code="btrl", actor="admin"
    )
    session.commit()

    assert user.password_hash.startswith("scrypt$")
    assert "correct horse" not in user.password_hash
    assert registry.authenticate_user(session, username="btrl-ops", password="correct horse") == user
    assert registry.authenticate_user(session, username="btrl-ops", password="wrong password") is None
    assert registry.authenticate_user(session, username="nobody", password="correct horse") is None

    audit = registry.list_audit_entries(session, table_name="users")
    assert audit[0].after["password_hash"] == "***"


def test_user_password_change_audited(session: Session) -> None:
    registry.create_user(session, username="chief", password="first-pass", role=UserRole.ADMIN, actor="setup")

    registry.set_user_password(session, username="chief", password="second-pass", actor="chief")
    registry.update_user(session, username="chief", active=False, actor="setup")
    session.commit()

    audit = registry.list_audit_entries(session, table_name="users")
    assert [entry.action for entry in audit] == [AuditAction.UPDATE, AuditAction.UPDATE, AuditAction.CREATE]
    assert audit[1].after["password_hash"] == "*** changed"
    assert registry.authenticate_user(session, username="chief", password="second-pass") is None  # inactive


def test_company_user_needs_unit(session: Session) -> None:
    with pytest.raises(RegistryValidationError, match="必须指定所属供热单位"):
        registry.create_user(session, username="c1", password="12345678", role="company", actor="admin")
    with pytest.raises(RegistryValidationError, match="只有供热单位用户"):
        registry.create_user(session, username="i1", password="12345678", role="inspector", unit_code="x", actor="admin")
    with pytest.raises(RegistryValidationError, match="密码太短"):
        registry.create_user(session, username="p1", password="short", role="public", actor="admin")


def test_password_hash_is_salted() -> None:
    first = registry.hash_password("same password")
    second = registry.hash_password("same password")

    assert first != second
    assert registry.verify_password("same password", first)
    assert registry.verify_password("same password", second)
    assert not registry.verify_password("same password", "scrypt$garbage")
    assert not registry.verify_password("same password", "pbkdf2$1$2$3$4$5")


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_upgrades_migrate_once(backend: str, tmp_path: Path) -> None:
    repository_root = Path(__file__).resolve().parents[2]
    script = "import sys; from storage.registry import upgrade_database; upgrade_database(sys.argv[1])"

    with temporary_database(backend, tmp_path, migrate=False) as url:
        processes = [
            subprocess.Popen([sys.executable, "-c", script, url], cwd=repository_root, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        outcomes = [(process.wait(timeout=60), process.stderr.read()) for process in processes if process.stderr]

        for exit_code, stderr in outcomes:
            assert exit_code == 0, stderr
        assert registry.current_revision(url) == "0001"
