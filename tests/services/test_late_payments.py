"""Late payments are noted when they arrive, and the next posting accrues them (SPEC section 4).

A posting no longer reads the whole history for payments still waiting: an import notes in
`late_payments` each payment of a month already closed, and a new connection notes the payments of
closed months it covers; the next posting accrues what earns and clears the notes.

agencies: AG1 in USD, AG2 in EUR; rates per USD: EUR 0.8
projects: P1 (USD) -> AG1 from 2026-01-01; P2 (EUR) -> AG2 from 2026-01-01; P9 connected only later
March: m1 P1 100.00 USD ($100 -> AG1 10%: 10.00); m2 P2 800.00 EUR ($1000 -> AG2 15%: 120.00)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select

from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import post_period, preview_period
from partner_desk.store.engine import Database
from partner_desk.store.models import LatePayment

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
APR_1 = date(2026, 4, 1)
MAY_1 = date(2026, 5, 1)


@pytest.fixture
def march_posted(db: Database, load) -> Database:
    load("agencies", "code,name,currency\nAG1,Alpha,USD\nAG2,Beta,EUR\n")
    load("projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                     "P1,One,USD,AG1,2026-01-01,\nP2,Two,EUR,AG2,2026-01-01,\n")
    load("rates", "date,currency,per_usd\n2026-01-01,EUR,0.8\n")
    load("payments", f"{PAY}\nm1,P1,2026-03-05T10:00,subscription,100.00,USD,\n"
                     "m2,P2,2026-03-06T10:00,subscription,800.00,EUR,\n")
    run = post_period(db, SETUP, "2026-03", as_of=APR_1)
    assert [(a.agency, a.total) for a in run.accruals] == [("AG1", Decimal("10.00")), ("AG2", Decimal("120.00"))]
    return db


def noted(db: Database) -> list[str]:
    with db.read() as session:
        return sorted(session.scalars(select(LatePayment.payment_id)))


def lines_of(run) -> dict[str, tuple[Decimal, bool, Decimal]]:
    return {line.payment_id: (line.commission, line.late, line.percent) for a in run.accruals for line in a.lines}


def test_a_payment_imported_into_a_posted_month_is_noted_and_accrued_late(march_posted: Database, load) -> None:
    load("payments", f"{PAY}\nl1,P1,2026-03-28T10:00,subscription,50.00,USD,\n"
                     "a1,P1,2026-04-03T10:00,subscription,30.00,USD,\n"
                     "t1,P1,2026-03-29T10:00,telephony,70.00,USD,\n")
    # the April payment is April's own, and telephony never earns: only l1 waits
    assert noted(march_posted) == ["l1"]
    preview = preview_period(march_posted, SETUP, "2026-04", MAY_1)
    assert noted(march_posted) == ["l1"]  # a preview changes nothing
    run = post_period(march_posted, SETUP, "2026-04", as_of=MAY_1)
    # a1 $30 -> 10%: 3.00; l1 late at AG1's March 10%: 5.00
    assert lines_of(run) == lines_of(preview) == {
        "a1": (Decimal("3.00"), False, Decimal("10")), "l1": (Decimal("5.00"), True, Decimal("10"))}
    assert noted(march_posted) == []


def test_a_new_connection_over_a_posted_month_makes_its_payments_earn_late(march_posted: Database, load) -> None:
    load("payments", f"{PAY}\nn1,P9,2026-03-10T10:00,subscription,200.00,USD,\n"
                     "n0,P9,2026-02-10T10:00,subscription,60.00,USD,\n")
    assert noted(march_posted) == ["n0", "n1"]
    # P9 is connected to no one yet: April's posting accrues nothing of it and lets the notes go
    run = post_period(march_posted, SETUP, "2026-04", as_of=MAY_1)
    assert lines_of(run) == {}
    assert noted(march_posted) == []
    # connected to AG2 from March 1: n1 (March) earns, n0 (February) does not
    load("projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                     "P9,Nine,USD,AG2,2026-03-01,\n")
    assert noted(march_posted) == ["n1"]
    run = post_period(march_posted, SETUP, "2026-05", as_of=date(2026, 6, 1))
    # n1 late at AG2's March 15%: $200 -> €160 × 15% = 24.00
    assert lines_of(run) == {"n1": (Decimal("24.00"), True, Decimal("15"))}
    assert noted(march_posted) == []


def test_a_refund_of_a_posted_payment_arriving_late_reverses_at_its_terms(march_posted: Database, load) -> None:
    load("payments", f"{PAY}\nr1,P2,2026-03-20T10:00,subscription,-400.00,EUR,m2\n")
    assert noted(march_posted) == ["r1"]
    run = post_period(march_posted, SETUP, "2026-04", as_of=MAY_1)
    # at m2's posted terms: -400.00 EUR × 15% = -60.00, late (March is posted)
    assert lines_of(run) == {"r1": (Decimal("-60.00"), True, Decimal("15"))}
    assert [(a.agency, a.total) for a in run.accruals] == [("AG2", Decimal("-60.00"))]


def test_the_late_payments_are_read_by_id_not_through_every_earlier_month(march_posted: Database, load) -> None:
    """A posting's cost does not grow with the history: the payments noted late are looked up by id
    from `late_payments`; SQLite's plan for that read searches payments by their key, never by a
    range of earlier periods."""
    load("payments", f"{PAY}\nl1,P1,2026-03-28T10:00,subscription,50.00,USD,\n")
    seen: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "late_payments" in statement and "amount_minor" in statement and "refund_of IS NULL" in statement:
            seen.append((statement, parameters))

    event.listen(march_posted.engine, "before_cursor_execute", capture)
    try:
        run = post_period(march_posted, SETUP, "2026-04", as_of=MAY_1)
    finally:
        event.remove(march_posted.engine, "before_cursor_execute", capture)
    assert lines_of(run) == {"l1": (Decimal("5.00"), True, Decimal("10"))}
    assert len(seen) == 1
    statement, parameters = seen[0]
    with march_posted.engine.connect() as connection:
        plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    assert any("payments" in step and "(payment_id=?)" in step for step in plan), plan
    assert not any("period<" in step for step in plan), plan
