"""Alembic environment: runs the registry migrations on one connection, online only."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import context

from storage.registry.base import Base
from storage.registry import assessment_models, models  # noqa: F401  (register every table)
from storage.registry.database import default_database_url, make_engine

logger = logging.getLogger(__name__)

# Any fixed 64-bit number works; it only has to be the same for every heatscore process.
POSTGRES_MIGRATION_LOCK_ID = 0x6865617473636F72  # "heatscor" in ASCII


def _database_url() -> str:
    url = context.config.attributes.get("database_url")
    if url:
        return str(url)
    return default_database_url()


def run_migrations_online() -> None:
    """Upgrade the database while holding a lock, so that concurrent starts migrate once."""
    engine = make_engine(_database_url(), sqlite_write_lock=True)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    lock = sa.text("SELECT pg_advisory_xact_lock(:lock_id)")
                    connection.execute(lock, {"lock_id": POSTGRES_MIGRATION_LOCK_ID})
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("离线模式（--sql）不受支持：请直接对数据库执行 upgrade")

run_migrations_online()
