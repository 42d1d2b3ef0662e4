"""Create the registry, manual-entry, result, user and audit tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _choice(table: str, column: str, name: str, values: Sequence[str]) -> sa.CheckConstraint:
    """Build the CHECK constraint that a non-native SQLAlchemy Enum column carries."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{name}"))


def _create_registry_tables() -> None:
    op.create_table(
        "heating_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _choice("heating_units", "kind", "unit_kind", ["heating_unit", "chp_source"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heating_units")),
        sa.UniqueConstraint("code", name=op.f("uq_heating_units_code")),
    )

    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("heated_area_m2", sa.Double(), nullable=True),
        sa.Column("household_count", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("heated_area_m2 IS NULL OR heated_area_m2 >= 0", name=op.f("ck_stations_area_not_negative")),
        sa.CheckConstraint("household_count IS NULL OR household_count >= 0", name=op.f("ck_stations_count_not_negative")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_stations_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    op.create_index(op.f("ix_stations_unit_id"), "stations", ["unit_id"])

    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(64), nullable=True),
        sa.Column("floor", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(32), nullable=True),
        sa.Column("heated_area_m2", sa.Double(), nullable=True),
        sa.Column("measured", sa.Boolean(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("exclusion_reason", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _choice("households", "position", "household_position", ["top_floor", "ground_floor", "end_unit", "middle"]),
        _choice("households", "exclusion_reason", "exclusion_reason", ["self_regulating", "stopped"]),
        sa.CheckConstraint(
            "(excluded AND exclusion_reason IS NOT NULL) OR (NOT excluded AND exclusion_reason IS NULL)",
            name=op.f("ck_households_exclusion_has_reason"),
        ),
        sa.CheckConstraint("heated_area_m2 IS NULL OR heated_area_m2 >= 0", name=op.f("ck_households_area_not_negative")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_households_station_id_stations")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_households_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("code", name=op.f("uq_households_code")),
    )
    op.create_index(op.f("ix_households_station_id"), "households", ["station_id"])
    op.create_index(op.f("ix_households_unit_id"), "households", ["unit_id"])

    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        _timestamp("installed_at", nullable=True),
        _timestamp("removed_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _choice("devices", "kind", "device_kind", ["room", "station", "meter"]),
        sa.CheckConstraint(
            "removed_at IS NULL OR installed_at IS NULL OR removed_at >= installed_at",
            name=op.f("ck_devices_removed_after_installed"),
        ),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_devices_household_id_households")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_devices_station_id_stations")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_devices_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("code", name=op.f("uq_devices_code")),
    )
    op.create_index(op.f("ix_devices_household_id"), "devices", ["household_id"])
    op.create_index(op.f("ix_devices_station_id"), "devices", ["station_id"])
    op.create_index(op.f("ix_devices_unit_id"), "devices", ["unit_id"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _choice("users", "role", "user_role", ["admin", "inspector", "company", "public"]),
        sa.CheckConstraint("role <> 'company' OR unit_id IS NOT NULL", name=op.f("ck_users_company_user_has_unit")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_users_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_index(op.f("ix_users_unit_id"), "users", ["unit_id"])


def _create_assessment_tables() -> None:
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("official_start", sa.Date(), nullable=False),
        sa.Column("official_end", sa.Date(), nullable=False),
        sa.Column("rubric_version", sa.String(64), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("official_end > official_start", name=op.f("ck_seasons_end_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("code", name=op.f("uq_seasons_code")),
    )

    op.create_table(
        "manual_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("entry_kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("points", sa.Double(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("submitted_at", nullable=True),
        _timestamp("reviewed_at", nullable=True),
        _choice("manual_entries", "entry_kind", "entry_kind", ["item", "bonus", "deduction", "veto"]),
        _choice("manual_entries", "source", "entry_source", ["self_assessment", "inspection", "spot_check"]),
        _choice("manual_entries", "status", "entry_status", ["draft", "submitted", "accepted", "rejected"]),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], name=op.f("fk_manual_entries_season_id_seasons")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_manual_entries_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_entries")),
    )
    op.create_index(op.f("ix_manual_entries_season_id"), "manual_entries", ["season_id"])
    op.create_index(op.f("ix_manual_entries_unit_id"), "manual_entries", ["unit_id"])
    op.create_index("ix_manual_entries_season_unit", "manual_entries", ["season_id", "unit_id"])

    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(255), nullable=False),
        sa.Column("stored_path", sa.String(1024), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        _timestamp("uploaded_at"),
        sa.ForeignKeyConstraint(["entry_id"], ["manual_entries.id"], name=op.f("fk_evidence_files_entry_id_manual_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    op.create_index(op.f("ix_evidence_files_entry_id"), "evidence_files", ["entry_id"])

    op.create_table(
        "annual_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rubric_version", sa.String(64), nullable=False),
        sa.Column("rubric_hash", sa.String(128), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("grade", sa.String(32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("indicator_values", sa.JSON(), nullable=False),
        _timestamp("computed_at"),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        _timestamp("frozen_at", nullable=True),
        sa.Column("frozen_by", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], name=op.f("fk_annual_results_season_id_seasons")),
        sa.ForeignKeyConstraint(["unit_id"], ["heating_units.id"], name=op.f("fk_annual_results_unit_id_heating_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_results")),
        sa.UniqueConstraint("season_id", "unit_id", name="uq_annual_results_season_unit"),
    )
    op.create_index(op.f("ix_annual_results_unit_id"), "annual_results", ["unit_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _timestamp("occurred_at"),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        _choice("audit_log", "action", "audit_action", ["create", "update", "delete"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_occurred_at"), "audit_log", ["occurred_at"])
    op.create_index("ix_audit_log_table_row", "audit_log", ["table_name", "row_id"])


def upgrade() -> None:
    """Create every table of the first schema."""
    _create_registry_tables()
    _create_assessment_tables()


def downgrade() -> None:
    """Drop every table of the first schema, children before parents."""
    for table in (
        "audit_log",
        "annual_results",
        "evidence_files",
        "manual_entries",
        "seasons",
        "users",
        "devices",
        "households",
        "stations",
        "heating_units",
    ):
        op.drop_table(table)
