"""The agency list and the agency detail read models, against hand-computed figures
(tests/services/agency_pages_data.py explains the data set)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.refusal_text import in_english, shown_note
from partner_desk.services.accrual_views import posted_lines
from partner_desk.services.accruals import post_period
from partner_desk.services.agency_detail import agency_accruals, agency_detail, agency_ledger, agency_payments
from partner_desk.services.agency_views import AgencyFilter, agency_list, with_running_month
from tests.services.agency_pages_data import AGENCIES, PAYMENTS, PROJECTS, TODAY, seed
from tests.services.money_world import world

ANNA = Actor("anna", Role.MANAGER)


def test_list_before_and_after_last_month_is_posted(db, load) -> None:
    seed(load)
    before = agency_list(db, ANNA, TODAY)
    assert (before.last_period, before.running_period, before.last_posted) == (Period(2025, 3), Period(2025, 4), False)
    rows = {r.code: r for r in before.rows}
    # March previewed: AG01 $1,000 -> 15%; AG02 200 EUR / 0.8 = $250 -> 10%
    assert (rows["AG01"].last_turnover_usd, rows["AG01"].last_percent) == (Decimal("1000.00"), Decimal("15"))
    assert (rows["AG02"].last_turnover_usd, rows["AG02"].last_percent) == (Decimal("250.00"), Decimal("10"))
    # April running: (600 + 1,200) x 20% = 360.00 USD; AG02 has no April payment
    assert rows["AG01"].running_commission == Decimal("360.00")
    assert rows["AG02"].running_commission == Decimal("0")
    # connected on 2025-04-15: AG01 P1 and P3; AG02's P2 left on 2025-04-10
    assert (rows["AG01"].projects, rows["AG02"].projects) == (2, 0)
    assert rows["AG01"].balance == Decimal("0")
    assert not rows["AG01"].can_withdraw

    post_period(db, SETUP, "2025-03", as_of=TODAY)
    after = {r.code: r for r in agency_list(db, ANNA, TODAY).rows}
    assert after["AG01"].last_percent == Decimal("15")
    # AG01: 150.00 USD available, offer accepted -> can withdraw
    assert (after["AG01"].balance, after["AG01"].available, after["AG01"].can_withdraw) == (
        Decimal("150.00"), Decimal("150.00"), True)
    # AG02: 20.00 EUR / 0.8 = $25.00, and no offer
    assert tuple(in_english(after["AG02"].reasons)) == ("the partner offer has not been accepted",
                                     "the available balance is worth $25.00, not more than $100.00")
    assert after["AG02"].offer_accepted_on is None
    assert after["AG01"].offer_accepted_on == date(2025, 1, 10)


def test_filter_by_text_manager_currency_level_and_withdrawal(db, load) -> None:
    seed(load)
    post_period(db, SETUP, "2025-03", as_of=TODAY)
    rows = agency_list(db, ANNA, TODAY).rows

    def codes(f: AgencyFilter) -> list[str]:
        return [r.code for r in rows if f(r)]

    assert codes(AgencyFilter()) == ["AG01", "AG02"]
    assert codes(AgencyFilter(text="BETA")) == ["AG02"]
    assert codes(AgencyFilter(text="ann")) == ["AG01"]  # the manager's name matches too
    assert codes(AgencyFilter(manager="boris")) == ["AG02"]
    assert codes(AgencyFilter(currency="USD")) == ["AG01"]
    assert codes(AgencyFilter(percent=Decimal("10"))) == ["AG02"]
    assert codes(AgencyFilter(can_withdraw=True)) == ["AG01"]
    assert codes(AgencyFilter(text="alpha", currency="EUR")) == []


def test_detail_progress_benefits_chart_and_tabs(db, load) -> None:
    seed(load)
    post_period(db, SETUP, "2025-03", as_of=TODAY)
    d = agency_detail(db, ANNA, "AG01", TODAY)
    # running April turnover $1,800 reaches the $1,500 level (20%); $5,000 - $1,800 = $3,200 to 25%
    assert (d.commission.value, d.commission.reached, d.commission.target) == (
        Decimal("1800.00"), Decimal("1500"), Decimal("5000"))
    assert (d.commission.missing, d.commission.next_value) == (Decimal("3200.00"), Decimal("25"))
    # reward: 1,800 x 20% = $360, past $200; $3,000 - $360 = $2,640 to the next level
    assert (d.reward.value, d.reward.reached, d.reward.missing) == (Decimal("360.00"), Decimal("200"),
                                                                     Decimal("2640.00"))
    # March (posted): 15%, reward 1,000 x 15% = $150, below $200: no benefit reached, no month qualified
    assert (d.last_percent, d.last_reward_usd, d.last_posted) == (Decimal("15"), Decimal("150.00"), True)
    assert [b.reached_last_month for b in d.benefits] == [False] * 5
    assert all(b.months_qualified == () and b.state is None for b in d.benefits)
    assert [(c.project_id, c.current) for c in d.connections] == [("P1", True), ("P3", True)]
    assert d.can_withdraw
    assert d.available == Decimal("150.00")
    assert len(d.chart) == 12
    assert d.chart[0].period == Period(2024, 5)
    assert (d.chart[-2].period, d.chart[-2].turnover_usd, d.chart[-2].commission, d.chart[-2].posted) == (
        Period(2025, 3), Decimal("1000.00"), Decimal("150.00"), True)
    assert (d.chart[-1].turnover_usd, d.chart[-1].commission, d.chart[-1].posted) == (
        Decimal("1800.00"), Decimal("360.00"), False)

    assert [p.payment_id for p in agency_payments(db, "AG01")] == ["PAY5", "PAY4", "PAY2", "PAY1"]
    march_subscriptions = agency_payments(db, "AG01", Period(2025, 3), "subscription")
    assert [(p.payment_id, p.eligible, p.accrued_in) for p in march_subscriptions] == [("PAY1", True, "2025-03")]
    assert [(p.payment_id, p.eligible) for p in agency_payments(db, "AG01", service="numbers")] == [("PAY2", False)]

    (march,) = agency_accruals(db, "AG01")
    assert (march.period, march.amount, march.lines) == ("2025-03", Decimal("150.00"), 1)
    assert [(line.payment_id, line.commission, line.late) for line in march.line_rows] == [
        ("PAY1", Decimal("150.00"), False)]
    # the agency page shows a posted accrual's lines exactly as the Accruals page does: rates included
    assert march.line_rows == posted_lines(db, Period(2025, 3), "AG01")
    assert (march.line_rows[0].pay_rate, march.line_rows[0].partner_rate) == (Decimal("1"), None)
    assert [(e.kind, e.amount, e.balance_after) for e in agency_ledger(db, "AG01")] == [
        ("accrual", Decimal("150.00"), Decimal("150.00"))]


def test_unknown_agency_is_a_user_error(db, load) -> None:


    seed(load)
    with pytest.raises(UserError, match="unknown agency 'NOPE'"):
        agency_detail(db, ANNA, "NOPE", TODAY)


def test_months_qualified_follow_the_reward_level_as_posted(db, load) -> None:
    seed(load)
    may = date(2025, 5, 2)
    post_period(db, SETUP, "2025-03", as_of=may)  # AG01 reward 1,000 x 15% = $150: below $200
    post_period(db, SETUP, "2025-04", as_of=may)  # AG01 reward 1,800 x 20% = $360: the $200 level
    d = agency_detail(db, ANNA, "AG01", may)
    assert (d.last_period, d.last_reward_usd) == (Period(2025, 4), Decimal("360.00"))
    by_level = {(b.min_reward_usd, b.months_qualified, b.reached_last_month) for b in d.benefits}
    assert by_level == {(Decimal("200"), ("2025-04",), True), (Decimal("3000"), (), False)}


def test_a_preview_that_cannot_be_made_leaves_its_columns_empty_and_says_why(db, load) -> None:

    load("agencies", AGENCIES)
    load("projects", PROJECTS)
    load("payments", PAYMENTS)  # no rates: AG02's EUR payment of 2025-03-10 cannot be valued
    listing = agency_list(db, ANNA, TODAY)
    assert [str(note) for note in listing.notes] == ["2025-03: missing exchange rate: EUR on 2025-03-10"]
    # the window says it in its language
    i18n.setup("uk_UA")
    try:
        assert [shown_note(note) for note in listing.notes] == [
            "2025-03: немає курсу валюти: EUR на 10.03.2025"]
    finally:
        i18n.setup("en_US")
    rows = {r.code: r for r in listing.rows}
    assert (rows["AG01"].last_turnover_usd, rows["AG01"].last_percent) == (None, None)
    # April has only USD payments of a USD agency: it previews (600 + 1,200) x 20% = 360.00
    assert rows["AG01"].running_commission == Decimal("360.00")
    # the balance column does not depend on rates, the withdrawal check says what is missing
    no_rate = "no EUR exchange rate on or before 2025-04-15 to value the balance in USD"
    assert no_rate in in_english(rows["AG02"].reasons)


def test_connected_projects_are_counted_on_the_clocks_day(tmp_path, clock) -> None:

    db = world(tmp_path)  # P-MOVED was AG01's until 2025-06-01, then AG02's
    try:
        clock("2025-05-01T10:00:00Z")  # set back: P-MOVED is still AG01's
        rows = {r.code: r.projects for r in agency_list(db, SETUP).rows}
        assert (rows["AG01"], rows["AG02"]) == (4, 1)  # P-EUR, P-UAH, P-PLN, P-MOVED; P-USD
        clock("2025-06-01T10:00:00Z")
        rows = {r.code: r.projects for r in agency_list(db, SETUP).rows}
        assert (rows["AG01"], rows["AG02"]) == (3, 2)
    finally:
        db.dispose()


def test_the_list_without_the_running_month_then_filled_is_the_whole_list(db, load) -> None:
    seed(load)
    whole = agency_list(db, ANNA, TODAY)
    first = agency_list(db, ANNA, TODAY, running=False)
    assert first.running_pending
    assert all(r.running_pending for r in first.rows)
    # nothing of the running month yet: no commission (never a zero); every other column as in the whole list
    assert all(r.running_commission is None for r in first.rows)
    assert [replace(r, running_pending=False) for r in first.rows] == [
        replace(r, running_commission=None) for r in whole.rows]
    assert (first.today, first.last_period, first.running_period, first.notes) == (
        whole.today, whole.last_period, whole.running_period, whole.notes)
    filled = with_running_month(db, ANNA, first)
    assert not filled.running_pending
    assert filled.rows == whole.rows
    assert filled.notes == whole.notes
    # April running: AG01 (600 + 1,200) x 20% = 360.00 USD; AG02 has no April payment: 0
    rows = {r.code: r.running_commission for r in filled.rows}
    assert (rows["AG01"], rows["AG02"]) == (Decimal("360.00"), Decimal("0"))


def test_a_running_month_that_cannot_be_previewed_is_empty_and_said(db, load) -> None:
    load("agencies", AGENCIES)
    load("projects", PROJECTS)
    # a EUR payment of April with no rates: April cannot be valued
    load("payments", "payment_id,project_id,paid_at,service,amount,currency\n"
                     "PX,P2,2025-04-02T10:00:00,subscription,100.00,EUR\n")
    first = agency_list(db, ANNA, TODAY, running=False)
    assert first.notes == []
    filled = with_running_month(db, ANNA, first)
    assert all(r.running_commission is None and not r.running_pending for r in filled.rows)
    assert [str(note) for note in filled.notes] == ["2025-04: missing exchange rate: EUR on 2025-04-02"]
    assert filled.rows == agency_list(db, ANNA, TODAY).rows
