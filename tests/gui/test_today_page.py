"""The Today page: each box says what waits and opens the page that acts on it; a manager sees the
agencies they manage only.

The data set is tests/gui/agency_data.py (today 2025-04-15) with two more payments:
    PAY7 2025-03-20 1,000.00 USD subscription (P1): AG01's March is $2,000 -> 20% -> 400.00 USD, reward
         $400, which reaches the $200 reward level and its two benefits
    PAY6 2025-04-06 2,800.00 USD subscription (P3): AG01's April so far is 600 + 1,200 + 2,800 = $4,600;
         the next level is 25% from $5,000, $400 away, within 10% of $5,000 ($500)
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from partner_desk.domain.roles import SETUP, Role
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.today import TodayPage, entries_of
from partner_desk.services.accruals import post_period
from partner_desk.services.benefits import set_benefit_state
from partner_desk.services.imports import import_file
from partner_desk.services.users import add_user
from partner_desk.services.withdrawals import approve, request_withdrawal
from partner_desk.store.models import Benefit
from tests.gui.agency_data import PASSWORD, TODAY, people, seed

MORE = """
payment_id,project_id,paid_at,service,amount,currency
PAY6,P3,2025-04-06T10:00:00,subscription,2800.00,USD
PAY7,P1,2025-03-20T10:00:00,subscription,1000.00,USD
"""


def open_today(qtbot, db, actor) -> TodayPage:
    page = TodayPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def world(db, write_csv):
    seed(db, write_csv)
    import_file(db, SETUP, "payments", write_csv(MORE, "more-payments.csv"))
    return people(db)


def opened(qtbot, page: TodayPage, act) -> list[object]:
    with qtbot.waitSignal(page.open_page) as signal:
        act()
    return list(signal.args)


def test_before_posting_march_can_be_posted_and_april_is_close_to_25_percent(qtbot, db, write_csv) -> None:
    team = world(db, write_csv)
    page = open_today(qtbot, db, team["fiona"])
    assert page.heading.text() == "Today, Apr 15, 2025"
    # nothing posted yet: the earliest month with payments, March, has ended and may be posted
    assert page.posting.summary.text() == "2025-03 can be posted now."
    assert opened(qtbot, page, page.posting.button.click) == ["accruals", "2025-03"]
    assert page.near.summary.text() == "1 agency is within 10% of its next level in 2025-04:"
    # $5,000 - $4,600 = $400
    assert entries_of(page.near) == [("AG01 Alpha Agency: $400.00 more for 25% (so far $4,600.00)", "AG01")]
    assert opened(qtbot, page, lambda: page.near.list.itemActivated.emit(page.near.list.item(0))) == [
        "agency", "AG01"]
    assert page.pending.summary.text() == "Nothing is waiting for approval."
    assert page.benefits.summary.text() == "Every benefit reached has been delivered."
    # no balance yet (nothing posted): nobody can withdraw
    assert entries_of(page.idle) == []
    # the imports of each kind, the latest first; no commission table was ever imported
    imports = page.imports.summary.text().split("<br>")
    assert imports[2].startswith("Payments: ")
    assert imports[2].endswith("(more-payments.csv, by set-up)")
    assert imports[4] == "Commission table version: never"
    assert opened(qtbot, page, page.imports.button.click) == ["import", None]
    # EUR's only rate is of 2025-01-01
    assert page.rates.summary.text() == ("No rate dated today for EUR (latest Jan 1, 2025); until one is "
                                         "imported, the latest rate before today is used.")
    assert opened(qtbot, page, page.rates.button.click) == ["import", "rates"]


def test_after_posting_requests_benefits_and_balances_wait(qtbot, db, write_csv) -> None:
    team = world(db, write_csv)
    post_period(db, team["fiona"], "2025-03", TODAY)
    with db.read() as s:
        benefits = {b.name: b.id for b in s.scalars(select(Benefit))}
    # one of the two benefits of the $200 level is delivered; the other is not
    set_benefit_state(db, team["anna"], "AG01", benefits["Recommendation to the company's clients"], "delivered")

    page = open_today(qtbot, db, team["fiona"])
    # March posted; April is running, so nothing can be posted until it ends
    assert page.posting.summary.text().startswith("2025-04 cannot be posted now: 2025-04 has not ended")
    assert page.benefits.summary.text() == "1 benefit to deliver, at 1 agency:"
    assert entries_of(page.benefits) == [("AG01 Alpha Agency: 1 benefit", "AG01")]
    assert page.benefits.list.item(0).toolTip() == (
        "Joint case study on the company blog and in online media (from $200.00, reached in 2025-03; "
        "not started)")
    # AG01 holds 400.00 USD, its offer is accepted: it could withdraw and has not asked
    assert entries_of(page.idle) == [("AG01 Alpha Agency: available $400.00", "AG01")]
    assert not page.idle.button.isEnabled()
    page.idle.list.setCurrentRow(0)
    assert opened(qtbot, page, page.idle.button.click) == ["agency", "AG01"]

    request = request_withdrawal(db, team["admin"], "AG01", Decimal("150.00"), "bank_transfer", "IBAN", TODAY)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert page.pending.summary.text() == "1 request: $150.00  ≈ $150.00 in all"
    assert opened(qtbot, page, page.pending.button.click) == ["withdrawals", "pending"]
    # a request is open: the agency no longer waits in "could withdraw"
    assert entries_of(page.idle) == []
    approve(db, team["fiona"], request.id, TODAY)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert page.pending.summary.text() == "Nothing is waiting for approval."
    assert page.approved.summary.text() == "1 request: $150.00  ≈ $150.00 in all"
    assert opened(qtbot, page, page.approved.button.click) == ["withdrawals", "approved"]


def test_a_manager_sees_the_agencies_they_manage_only(qtbot, db, write_csv) -> None:
    team = world(db, write_csv)
    boris = add_user(db, team["admin"], "boris", Role.MANAGER, PASSWORD)
    post_period(db, team["fiona"], "2025-03", TODAY)

    anna = open_today(qtbot, db, team["anna"])
    assert anna.scope.text() == "— the agencies you manage"
    assert [code for _text, code in entries_of(anna.near)] == ["AG01"]
    assert [code for _text, code in entries_of(anna.idle)] == ["AG01"]
    # a manager may not post: the posting box says so
    assert anna.posting.summary.text().startswith(
        "2025-04 cannot be posted now: anna (manager) may not post accruals: it needs the finance role")

    # boris manages AG02 only: no offer accepted, $25 of reward in March, far from its next level
    other = open_today(qtbot, db, boris)
    assert entries_of(other.near) == []
    assert entries_of(other.idle) == []
    assert entries_of(other.benefits) == []
    assert other.near.summary.text() == "No agency is within 10% of its next level in 2025-04."
