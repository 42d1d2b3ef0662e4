"""The registry database as the API sees it: migrated once on first use, then one session per request."""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from storage.registry import make_engine, upgrade_database

logger = logging.getLogger(__name__)


class RegistryDatabase:
    """Lazily migrated engine and session factory for one database URL.

    The schema is brought to the newest migration on first use rather than when the app
    is built, so a database that is down at start-up fails requests with 503 and recovers
    without a restart.
    """

    def __init__(self, database_url: str, *, migrate: bool = True) -> None:
        self.database_url = database_url
        self._migrate = migrate
        self._lock = threading.Lock()
        self._engine: sa.Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def sessions(self) -> sessionmaker[Session]:
        """Return the session factory, migrating and connecting on the first call."""
        if self._sessions is not None:
            return self._sessions
        with self._lock:
            if self._sessions is None:
                if self._migrate:
                    upgrade_database(self.database_url)
                self._engine = make_engine(self.database_url)
                self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        return self._sessions

    def ping(self) -> None:
        """Run ``SELECT 1``, raising the driver's error when the database does not answer."""
        with self.sessions()() as session:
            session.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        """Close pooled connections."""
        if self._engine is not None:
            self._engine.dispose()
