"""Migration 0007_refusal_reason upgrades a trail that already holds records, refused ones among them, on
SQLite and PostgreSQL: the old records keep verifying as they were written (with no typed reason), a
refusal after the upgrade keeps its reason, and a reason changed behind the product's back shows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, insert, text

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Role
from partner_desk.services import audit, audit_trail
from partner_desk.services.ledger import correct
from partner_desk.services.setup import init_database
from partner_desk.services.sign_in import hash_password
from partner_desk.services.users import add_user, sign_in
from partner_desk.store import migrate
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord

PASSWORD = "correct horse battery"
ANCHORS = '{"ledger_entries":null,"accruals":null,"posted_periods":null}'


def _record(connection: Connection, prev: str, minute: int, **fields: Any) -> str:
    """An audit record of the columns the 0006 trail had, hashed as the product hashed it then."""
    at = datetime(2026, 1, 1, 9, minute, tzinfo=UTC)
    values = {"user_name": None, "object": None, "message": None, "before": None, "after": None, **fields}
    digest = audit.record_hash(prev, at, values["user_name"], values["action"], values["object"], values["outcome"],
                               values["message"], values["before"], values["after"], ANCHORS, None)
    connection.execute(insert(AuditRecord.__table__).values(at=at, prev_hash=prev, hash=digest, anchors=ANCHORS,
                                                            **values))
    return digest


def test_upgrades_a_trail_with_refusals_and_keeps_reasons_from_then_on(old_database: Database) -> None:
    db = old_database
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_display_name")
    # the trail at 0006: the admin added, then a refused sign-in, its reason as English words only
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO users (name, role, password_hash, active, created_at) "
                                "VALUES ('ada', 'admin', :h, :t, '2026-01-01 00:00:00')"),
                           {"h": hash_password(PASSWORD), "t": True})
        prev = _record(connection, audit.GENESIS, 0, action="users.add", object="ada", outcome="ok",
                       after='{"active":true,"name":"ada","role":"admin"}')
        _record(connection, prev, 1, user_name="bob", action="sign_in", object="bob", outcome="refused",
                message="sign-in failed for 'bob': unknown user or wrong password")
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision() == "0007_refusal_reason"
    ada = sign_in(db, "ada", PASSWORD)
    assert audit_trail.verify(db, ada).intact
    anna = add_user(db, ada, "anna", Role.MANAGER, PASSWORD)
    with pytest.raises(UserError):
        correct(db, anna, "AG01", "5", "a fix")
    refused = [(r["message"], r["reason"]) for r in audit_trail.records(db, ada) if r["outcome"] == "refused"]
    # newest first: the correction keeps its reason typed; the old sign-in keeps none
    assert [reason is not None for _message, reason in refused] == [True, False]
    assert refused[0][1]["reasons"][0]["refusal"] == "needs_role"
    assert audit_trail.verify(db, ada).intact
    # a reason taken away behind the product's back: that record no longer matches its hash
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE audit SET reason = NULL WHERE reason IS NOT NULL"))
        changed = connection.execute(text("SELECT max(id) FROM audit WHERE outcome = 'refused'")).scalar()
    assert [str(p) for p in audit_trail.verify(db, ada).problems] == [
        f"audit record {changed}: was altered: its content no longer matches its hash"]
