"""A book with rows in every protected table, made through the product, for the append-only and
tamper tests (any database).

    clock: 1 December 2026, 10:00 UTC
    AG01 EUR (offer accepted), AG02 USD; P1 (UAH) -> AG01, P2 (USD) -> AG02
    rates from 2026-07-01: UAH 40, EUR 0.9
    August: p1 40000 UAH -> AG01 $1,000 -> 15 % of 900.00 EUR = 135.00 EUR; p2 200.00 USD -> AG02 10 % = 20.00
    September: p3 20000 UAH -> AG01 $500 -> 15 % of 450.00 EUR = 67.50 EUR
    August and September posted (by boss); then mia pays P1 10.00 EUR from AG01, requests three
    withdrawals of AG01 (one paid by fin2 after fin approved it, one rejected by fin, one pending) and
    boss corrects AG02 by +5.00 USD
    users: boss (admin), fin and fin2 (finance), mia (manager)
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from partner_desk.domain.roles import SETUP, Role
from partner_desk.services import ledger, withdrawals
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database
from tests.fixed_clock import clock_at

NOW = "2026-12-01T10:00:00Z"
PASSWORD = "trust-me-not"
FILES = {
    "agencies": "code,name,currency,offer_accepted_at\nAG01,Alpha,EUR,2025-06-01\nAG02,Beta,USD,\n",
    "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n"
                "P2,Clinic,USD,AG02,2025-01-01\n",
    "rates": "date,currency,per_usd\n2026-07-01,UAH,40\n2026-07-01,EUR,0.9\n",
    "payments": "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
                "p1,P1,2026-08-10T10:00,subscription,40000.00,UAH,\n"
                "p2,P2,2026-08-11T10:00,subscription,200.00,USD,\n"
                "p3,P1,2026-09-10T10:00,subscription,20000.00,UAH,\n",
}


def populate(db: Database) -> dict[str, int]:
    """Fill an initialised database; the ids of the three withdrawals, by state."""
    folder = Path(tempfile.mkdtemp(prefix="partner-desk-trust-world-"))
    with clock_at(NOW):
        for kind, text in FILES.items():
            path = folder / f"{kind}.csv"
            path.write_text(text, encoding="utf-8")
            import_file(db, SETUP, kind, path)
        boss = add_user(db, SETUP, "boss", Role.ADMIN, PASSWORD)
        fin, fin2, mia = (add_user(db, boss, name, role, PASSWORD) for name, role in
                          (("fin", Role.FINANCE), ("fin2", Role.FINANCE), ("mia", Role.MANAGER)))
        post_period(db, boss, "2026-08")
        post_period(db, boss, "2026-09")
        ledger.pay_project(db, mia, "AG01", "P1", "10.00")
        paid = withdrawals.request_withdrawal(db, mia, "AG01", "50.00", "bank", "IBAN 1", date(2026, 11, 20)).id
        withdrawals.approve(db, fin, paid)
        withdrawals.mark_paid(db, fin2, paid, "SW-1", date(2026, 11, 25))
        rejected = withdrawals.request_withdrawal(db, mia, "AG01", "20.00", "card", "card 1").id
        withdrawals.reject(db, fin, rejected, "wrong card")
        pending = withdrawals.request_withdrawal(db, mia, "AG01", "30.00", "paypal", "a@example.com").id
        ledger.correct(db, boss, "AG02", "5.00", "goodwill")
    return {"paid": paid, "rejected": rejected, "pending": pending}
