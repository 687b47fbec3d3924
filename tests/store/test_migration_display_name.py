"""Migration 0006_display_name upgrades a database that already holds users, on SQLite and PostgreSQL:
they keep their names, roles and passwords, have no display name, still sign in, and may not be
deleted (the users table's guard survives the new column)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from partner_desk.domain.roles import Role
from partner_desk.services import audit
from partner_desk.services.session import session_state
from partner_desk.services.setup import init_database
from partner_desk.services.sign_in import hash_password
from partner_desk.services.users import add_user, sign_in
from partner_desk.store import migrate
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord

PASSWORD = "correct horse battery"


def _upgrade_and_check(db: Database) -> None:
    # a database at the revision before, with a user added as the product adds one
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005_accrued_payments")
    add_user_at_0005(db)
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision() == "0007_refusal_reason"
    with db.read() as session:
        assert [tuple(r) for r in session.execute(text("SELECT name, role, display_name FROM users"))] == [
            ("ada", "admin", None)]
    ada = sign_in(db, "ada", PASSWORD)
    add_user(db, ada, "olena", Role.MANAGER, PASSWORD, display_name="Olena Kovalenko")
    assert session_state(db).display_names == {"olena": "Olena Kovalenko"}
    with pytest.raises(DBAPIError, match="DELETE refused"), db.write() as session:
        session.execute(text("DELETE FROM users WHERE name = 'ada'"))


def add_user_at_0005(db: Database) -> None:
    """The user the 0005 schema would hold: the columns it had, no display name."""

    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO users (name, role, password_hash, active, created_at) "
                                "VALUES ('ada', 'admin', :h, :t, '2026-01-01 00:00:00')"),
                           {"h": hash_password(PASSWORD), "t": True})
    # the trail records the user, as `users add` would have: a record of the columns the 0005 trail had
    at = datetime(2026, 1, 1, tzinfo=UTC)
    after = '{"active":true,"name":"ada","role":"admin"}'
    anchors = '{"ledger_entries":null,"accruals":null,"posted_periods":null}'
    digest = audit.record_hash(audit.GENESIS, at, None, "users.add", "ada", "ok", None, None, after, anchors, None)
    with db.engine.begin() as connection:  # a Core insert names only these columns
        connection.execute(insert(AuditRecord.__table__).values(
            at=at, user_name=None, action="users.add", object="ada", outcome="ok", after=after,
            prev_hash=audit.GENESIS, hash=digest, anchors=anchors))


def test_upgrades_a_database_with_users(old_database: Database) -> None:
    _upgrade_and_check(old_database)
