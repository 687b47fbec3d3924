"""Payout batches on PostgreSQL: the migration's tables and guards, an export and a batch marked paid."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from partner_desk.services.balances import balances
from partner_desk.services.payout_batches import export_batch, mark_batch_paid
from partner_desk.store.engine import Database
from tests.services.money_world import ACTORS, TODAY, populate
from tests.services.payout_world import add_agencies, approved
from tests.store.pg_server import PgServer


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    pg = PgServer().start()
    yield pg
    pg.stop()


def test_export_and_mark_paid_on_postgresql(server: PgServer, tmp_path: Path) -> None:
    db = Database(server.create_database("payouts"))
    try:
        populate(db)
        add_agencies(db)
        usd = approved(db, "AG04", "120.50", "paypal", "delta@example.com")
        jpy = approved(db, "AG05", "20000", "paypal", "jp@example.jp")
        result = export_batch(db, ACTORS["f2"], "paypal", tmp_path, today=TODAY)
        assert [p.name for p in result.files] == ["payout-batch-1-paypal-JPY.csv", "payout-batch-1-paypal-USD.csv"]
        paid = mark_batch_paid(db, ACTORS["f2"], result.files[0], "PP-1", date(2026, 11, 19))
        assert [v.id for v in paid.requests] == [usd.id, jpy.id]
        # AG04: 1000.00 - 120.50 = 879.50; AG05: 200000 - 20000 = 180000
        assert balances(db, "AG04", TODAY)[0].position.balance == Decimal("879.50")
        assert balances(db, "AG05", TODAY)[0].position.balance == Decimal("180000")
        for table in ("payout_batches", "payout_batch_requests", "payout_batch_files"):
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(text(f"DELETE FROM {table}"))
    finally:
        db.dispose()
