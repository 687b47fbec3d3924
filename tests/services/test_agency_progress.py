"""The agency page's progress towards the next commission level agrees with what posting would pay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import preview_period
from partner_desk.services.agency_detail import agency_detail


def test_a_turnover_a_fraction_of_a_cent_below_a_threshold_has_not_reached_it(db, load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,USD")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01")
    load("rates", "date,currency,per_usd\n2026-01-01,UAH,40")
    # 19999.84 UAH / 40 = $499.996: shown as $500.00, yet below the $500 level
    load("payments", "payment_id,project_id,paid_at,service,amount,currency\n"
                     "j1,P1,2026-01-10T10:00,subscription,19999.84,UAH")
    today = date(2026, 1, 20)
    [accrual] = preview_period(db, SETUP, "2026-01", as_of=today).accruals
    assert accrual.percent == Decimal("10")
    progress = agency_detail(db, SETUP, "AG01", as_of=today).commission
    assert progress.value == Decimal("500.00")  # shown rounded to cents
    assert progress.reached == Decimal("0")  # the 10% level, as the accrual pays
    assert (progress.target, progress.next_value) == (Decimal("500"), Decimal("15"))
