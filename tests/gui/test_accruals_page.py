"""The accruals page, end to end through the widgets: preview a month, post it, see the balances."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMessageBox

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages import accruals as accruals_page
from partner_desk.gui.pages.accruals import AccrualsPage
from partner_desk.i18n import moment
from partner_desk.services.accrual_views import calendar
from partner_desk.services.accruals import post_period
from partner_desk.services.balances import balances
from partner_desk.services.imports import import_file
from tests.gui.page_data import people, seed

TODAY = date(2025, 4, 15)


def open_page(qtbot, db, actor) -> AccrualsPage:
    page = AccrualsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def choose(qtbot, page: AccrualsPage, period: str) -> None:
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.load(Period.parse(period))


def test_preview_then_post_credits_the_balances(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    assert {b.code: b.position.balance for b in balances(db)} == {
        "AG01": Decimal("0.00"), "AG02": Decimal("0.00"), "AG03": Decimal("0.00")}
    page = open_page(qtbot, db, team["fiona"])

    # nothing posted yet: the page opens on the earliest month with payments, March 2025
    assert page.selected_period() == Period(2025, 3)
    rows = page.model.rows()
    # AG01: $1,000 turnover reaches 15% -> 150.00 USD; AG02: 200 EUR = $250 -> 10% -> 20.00 EUR
    assert [(r.code, r.turnover_usd, r.percent, r.commission, r.lines) for r in rows] == [
        ("AG01", Decimal("1000.00"), Decimal("15"), Decimal("150.00"), 1),
        ("AG02", Decimal("250.00"), Decimal("10"), Decimal("20.00"), 1),
    ]
    assert page.totals.text() == "2 accruals  ·  1 agency without lines  ·  late lines: 0"
    # 20.00 EUR / 0.8 = $25.00, + $150.00 = $175.00
    assert page.grand_totals.text() == "Commission of the 2 shown: €20.00 · $150.00  ≈ $175.00 in all"
    # a double-click opens the agency
    with qtbot.waitSignal(page.open_page) as opened:
        page.table.doubleClicked.emit(page.model.index(1, 0))
    assert opened.args == ["agency", "AG02"]
    assert page.post_button.isEnabled()

    box = page.confirm_post()
    assert box is not None
    # the confirmation states the period, how many accruals and the totals per currency
    assert "2025-03" in box.text()
    assert "2 accruals will be posted" in box.text()
    assert "€20.00 · $150.00" in box.text()
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: ops.running() == 0)

    # the posted period is shown read-only, from the database, with who posted it
    assert page.view is not None
    assert page.view.posted
    assert "posted on" in page.status.text()
    assert "fiona" in page.status.text()
    # when it was posted is shown in the company time zone (Europe/Kyiv by default)
    assert page.view.time_zone == "Europe/Kyiv"
    assert page.view.posted_at is not None
    assert moment(page.view.posted_at.astimezone(ZoneInfo("Europe/Kyiv"))) in page.status.text()
    assert not page.post_button.isEnabled()
    assert "2025-03 is already posted" in page.post_button.toolTip()
    posted = {r.code: (r.commission, r.balance) for r in page.model.rows()}
    assert posted == {"AG01": (Decimal("150.00"), Decimal("150.00")),
                      "AG02": (Decimal("20.00"), Decimal("20.00"))}
    done = widgets.last_box()
    assert done is not None
    assert "Posted 2025-03: 2 accruals" in done.text()
    # and the balances changed by exactly the posted totals
    assert {b.code: b.position.balance for b in balances(db)} == {
        "AG01": Decimal("150.00"), "AG02": Decimal("20.00"), "AG03": Decimal("0.00")}


def test_post_is_refused_with_the_reason_for_a_manager(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    page = open_page(qtbot, db, people(db)["anna"])
    assert page.model.rowCount() == 2  # a manager previews
    assert not page.post_button.isEnabled()
    assert page.post_button.toolTip() == "anna (manager) may not post accruals: it needs the finance role"
    assert page.confirm_post() is None


def test_post_is_refused_for_the_running_month_and_out_of_order(qtbot, db, write_csv, clock) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    page = open_page(qtbot, db, team["felix"])
    # March is posted, so the page opens on April, the next period to post... which is still running
    assert page.calendar is not None
    assert page.calendar.next_to_post == Period(2025, 4)
    assert page.selected_period() == Period(2025, 4)
    assert not page.post_button.isEnabled()
    assert page.post_button.toolTip() == (
        "2025-04 has not ended in the company time zone (today is Apr 15, 2025): it can be previewed, not posted")

    clock("2025-06-02T09:00:00Z")
    choose(qtbot, page, "2025-05")  # ended, but April comes first
    assert page.post_button.toolTip() == "periods are posted in order: the next period to post is 2025-04"
    choose(qtbot, page, "2025-04")
    assert page.post_button.isEnabled()
    # March shows as posted, read from the database
    choose(qtbot, page, "2025-03")
    assert page.view is not None
    assert page.view.posted
    assert page.view.posted_by == "fiona"
    assert page.post_button.toolTip() == "2025-03 is already posted"


def test_a_missing_rate_is_shown_and_blocks_posting(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    import_file(db, SETUP, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency\nPAY9,P1,2025-03-07T10:00:00,subscription,5.00,GBP",
        "gbp.csv"))
    page = open_page(qtbot, db, people(db)["fiona"])
    assert page.model.rowCount() == 0
    # the day the window's way, as every date it shows (the command line writes 2025-03-07)
    assert page.status.text() == "2025-03: missing exchange rate: GBP on Mar 7, 2025"
    assert page.post_button.toolTip() == "missing exchange rate: GBP on Mar 7, 2025"
    assert not page.post_button.isEnabled()


def test_posting_stopped_midway_posts_nothing(qtbot, db, write_csv, monkeypatch) -> None:
    seed(db, write_csv)
    page = open_page(qtbot, db, people(db)["fiona"])
    # hold the posting at its first progress report until Cancel was pressed
    gate = threading.Event()
    real = accruals_page.post_period

    def held(db, actor, period, as_of=None, priced=None):
        def report(count: int) -> None:
            gate.wait(10)
            priced(count)

        return real(db, actor, period, as_of, priced=report)

    monkeypatch.setattr(accruals_page, "post_period", held)
    box = page.confirm_post()
    assert box is not None
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        box.button(QMessageBox.StandardButton.Yes).click()
        assert page.operation is not None
        page.operation.progress.cancel()  # what the progress dialog's Cancel button does
        gate.set()
    qtbot.waitUntil(lambda: ops.running() == 0)
    stopped = widgets.last_box()
    assert stopped is not None
    assert stopped.text() == "Posting 2025-03 was stopped: nothing was posted."
    assert page.view is not None
    assert not page.view.posted
    assert page.post_button.isEnabled()
    assert calendar(db, TODAY).posted == []
    assert {b.code: b.position.balance for b in balances(db)}["AG01"] == Decimal("0.00")


def test_a_preview_can_be_stopped(qtbot, db, write_csv, monkeypatch) -> None:
    seed(db, write_csv)
    page = open_page(qtbot, db, people(db)["fiona"])
    gate = threading.Event()
    real = accruals_page.views.period_view
    heard: list[int] = []

    def held(db, actor, period, as_of=None, priced=None):
        def report(count: int) -> None:
            heard.append(count)
            gate.wait(10)
            priced(count)

        return real(db, actor, period, as_of, priced=report)

    monkeypatch.setattr(accruals_page.views, "period_view", held)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.load(Period(2025, 3))
        assert page.operation is not None
        page.operation.progress.cancel()
        gate.set()
    assert heard == [2]  # two agencies priced, then the report noticed the cancel
    assert page.status.text() == "Stopped: 2025-03 was not computed. Press Refresh to compute it."
    assert page.model.rowCount() == 0
    assert not page.post_button.isEnabled()
    assert page.post_button.toolTip() == "the period was not computed"


def test_posting_says_so_when_the_data_changed_after_the_preview(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    fiona = people(db)["fiona"]
    page = open_page(qtbot, db, fiona)
    # an import between the preview and the posting: AG01 gets another $100
    import_file(db, fiona, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency\nPAY5,P1,2025-03-20T10:00:00,subscription,100.00,USD",
        "late.csv"))
    box = page.confirm_post()
    assert box is not None
    assert "€20.00 · $150.00" in box.text()
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    warning = widgets.last_box()
    # AG01: $1,100 at 15% = 165.00 USD was posted, not the 150.00 previewed
    assert warning is not None
    assert warning.text() == (
        "Posted 2025-03: 2 accruals, totals €20.00 · $165.00.\n\nThe data changed after the preview you "
        "confirmed (€20.00 · $150.00); the posted figures are shown now.")
    assert {r.code: r.commission for r in page.model.rows()} == {"AG01": Decimal("165.00"), "AG02": Decimal("20.00")}
