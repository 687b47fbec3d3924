"""Payout batches on the withdrawals page: export the selected requests, mark the batch paid; the
agency's request dialog offers the details of its last request; the company payout account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from partner_desk.domain.withdrawals import Status
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agency.dialogs import WithdrawalDialog
from partner_desk.gui.pages.settings_payouts import PayoutAccountTab
from partner_desk.gui.pages.withdrawal_batches import ExportBatchDialog, MarkBatchPaidDialog
from partner_desk.services.agency_detail import agency_detail
from partner_desk.services.balances import balances
from partner_desk.services.payout_accounts import company_account
from partner_desk.services.withdrawals import approve, get_withdrawal, request_withdrawal
from partner_desk.store.models import LedgerEntry
from tests.gui.test_withdrawals_page import TODAY, funded, open_page, settle
from tests.services.money_world import credit

HELD_ON = date(2025, 4, 10)


def three_approved(db, write_csv):
    """AG01 (USD) holds 150.00 + 500.00: two PayPal requests and one bank request, each held on 10 April
    (a day chosen for the request) and approved on the clock's today, 15 April."""
    team = funded(db, write_csv)
    credit(db, "AG01", "500.00")
    ids = []
    for amount, method, details in (("120.00", "paypal", "alpha@example.com"),
                                    ("200.00", "paypal", "alpha@example.com"),
                                    ("150.00", "bank", "account 42 at First Bank")):
        view = request_withdrawal(db, team["anna"], "AG01", Decimal(amount), method, details, HELD_ON)
        ids.append(approve(db, team["fiona"], view.id).id)
    return team, ids


def test_a_manager_sees_why_the_batch_actions_are_disabled(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    page = open_page(qtbot, db, team["anna"])
    assert not page.batch.export_button.isEnabled()
    assert page.batch.export_button.toolTip() == (
        "anna (manager) may not export payout batches: it needs the finance role\n"
        "No approved PayPal or bank transfer request is waiting to be paid")
    assert page.batch.paid_button.toolTip() == (
        "anna (manager) may not mark payout batches paid: it needs the finance role\n"
        "No approved request is waiting to be paid")


def test_export_the_selected_requests_then_mark_the_batch_paid(qtbot, db, write_csv, tmp_path: Path) -> None:
    team, (first, second, bank) = three_approved(db, write_csv)
    page = open_page(qtbot, db, team["felix"])
    page.show_status(Status.APPROVED)
    assert page.select(first)
    page.table.selectRow(next(i for i, r in enumerate(page.model.rows()) if r.id == second))
    page.table.selectionModel().select(  # and the first one too, as a ctrl-click does
        page.model.index(next(i for i, r in enumerate(page.model.rows()) if r.id == first), 0),
        page.table.selectionModel().SelectionFlag.Select | page.table.selectionModel().SelectionFlag.Rows)
    assert sorted(r.id for r in page.selected_rows()) == [first, second]
    assert page.batch.export_button.isEnabled()
    # with two requests selected, the one-request actions wait for a single selection
    assert page.buttons[next(iter(page.buttons))].toolTip() == "Select one request first"

    dialog = page.batch.export()
    assert isinstance(dialog, ExportBatchDialog)
    assert dialog.scope.currentText() == "the 2 selected requests"
    assert dialog.summary.text() == "2 requests: $320.00"  # 120.00 + 200.00
    dialog.folder.edit.setText(str(tmp_path / "out"))
    dialog.submit()
    qtbot.waitUntil(lambda: widgets.last_box() is not None and "Payout batch 1" in widgets.last_box().text(),
                    timeout=15_000)
    box = widgets.last_box()
    assert box is not None
    assert str(tmp_path / "out" / "payout-batch-1-paypal-USD.csv") in box.text()
    box.close()
    # the page's reload started with the message and may have finished while it was awaited
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)
    lines = (tmp_path / "out" / "payout-batch-1-paypal-USD.csv").read_text().splitlines()
    assert [line.split(",")[:4] for line in lines] == [["alpha@example.com", "120.00", "USD", str(first)],
                                                       ["alpha@example.com", "200.00", "USD", str(second)]]
    assert get_withdrawal(db, bank).status is Status.APPROVED
    assert get_withdrawal(db, first).status is Status.APPROVED

    paid = page.batch.mark_paid()
    assert isinstance(paid, MarkBatchPaidDialog)
    assert (paid.paid_on.minimumDate(), paid.paid_on.maximumDate()) == (QDate(2000, 1, 1), QDate(2025, 4, 15))
    paid.source.setCurrentIndex(0)  # a file of the batch
    paid.file.edit.setText(str(tmp_path / "out" / "payout-batch-1-paypal-USD.csv"))
    paid.submit()
    assert paid.error.text() == "Marking a batch paid needs the payout reference."
    paid.reference.setText("PAYPAL-B-1")
    paid.set_paid_on(date(2025, 4, 14))
    paid.submit()
    qtbot.waitUntil(lambda: widgets.last_box() is not None and "Mark payout batch 1" in widgets.last_box().text(),
                    timeout=15_000)
    confirm = widgets.last_box()
    assert confirm is not None
    assert confirm.text().splitlines()[0] == (
        "Mark payout batch 1 paid: 2 requests on Apr 14, 2025 with reference PAYPAL-B-1?")
    assert confirm.text().splitlines()[-1] == "Total: $320.00"
    confirm.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, page)
    qtbot.waitUntil(lambda: ops.running() == 0)
    assert page.status.text() == "2 requests marked paid on Apr 14, 2025 (PAYPAL-B-1)."
    assert [get_withdrawal(db, i).status for i in (first, second, bank)] == [Status.PAID, Status.PAID,
                                                                            Status.APPROVED]
    # 150.00 + 500.00 - 120.00 - 200.00 = 330.00; the bank request's 150.00 is still held
    ag01 = next(iter(balances(db, "AG01")))
    assert (ag01.position.balance, ag01.position.held) == (Decimal("330.00"), Decimal("150.00"))
    # each payout and the release of its hold are dated the day the batch was paid, not the day recorded
    with db.read() as s:
        dated = sorted((e.withdrawal_id, e.kind, e.effective_on) for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.withdrawal_id.in_([first, second]))))
    assert dated == sorted([(w, kind, day) for w in (first, second) for kind, day in (
        ("withdrawal_hold", HELD_ON), ("hold_release", date(2025, 4, 14)), ("payout", date(2025, 4, 14)))])


