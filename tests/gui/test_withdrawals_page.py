"""The withdrawals page, end to end through the widgets: who may approve, approving, marking paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Role
from partner_desk.domain.withdrawals import Move, Status
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.withdrawals import WithdrawalsPage
from partner_desk.gui.pages.withdrawals_dialogs import PaidDialog, RejectDialog
from partner_desk.i18n import day
from partner_desk.refusal_text import Refused
from partner_desk.services.accruals import post_period
from partner_desk.services.balances import balances
from partner_desk.services.ledger import pay_project
from partner_desk.services.users import add_user
from partner_desk.services.withdrawals import approve, get_withdrawal, list_withdrawals, request_withdrawal
from tests.gui.page_data import people, seed

TODAY = date(2025, 4, 15)


def open_page(qtbot, db, actor) -> WithdrawalsPage:
    page = WithdrawalsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def settle(qtbot, page: WithdrawalsPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        pass
    qtbot.waitUntil(lambda: ops.running() == 0)


def funded(db, write_csv):
    """March posted: AG01 holds 150.00 USD, AG02 20.00 EUR (see page_data)."""
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    return team


def test_the_creator_cannot_approve_a_finance_colleague_can(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    # dated the 10th (its hold), so that it can be paid out on the 14th, recorded today (the 15th)
    request = request_withdrawal(db, team["fiona"], "AG01", Decimal("120.00"), "bank_transfer",
                                 "IBAN UA00 1234", date(2025, 4, 10))

    own = open_page(qtbot, db, team["fiona"])
    assert own.current_status() is Status.PENDING
    assert own.tabs.tabText(0) == "Pending (1)"
    assert own.select(request.id)
    approve = own.buttons[Move.APPROVE]
    assert not approve.isEnabled()
    assert approve.toolTip() == f"fiona may not approve withdrawal {request.id}: nobody decides a request they created"
    # the creator may still cancel it
    assert own.buttons[Move.CANCEL].isEnabled()

    manager = open_page(qtbot, db, team["anna"])
    assert manager.select(request.id)
    assert manager.buttons[Move.APPROVE].toolTip() == (
        "anna (manager) may not approve withdrawals: it needs the finance role")
    assert not manager.buttons[Move.REJECT].isEnabled()

    page = open_page(qtbot, db, team["felix"])
    assert page.select(request.id)
    row = page.selected()
    assert row is not None
    assert row.request.amount == Decimal("120.00")
    assert row.agency_name == "Alpha Agency"
    # the day it was requested, in the company time zone
    kyiv_day = request.requested_at.astimezone(ZoneInfo("Europe/Kyiv")).date()
    assert page.model.data(page.model.index(0, 9)) == day(kyiv_day)
    with qtbot.waitSignal(page.open_page) as opened:
        page.table.doubleClicked.emit(page.model.index(0, 1))
    assert opened.args == ["agency", "AG01"]
    assert page.buttons[Move.APPROVE].isEnabled()
    # marking paid needs an approved request first
    assert page.buttons[Move.PAID].toolTip() == (
        f"withdrawal {request.id} is pending: only an approved request can be marked paid")

    page.act(Move.APPROVE)
    box = widgets.last_box()
    assert box is not None
    assert "Approve withdrawal" in box.text()
    assert "$120.00" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, page)
    assert get_withdrawal(db, request.id).status is Status.APPROVED
    assert get_withdrawal(db, request.id).decided_by == "felix"
    assert page.tabs.tabText(0) == "Pending (0)"
    assert page.tabs.tabText(1) == "Approved (1)"
    assert f"Withdrawal {request.id} is now approved." == page.status.text()
    assert page.detail.text() == "No pending requests. A request is made from the agency's page."

    page.show_status(Status.APPROVED)
    assert page.select(request.id)
    assert page.buttons[Move.PAID].isEnabled()
    page.act(Move.PAID)
    dialog = page.dialog
    assert isinstance(dialog, PaidDialog)
    # the days a paid-on date may be: from 2000-01-01 to the clock's today (never after it)
    assert (dialog.paid_on.minimumDate(), dialog.paid_on.maximumDate()) == (QDate(2000, 1, 1), QDate(2025, 4, 15))
    dialog.submit()  # no reference: refused in the dialog, nothing sent
    assert dialog.problem.text() == "Marking a request paid needs the payout reference."
    assert get_withdrawal(db, request.id).status is Status.APPROVED
    dialog.reference.setText("TX-2025-0416")
    dialog.set_paid_on(date(2025, 4, 14))
    dialog.submit()
    settle(qtbot, page)

    paid = get_withdrawal(db, request.id)
    assert (paid.status, paid.payout_reference, paid.paid_on, paid.paid_by) == (
        Status.PAID, "TX-2025-0416", date(2025, 4, 14), "felix")
    # 150.00 posted - 120.00 paid out = 30.00 left, nothing held
    ag01 = next(b for b in balances(db, "AG01"))
    assert (ag01.position.balance, ag01.position.held) == (Decimal("30.00"), Decimal("0.00"))
    page.show_status(Status.PAID)
    assert [r.id for r in page.model.rows()] == [request.id]


def test_reject_needs_a_reason_and_releases_the_hold(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    request = request_withdrawal(db, team["anna"], "AG01", Decimal("110.00"), "card", "4111 ****", TODAY)
    page = open_page(qtbot, db, team["fiona"])
    assert page.select(request.id)
    page.act(Move.REJECT)
    dialog = page.dialog
    assert isinstance(dialog, RejectDialog)
    dialog.submit()
    assert dialog.problem.text() == "A rejection needs a reason."
    assert get_withdrawal(db, request.id).status is Status.PENDING
    dialog.reason.setPlainText("card details do not match the agency")
    dialog.submit()
    settle(qtbot, page)
    rejected = get_withdrawal(db, request.id)
    assert (rejected.status, rejected.reason) == (Status.REJECTED, "card details do not match the agency")
    ag01 = next(b for b in balances(db, "AG01"))
    assert (ag01.position.balance, ag01.position.available) == (Decimal("150.00"), Decimal("150.00"))


def test_approve_is_disabled_when_a_condition_fails_today(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    request = request_withdrawal(db, team["anna"], "AG01", Decimal("40.00"), "paypal", "a@example.com", TODAY)
    # after the request, 60.00 of the balance pays a project: 150.00 - 60.00 = 90.00 left
    pay_project(db, team["anna"], "AG01", "P1", Decimal("60.00"))
    page = open_page(qtbot, db, team["fiona"])
    assert page.select(request.id)
    # approving checks the conditions again, as if the request held nothing: 90.00 USD is worth
    # $90.00, not more than $100
    assert not page.buttons[Move.APPROVE].isEnabled()
    assert page.buttons[Move.APPROVE].toolTip() == "the available balance is worth $90.00, not more than $100.00"
    # rejecting stays possible
    assert page.buttons[Move.REJECT].isEnabled()
    assert [w.status for w in list_withdrawals(db)] == [Status.PENDING]


def test_the_details_line_calls_people_by_their_display_names(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    dora = add_user(db, team["admin"], "dora", Role.FINANCE, "correct horse battery",
                    display_name="Dora Shevchenko")
    request = request_withdrawal(db, dora, "AG01", Decimal("120.00"), "bank_transfer", "IBAN UA00 1234",
                                 date(2025, 4, 10))
    approve(db, team["felix"], request.id, TODAY)

    page = open_page(qtbot, db, team["felix"])
    page.tabs.setCurrentIndex(page.tabs.count() - 1)  # all requests
    qtbot.waitUntil(lambda: page.select(request.id), timeout=15_000)
    text = page.detail.text()
    assert "Requested by Dora Shevchenko on " in text
    assert "Decided by felix on " in text  # no display name: the user name
    assert "dora" not in text


def test_a_refused_move_is_said_in_the_windows_language_on_the_status_line(qtbot, db, write_csv, ukrainian,
                                                                          monkeypatch) -> None:
    team = funded(db, write_csv)
    page = open_page(qtbot, db, team["fiona"])
    monkeypatch.setattr(page, "refresh", lambda: None)
    page.show_failure(Refused(Refusal("no_such_withdrawal", {"request": 9})))
    assert page.status.text() == "заявки на виведення № 9 немає"
