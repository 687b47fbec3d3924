"""Migration 0003_payout_batches: a database at 0002_trust with data in it gains the payout batch tables,
append-only (UPDATE, DELETE and, on SQLite, REPLACE refused), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from partner_desk.services.setup import init_database
from partner_desk.store import migrate
from partner_desk.store.engine import Database

HEAD = "3:" + "a" * 64


def _at_trust_with_a_request(db: Database) -> None:
    """A database as 0002_trust left it, with an agency and a pending request in it."""
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002_trust")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO agencies (code, name, currency, created_at) "
                                "VALUES ('AG01', 'Alpha', 'EUR', '2026-01-01 00:00:00.000000')"))
        connection.execute(text(
            "INSERT INTO withdrawals (agency_id, amount_minor, currency, method, details, status, requested_at) "
            "VALUES (1, 15000, 'EUR', 'paypal', 'a@example.com', 'pending', '2026-11-20 10:00:00.000000')"))
    assert migrate.current_revision(db.engine) == "0002_trust"


def _upgrade_and_check(db: Database) -> None:
    _at_trust_with_a_request(db)
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision()  # 0003 and every migration after it
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT code FROM agencies")).scalars().all() == ["AG01"]
        assert connection.execute(text("SELECT status FROM withdrawals")).scalars().all() == ["pending"]
        connection.execute(text("INSERT INTO payout_batches (id, method, made_on, created_at, folder, audit_head) "
                                f"VALUES (1, 'paypal', '2026-11-20', '2026-11-20 10:00:00.000000', '/tmp', '{HEAD}')"))
        connection.execute(text("INSERT INTO payout_batch_requests (batch_id, withdrawal_id) VALUES (1, 1)"))
    refused = ["UPDATE payout_batches SET folder = 'x'", "DELETE FROM payout_batch_requests"]
    if db.engine.dialect.name == "sqlite":
        refused.append("REPLACE INTO payout_batches SELECT * FROM payout_batches WHERE id = 1")
    for statement in refused:
        with pytest.raises(DatabaseError, match="refused"), db.engine.begin() as connection:
            connection.execute(text(statement))
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT folder, audit_head FROM payout_batches")).all() == [("/tmp", HEAD)]


def test_a_database_with_data_is_upgraded(old_database: Database) -> None:
    _upgrade_and_check(old_database)


def test_the_migrations_form_one_line_in_order() -> None:
    script = ScriptDirectory.from_config(migrate._config())
    order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert order == ["0001", "0002_trust", "0003_payout_batches", "0004_agency_language", "0005_accrued_payments",
                     "0006_display_name", "0007_refusal_reason"]
    assert script.get_heads() == ["0007_refusal_reason"]
    files = sorted(p.name for p in (migrate.MIGRATIONS / "versions").glob("0*.py"))
    assert files == ["0001_initial_schema.py", "0002_trust.py", "0003_payout_batches.py", "0004_agency_language.py",
                     "0005_accrued_payments.py", "0006_display_name.py", "0007_refusal_reason.py"]
