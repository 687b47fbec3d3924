"""Bulk inserts store values exactly as the ORM does, so SQL comparisons between them hold."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from partner_desk.store.bulk import insert_rows
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
