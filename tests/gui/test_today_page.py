"""The Today page: each box says what waits and opens the page that acts on it; a manager sees the
agencies they manage only.

The data set is tests/gui/agency_data.py (today 2025-04-15) with two more payments:
    PAY7 2025-03-20 1,000.00 USD subscription (P1): AG01's March is $2,000 -> 20% -> 400.00 USD, reward
         $400, which reaches the $200 reward level and its two benefits
    PAY6 2025-04-06 2,800.00 USD subscription (P3): AG01's April so far is 600 + 1,200 + 2,800 = $4,600;
         the next level is 25% from $5,000, $400 away, within 10% of $5,000 ($500)
"""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from sqlalchemy import select

from partner_desk.domain.roles import SETUP, Role
from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages import today as today_page
from partner_desk.gui.pages.today import TodayPage, entries_of
from partner_desk.services.accruals import post_period
from partner_desk.services.benefits import set_benefit_state
from partner_desk.services.imports import import_file
from partner_desk.services.today import near_levels, today_view
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
    assert opened(qtbot, page, lambda: page.near.list.activated.emit(page.near.entries.index(0))) == [
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
    assert page.benefits.entries.data(page.benefits.entries.index(0), Qt.ItemDataRole.ToolTipRole) == (
        "Joint case study on the company blog and in online media (from $200.00, reached in 2025-03; "
        "not started)")
    # AG01 holds 400.00 USD, its offer is accepted: it could withdraw and has not asked
    assert entries_of(page.idle) == [("AG01 Alpha Agency: available $400.00", "AG01")]
    assert not page.idle.button.isEnabled()
    page.idle.list.setCurrentIndex(page.idle.entries.index(0))
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


def test_every_box_shows_before_the_running_month_is_previewed(qtbot, db, write_csv, monkeypatch) -> None:
    """The preview of April (the costly part) follows the other boxes; until it arrives the box says
    so, and a preview started by an older refresh is dropped when a newer one started meanwhile."""
    team = world(db, write_csv)
    real = today_page.near_levels
    release = threading.Event()
    calls: list[int] = []

    def held(db_, actor, view, as_of=None):
        calls.append(1)
        if len(calls) == 1:  # the first refresh's preview: held, then answers something wrong
            release.wait(10)
            return replace(real(db_, actor, view, as_of), near=[])
        return real(db_, actor, view, as_of)

    monkeypatch.setattr(today_page, "near_levels", held)
    page = TodayPage(AppContext(db, team["fiona"]))
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.view is not None, timeout=15_000)
    assert page.posting.summary.text() == "2025-03 can be posted now."
    assert page.near.summary.text() == "Previewing 2025-04: computing…"
    assert entries_of(page.near) == []
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()  # a newer load, whose own preview is not held, finishes first
    assert len(calls) == 2
    release.set()  # now the older preview answers; it must be dropped
    qtbot.waitUntil(lambda: not ops.running(), timeout=15_000)
    qtbot.wait(100)
    # $5,000 - $4,600 = $400, from the newer preview; the held one's empty list never shows
    assert page.near.summary.text() == "1 agency is within 10% of its next level in 2025-04:"
    assert entries_of(page.near) == [("AG01 Alpha Agency: $400.00 more for 25% (so far $4,600.00)", "AG01")]


def test_the_view_without_its_preview_is_the_whole_view_but_for_the_near_levels(db, write_csv) -> None:
    team = world(db, write_csv)
    whole = today_view(db, team["fiona"], TODAY)
    first = today_view(db, team["fiona"], TODAY, near=False)
    assert first.near_pending
    assert first.near == []
    assert first.near_note is None
    assert not whole.near_pending
    # AG01's April so far $4,600, $400 short of 25% from $5,000
    assert [(n.code, n.turnover, n.missing) for n in whole.near] == [("AG01", Decimal("4600.00"), Decimal("400.00"))]
    assert near_levels(db, team["fiona"], first, TODAY) == whole
