"""Alembic migrations of the registry database; apply them with storage.registry.upgrade_database."""