def test_a_refused_batch_says_why_in_the_status_line(qtbot, db, write_csv, tmp_path: Path) -> None:
    team, (first, _second, _bank) = three_approved(db, write_csv)
    page = open_page(qtbot, db, team["felix"])
    page.batch._mark([first, 999], "REF", TODAY)
    qtbot.waitUntil(lambda: "nothing was changed" in page.status.text(), timeout=15_000)
    assert page.status.text() == (f"requests {first},999 cannot be marked paid, nothing was changed: "
                                  "there is no withdrawal 999")
    assert get_withdrawal(db, first).status is Status.APPROVED
    box = widgets.last_box()
    if box is not None:
        box.close()


def test_the_request_dialog_offers_the_last_details_of_the_method(qtbot, db, write_csv) -> None:
    team, _ids = three_approved(db, write_csv)
    ctx = AppContext(db, team["anna"])
    dialog = WithdrawalDialog(ctx, agency_detail(db, team["anna"], "AG01", TODAY), None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.remembered), timeout=15_000)
    assert dialog.method.currentData() == "bank_transfer"
    assert dialog.details.toPlainText() == "account 42 at First Bank"
    dialog.method.setCurrentIndex(dialog.method.findData("paypal"))
    assert dialog.details.toPlainText() == "alpha@example.com"
    dialog.method.setCurrentIndex(dialog.method.findData("card"))
    assert dialog.details.toPlainText() == ""  # nothing remembered for cards
    dialog.details.setPlainText("typed by hand")
    dialog.method.setCurrentIndex(dialog.method.findData("paypal"))
    assert dialog.details.toPlainText() == "typed by hand"  # what was typed is kept


def test_the_company_payout_account_is_set_in_the_settings(qtbot, db, write_csv) -> None:
    team = funded(db, write_csv)
    tab = PayoutAccountTab(AppContext(db, team["fiona"]))
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)
    assert not tab.save_button.isEnabled()
    assert tab.save_button.toolTip() == (
        "fiona (finance) may not change settings: it needs the admin role")
    admin_tab = PayoutAccountTab(AppContext(db, team["admin"]))
    qtbot.addWidget(admin_tab)
    qtbot.waitUntil(lambda: admin_tab.state.text() != "", timeout=15_000)
    assert admin_tab.state.text() == "Not set yet: bank batches are exported without a SEPA file."
    admin_tab.name.setText("Partner Desk Ltd")
    admin_tab.iban.setText("DE02 1203 0000 0000 2020 51")
    admin_tab.bic.setText("BYLADEM1001")
    with qtbot.waitSignal(admin_tab.saved, timeout=15_000):
        admin_tab.save()
    account = company_account(db)
    assert account is not None
    assert account.iban == "DE02120300000000202051"
    box = widgets.last_box()
    if box is not None:
        box.close()
