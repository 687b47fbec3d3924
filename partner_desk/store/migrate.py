"""Create or upgrade a database to the newest schema with Alembic (reading the revision needs no
Alembic: store/revisions.py)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from partner_desk.store import locks
from partner_desk.store.revisions import current_revision, head_revision, is_current, known

__all__ = ["MIGRATIONS", "current_revision", "head_revision", "is_current", "known", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> str | None:
    """Upgrade to the newest revision in one transaction. Two first starts cannot race: SQLite's
    write lock, or PostgreSQL's schema lock, is taken before Alembic reads the revision it starts from,
    so the second finds the schema made and has nothing to do. The revision it started from (None:
    it created the schema)."""
    config = _config()
    with engine.begin() as connection:
        locks.take(connection, locks.SCHEMA)
        started = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return started
