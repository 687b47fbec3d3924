"""Create or upgrade a database to the newest schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from partner_desk.store import locks

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, read in a read transaction: checking it never waits for a writer."""
    with engine.connect() as connection:
        connection.execution_options(readonly=True)
        return MigrationContext.configure(connection).get_current_revision()


def known(revision: str) -> bool:
    """Whether `revision` is one of this version's migrations."""
    script = ScriptDirectory.from_config(_config())
    return any(rev.revision == revision for rev in script.walk_revisions())


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


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
