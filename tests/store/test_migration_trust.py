"""Upgrading a database written before the hash chains (revision 0001) that holds data: its rows get
their chain links, its audit records keep verifying, the new guards are in place, and the product
goes on from there. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from partner_desk.domain.roles import Actor, Role
from partner_desk.services import audit, ledger
from partner_desk.services.setup import init_database
from partner_desk.services.verify import check
from partner_desk.store import migrate
from partner_desk.store.engine import Database
from tests.fixed_clock import clock_at

AT = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
STAMP = "2026-10-02 09:00:00.000000"
HASH = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$2Y1bOBnXHfVAu1UgVIqQUrGn/0m6Dw1lfNMEGDFXcZU"


def at_0001(db: Database) -> None:
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")


def old_records(connection: object) -> None:
    """Audit records as the product wrote them before anchors: their hash covers nine fields."""
    prev = audit.GENESIS
    for user, action, obj, after in [
        (None, "users.add", "boss", {"name": "boss", "role": "admin"}),
        ("boss", "accrue.post", "2026-09", {"period": "2026-09", "accruals": 1}),
        ("boss", "correct", "AG01", {"entry": 2, "amount": "5.00", "currency": "EUR", "reason": "x",
                                     "balance": "140.00", "held": "0.00", "available": "140.00"}),
    ]:
        after_text = json.dumps(after, sort_keys=True, separators=(",", ":"))
        digest = audit.record_hash(prev, AT, user, action, obj, "ok", None, None, after_text)
        connection.execute(text(
            "INSERT INTO audit (at, user_name, action, object, outcome, message, before, after, prev_hash, hash) "
            "VALUES (:at, :user, :action, :obj, 'ok', NULL, NULL, :after, :prev, :hash)"),
            {"at": STAMP, "user": user, "action": action, "obj": obj, "after": after_text, "prev": prev,
             "hash": digest})
        prev = digest


def fill_0001(db: Database) -> None:
    """A posted September with one line, a correction and a user, written the 0001 way (no hashes)."""
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO agencies (id, code, name, currency, created_at) "
                       f"VALUES (1, 'AG01', 'Alpha', 'EUR', '{STAMP}')"))
        c.execute(text("INSERT INTO projects (project_id, name, currency) VALUES ('P1', 'Shop', 'EUR')"))
        c.execute(text("INSERT INTO payments (payment_id, project_id, paid_at, local_date, period, service, "
                       f"amount_minor, currency) VALUES ('s1', 'P1', '{STAMP}', '2026-09-10', '2026-09', "
                       "'subscription', 90000, 'EUR')"))
        c.execute(text("INSERT INTO users (id, name, role, password_hash, active, created_at) "
                       f"VALUES (1, 'boss', 'admin', '{HASH}', true, '{STAMP}')"))
        c.execute(text(f"INSERT INTO posted_periods (period, as_of, posted_at, posted_by) VALUES ('2026-09', "
                       f"'2026-10-02', '{STAMP}', 'boss')"))
        c.execute(text("INSERT INTO accruals (id, agency_id, period, currency, turnover_usd, percent, amount_minor, "
                       "reward_usd, benefits, lines, late_lines, posted_at) VALUES (1, 1, '2026-09', 'EUR', "
                       f"'1000', '15', 13500, '150', '[]', 1, 0, '{STAMP}')"))
        c.execute(text("INSERT INTO accrual_lines (id, accrual_id, payment_id, late, percent, pay_rate, "
                       "partner_rate, usd_amount, partner_amount, commission_minor) VALUES (1, 1, 's1', false, "
                       "'15', '0.9', NULL, '1000', '900.00', 13500)"))
        c.execute(text("INSERT INTO ledger_entries (id, agency_id, kind, amount_minor, currency, created_at, "
                       "effective_on, user_name, accrual_id) VALUES (1, 1, 'accrual', 13500, 'EUR', "
                       f"'{STAMP}', '2026-09-30', 'boss', 1)"))
        c.execute(text("INSERT INTO ledger_entries (id, agency_id, kind, amount_minor, currency, created_at, "
                       f"effective_on, user_name, note) VALUES (2, 1, 'correction', 500, 'EUR', '{STAMP}', "
                       "'2026-10-02', 'boss', 'x')"))
        old_records(c)


def upgrade_and_check(db: Database) -> None:
    at_0001(db)
    fill_0001(db)
    assert migrate.current_revision(db.engine) == "0001"
    init_database(db)  # what `partner-desk init` and the window do: upgrade to the newest schema
    assert migrate.current_revision(db.engine) == migrate.head_revision() == "0007_refusal_reason"
    with db.read() as session:
        assert check(session).problems == []
        hashes = session.execute(text("SELECT id, prev_hash, hash FROM ledger_entries ORDER BY id")).all()
    assert hashes[0][1] == audit.GENESIS
    assert hashes[1][1] == hashes[0][2]
    assert len(hashes[1][2]) == 64
    # the product goes on from the upgraded rows: a new correction extends the chain and verifies
    with clock_at("2026-11-20T10:00:00Z"):
        done = ledger.correct(db, Actor("boss", Role.ADMIN), "AG01", "1.00", "after the upgrade")
    assert done.balance_after == 141  # 135.00 + 5.00 + 1.00
    with db.read() as session:
        assert check(session).problems == []
    # and the upgraded tables are guarded like new ones
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("UPDATE ledger_entries SET amount_minor = 0 WHERE id = 1"))


def test_a_database_with_data_is_upgraded(old_database: Database) -> None:
    upgrade_and_check(old_database)
    if old_database.is_sqlite:
        with old_database.engine.connect() as connection:
            triggers = {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
        assert {"ledger_entries_no_replace", "withdrawals_moves", "users_no_delete"} <= triggers
