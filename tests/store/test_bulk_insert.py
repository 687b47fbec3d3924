"""Bulk inserts store values exactly as the ORM does, so SQL comparisons between them hold."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from partner_desk.services.setup import init_database
from partner_desk.store.bulk import insert_all_new, insert_rows
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Connection, Payment, Project


def test_bulk_and_orm_moments_are_stored_alike_and_compare_at_the_boundary(db: Database) -> None:
    moment = datetime(2026, 1, 14, 22, 0, tzinfo=UTC)  # a whole second: no microseconds to print
    with db.write() as session:
        agency = Agency(code="AG01", name="Alpha", currency="EUR")
        session.add_all([agency, Project(project_id="P1", name="Shop", currency="EUR")])
        session.flush()
        session.add(Connection(project_id="P1", agency_id=agency.id, connected_at=moment))
        insert_rows(session, Payment.__table__, ("payment_id", "project_id", "paid_at", "local_date", "period",
                                                 "service", "amount_minor", "currency", "refund_of"),
                    [("pay-1", "P1", moment, date(2026, 1, 15), "2026-01", "subscription", 900, "EUR", None)])
    with db.read() as session:
        stored = session.execute(text("SELECT p.paid_at, c.connected_at, p.local_date FROM payments p, "
                                      "connections c")).one()
        # a payment at the very moment of connecting is connected (connected_at <= paid_at)
        matched = session.execute(text("SELECT count(*) FROM payments p JOIN connections c "
                                       "ON c.connected_at <= p.paid_at")).scalar()
    assert stored == ("2026-01-14 22:00:00.000000", "2026-01-14 22:00:00.000000", "2026-01-15")
    assert matched == 1


_names = itertools.count(1)
COLUMNS = ("payment_id", "project_id", "paid_at", "local_date", "period", "service", "amount_minor", "currency",
           "refund_of")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, db: Database) -> Iterator[Database]:
    if request.param == "sqlite":
        yield db
        return
    database = Database(request.getfixturevalue("pg_server").create_database(f"bulk{next(_names)}"))
    init_database(database)
    yield database
    database.dispose()


def _row(database: Database, pid: str, minor: int) -> tuple[object, ...]:
    """A payment's row as the database stores it: SQLite keeps moments and days as text."""
    moment: object = datetime(2026, 1, 14, 22, tzinfo=UTC)
    day: object = date(2026, 1, 15)
    if database.url.startswith("sqlite"):
        moment, day = "2026-01-14 22:00:00.000000", "2026-01-15"
    return (pid, "P1", moment, day, "2026-01", "subscription", minor, "EUR", None)


def _stored(database: Database) -> list[tuple[str, int]]:
    with database.read() as session:
        rows = session.execute(select(Payment.payment_id, Payment.amount_minor).order_by(Payment.payment_id))
        return [(pid, minor) for pid, minor in rows]


def test_rows_are_written_all_or_none_when_a_key_is_stored_or_repeated(any_db: Database) -> None:
    table: Any = Payment.__table__
    a, c, d = (_row(any_db, pid, 1) for pid in "acd")
    with any_db.write() as session:
        assert insert_all_new(session, table, COLUMNS, [a, _row(any_db, "b", 2)], "payment_id")
        # "b" is stored: none of c, b, d is written, whatever its place among them
        assert not insert_all_new(session, table, COLUMNS, [c, _row(any_db, "b", 99), d], "payment_id")
        # "c" twice among them: none is written
        assert not insert_all_new(session, table, COLUMNS, [c, d, c], "payment_id")
        # after a refused batch, a later one is written whole
        assert insert_all_new(session, table, COLUMNS, [c, d], "payment_id")
    # a 1, b 2 (not 99), c and d once each
    assert _stored(any_db) == [("a", 1), ("b", 2), ("c", 1), ("d", 1)]
