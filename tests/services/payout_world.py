"""Approved requests ready for a payout batch, on top of the money world (see money_world).

    AG01 Alpha  EUR    AG04 Delta, Inc.  USD    AG05 Epsilon  JPY (150 per USD)
All three have accepted the offer; each is credited and its requests are made by m1 and approved by f1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from partner_desk.services.withdrawals import WithdrawalView, approve, request_withdrawal
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency
from tests.services.money_world import ACTORS, START, TODAY, add_rate, credit

M1, F1, F2 = ACTORS["m1"], ACTORS["f1"], ACTORS["f2"]
IBAN_DE = "DE89 3704 0044 0532 0130 00"  # a valid German IBAN (SEPA zone)
IBAN_DE_BAD = "DE89 3704 0044 0532 0130 01"  # the same with a wrong check digit
IBAN_UA = "UA51 3052 9900 0002 6007 0150 0000 1"  # valid, outside the SEPA zone


def add_agencies(db: Database) -> None:
    with db.write() as s:
        if s.scalar(select(Agency.id).where(Agency.code == "AG04")) is None:
            s.add_all([Agency(code="AG04", name="Delta, Inc.", currency="USD", offer_accepted_at=START),
                       Agency(code="AG05", name="Epsilon", currency="JPY", offer_accepted_at=START)])
    add_rate(db, "JPY", date(2025, 1, 1), "150")
    credit(db, "AG01", "1000.00")
    credit(db, "AG04", "1000.00")
    credit(db, "AG05", "200000")


def approved(db: Database, code: str, amount: str, method: str, details: str) -> WithdrawalView:
    view = request_withdrawal(db, M1, code, Decimal(amount), method, details, as_of=TODAY)
    return approve(db, F1, view.id, as_of=TODAY)
