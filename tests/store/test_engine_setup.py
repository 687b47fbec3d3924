"""Choosing the database and setting SQLite up: URL precedence, pragmas, schema version."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from partner_desk.domain.errors import UserError
from partner_desk.services.setup import ensure_current, init_database
from partner_desk.store import migrate
from partner_desk.store.engine import ENV_DB, Database, default_url, resolve_url


def test_url_precedence_option_then_environment_then_data_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DB, f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(f"sqlite:///{tmp_path / 'opt.db'}") == f"sqlite:///{tmp_path / 'opt.db'}"
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv(ENV_DB)
    assert resolve_url(None) == default_url()
    assert default_url().startswith("sqlite:///")
    assert default_url().endswith("partner-desk.db")


def test_postgresql_urls_use_psycopg_3() -> None:
    assert resolve_url("postgresql://pd:secret@db.example/partners") == (
        "postgresql+psycopg://pd:secret@db.example/partners")
    assert resolve_url("postgresql+psycopg://pd@db/p") == "postgresql+psycopg://pd@db/p"


def test_sqlite_pragmas(db: Database) -> None:
    with db.read() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(text("INSERT INTO connections (project_id, agency_id, connected_at) "
                             "VALUES ('NOPE', 999, '2026-01-01 00:00:00.000000')"))


def test_a_missing_folder_is_created_and_init_brings_the_schema_to_head(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'deep' / 'er' / 'pd.db'}")
    try:
        with pytest.raises(UserError, match="run 'partner-desk init' first"):
            ensure_current(database)
        assert init_database(database) is True
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        ensure_current(database)
        assert init_database(database) is False  # already there: upgraded in place, nothing added twice
        with database.read() as session:
            assert session.execute(text("SELECT count(*) FROM tier_versions")).scalar() == 1
            assert session.execute(text("SELECT count(*) FROM reward_levels")).scalar() == 2
    finally:
        database.dispose()


def test_a_schema_revision_this_version_does_not_know_is_refused_and_left_alone(tmp_path: Path) -> None:
    # e.g. a database written by a build whose payout batches migration was still 0004_payout_batches
    db = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('0004_payout_batches')"))
        message = (f"the database {db.url} has schema revision '0004_payout_batches', which this version of "
                   "Partner Desk does not know (it was written by another version): nothing was changed")
        for call in (init_database, ensure_current):
            with pytest.raises(UserError) as caught:
                call(db)
            assert str(caught.value) == message
        with db.engine.connect() as connection:
            tables = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
        assert tables == ["alembic_version"]  # nothing was created
        assert migrate.known("0003_payout_batches")
        assert not migrate.known("0004_payout_batches")
    finally:
        db.dispose()
