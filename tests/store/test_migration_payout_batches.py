"""Migration 0004: an existing database with data in it gains the payout batch tables, append-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from partner_desk.services.setup import init_database
from partner_desk.store import migrate
from partner_desk.store.engine import Database


def test_an_existing_database_is_upgraded_with_its_data(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO agencies (code, name, currency, created_at) "
                                "VALUES ('AG01', 'Alpha', 'EUR', '2026-01-01 00:00:00.000000')"))
        connection.execute(text(
            "INSERT INTO withdrawals (agency_id, amount_minor, currency, method, details, status, requested_at) "
            "VALUES (1, 15000, 'EUR', 'paypal', 'a@example.com', 'approved', '2026-11-20 10:00:00.000000')"))
    assert migrate.current_revision(db.engine) == "0001"
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision()  # 0004 and any migration after it
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT code FROM agencies")).scalars().all() == ["AG01"]
        connection.execute(text("INSERT INTO payout_batches (method, made_on, created_at, folder) "
                                "VALUES ('paypal', '2026-11-20', '2026-11-20 10:00:00.000000', '/tmp')"))
        connection.execute(text("INSERT INTO payout_batch_requests (batch_id, withdrawal_id) VALUES (1, 1)"))
    for statement in ("UPDATE payout_batches SET folder = 'x'", "DELETE FROM payout_batch_requests"):
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    db.dispose()
