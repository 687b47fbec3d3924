"""Migration 0004_agency_language upgrades a database that already holds agencies, on SQLite and PostgreSQL:
the agencies stay as they were, without a language of their own, and the agencies file may then set one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from partner_desk.domain.roles import SETUP
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store import migrate
from partner_desk.store.engine import Database


def _at_initial_schema_with_agencies(db: Database) -> None:
    """A database as the first schema left it, with two agencies in it."""
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text(
            "INSERT INTO agencies (code, name, currency, manager, created_at) VALUES "
            "('AG01', 'Alpha', 'EUR', 'olena', '2026-01-01 00:00:00'), "
            "('AG02', 'Beta', 'UAH', NULL, '2026-01-02 00:00:00')"))


def _upgrade_and_check(db: Database, tmp_path: Path) -> None:
    _at_initial_schema_with_agencies(db)
    assert migrate.current_revision(db.engine) == "0001"
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.read() as session:
        found = session.execute(text("SELECT code, name, currency, manager, language FROM agencies ORDER BY code"))
        assert [tuple(r) for r in found] == [("AG01", "Alpha", "EUR", "olena", None),
                                             ("AG02", "Beta", "UAH", None, None)]
    # the agencies file may now give AG02 its language; AG01 keeps the company default
    path = tmp_path / "agencies.csv"
    path.write_text("code,name,currency,offer_accepted_at,manager,language\nAG02,Beta,UAH,,,uk\n", encoding="utf-8")
    summary = import_file(db, SETUP, "agencies", path)
    assert (summary.added, summary.updated) == (0, 1)
    with db.read() as session:
        assert [tuple(r) for r in session.execute(text("SELECT code, language FROM agencies ORDER BY code"))] == [
            ("AG01", None), ("AG02", "uk")]


def test_upgrades_a_database_with_agencies(old_database: Database, tmp_path: Path) -> None:
    _upgrade_and_check(old_database, tmp_path)
