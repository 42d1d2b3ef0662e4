"""Engines, sessions and programmatic alembic upgrades for the registry database."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

from settings import get_settings

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# alembic keeps its migration context in module globals, so threads of one process take turns.
_UPGRADE_LOCK = threading.Lock()


def default_database_url() -> str:
    """Return the database URL from the settings (``HEATSCORE_DATABASE_URL``)."""
    return get_settings().database_url


def _ensure_sqlite_folder(url: sa.URL) -> None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: sa.Engine, begin_statement: str) -> None:
    """Turn on foreign keys and WAL, and let SQLAlchemy issue BEGIN so SAVEPOINT works.

    Before Python 3.12 the sqlite3 module runs in legacy transaction mode, which skips
    BEGIN before SAVEPOINT. This is the workaround from the SQLAlchemy 2.1 SQLite dialect
    documentation ("Enabling Non-Legacy SQLite Transactional Modes").
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(begin_statement)


def make_engine(database_url: str, *, sqlite_write_lock: bool = False) -> sa.Engine:
    """Create an engine for ``database_url``, creating the SQLite file's folder if needed.

    With ``sqlite_write_lock`` every SQLite transaction starts with BEGIN IMMEDIATE and so
    takes the write lock first, which the migrations need to run one process at a time.
    """
    url = sa.make_url(database_url)
    _ensure_sqlite_folder(url)

    engine = sa.create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite")
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if sqlite_write_lock else "BEGIN")
    return engine


@functools.lru_cache(maxsize=8)
def get_engine(database_url: str) -> sa.Engine:
    """Return the process-wide engine for ``database_url``, created on first use."""
    return make_engine(database_url)


def make_session_factory(database_url: str | None = None) -> sessionmaker[Session]:
    """Return a session factory bound to ``database_url`` or the configured database."""
    engine = get_engine(database_url or default_database_url())
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(database_url: str | None = None) -> Iterator[Session]:
    """Open a session that commits when the block succeeds and rolls back when it raises."""
    session = make_session_factory(database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(database_url: str) -> Config:
    """Build the alembic configuration in code, so no alembic.ini at the repository root is needed."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an option, because configparser would choke on '%' in URLs.
    config.attributes["database_url"] = database_url
    return config


def upgrade_database(database_url: str) -> None:
    """Apply every pending migration to ``database_url``, creating the schema on an empty database.

    Safe to call at every start of the CLI or the API, because an up-to-date database is
    left as it is. Threads of one process take turns, and other processes wait on the
    SQLite write lock (up to the 10 s busy timeout) or on a PostgreSQL advisory lock.
    """
    _ensure_sqlite_folder(sa.make_url(database_url))
    logger.debug("Upgrading registry database %s", sa.make_url(database_url).render_as_string(hide_password=True))
    with _UPGRADE_LOCK:
        command.upgrade(alembic_config(database_url), "head")


def current_revision(database_url: str) -> str | None:
    """Return the alembic revision the database is at, or None for an empty database."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
