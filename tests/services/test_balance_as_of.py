"""`balance --as-of D` shows the balances as they stood at the end of day D: the entries dated on or
before it, its rates, the offers accepted by then (tests/store/trust_world.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.services.balances import balances
from partner_desk.store.engine import Database
from tests.store.trust_world import NOW, populate


def position(db: Database, day: date | None) -> tuple[Decimal, Decimal, Decimal]:
    pos = balances(db, "AG01", day)[0].position
    return pos.balance, pos.held, pos.available


def test_balances_as_they_stood(db: Database, clock) -> None:
    populate(db)
    clock(NOW)
    # 22 November: the credits 135.00 + 67.50 and the hold of 20 November (50.00)
    assert position(db, date(2026, 11, 22)) == (Decimal("202.50"), Decimal("50.00"), Decimal("152.50"))
    # 30 November: paid out on the 25th: 202.50 - 50.00, nothing held
    assert position(db, date(2026, 11, 30)) == (Decimal("152.50"), Decimal("0.00"), Decimal("152.50"))
    # today: - 10.00 paid to a project; the rejected request's hold released; 30.00 held by the pending one
    assert position(db, None) == (Decimal("142.50"), Decimal("30.00"), Decimal("112.50"))
    # on 1 May 2025 AG01 had not accepted the partner offer yet (it did on 1 June 2025)
    assert balances(db, "AG01", date(2025, 5, 1))[0].reasons[0] == "the partner offer has not been accepted"
    with pytest.raises(UserError, match=r"--as-of 2026-12-02 is after today \(2026-12-01\)"):
        balances(db, "AG01", date(2026, 12, 2))
