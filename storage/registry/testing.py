"""Throw-away registry databases for tests: a SQLite file or a fresh PostgreSQL schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from storage.registry.database import get_engine, make_engine, upgrade_database

# The machine's PostgreSQL server; override with HEATSCORE_TEST_POSTGRES_URL.
DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_test_url() -> str:
    """Return the PostgreSQL URL tests may create schemas in."""
    return os.environ.get("HEATSCORE_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)


@contextmanager
def temporary_database(backend: str, folder: Path, *, migrate: bool = True) -> Iterator[str]:
    """Yield the URL of an empty, optionally migrated database and remove it afterwards.

    ``backend`` is ``sqlite`` (a file in ``folder``) or ``postgresql`` (a new schema in
    the test database, selected through ``search_path``, dropped with CASCADE at the end).
    """
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'registry-{uuid.uuid4().hex[:8]}.db'}"
        if migrate:
            upgrade_database(url)
        try:
            yield url
        finally:
            _dispose(url)
        return

    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}: expected 'sqlite' or 'postgresql'")

    schema = f"registry_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_test_url())
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.make_url(postgres_test_url()).update_query_dict({"options": f"-csearch_path={schema}"})
        url_text = url.render_as_string(hide_password=False)
        if migrate:
            upgrade_database(url_text)
        try:
            yield url_text
        finally:
            _dispose(url_text)
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def _dispose(url: str) -> None:
    """Close pooled connections of the cached engine so the database can be removed."""
    get_engine(url).dispose()
    get_engine.cache_clear()
