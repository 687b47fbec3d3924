"""The two dialogs of the withdrawal queue: reject (with a reason) and mark paid (reference and date).

Each opens window-modal with `open()`; `submit()` is what OK does, so tests fill the fields and call it.
`submitted` carries the values; the page runs the service call.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from partner_desk.gui.date_field import chosen_day_field, picked_day, qdate
from partner_desk.gui.dialogs import FormShell
from partner_desk.i18n import _, money
from partner_desk.services.withdrawals import WithdrawalView


def describe(request: WithdrawalView) -> str:
    """"Withdrawal 7: AG01, $120.00 by bank transfer" for a dialog's heading."""
    return _("Withdrawal {id}: {agency}, {amount} by {method}").format(
        id=request.id, agency=request.agency, amount=money(request.amount, request.currency),
        method=method_label(request.method))


def method_label(method: str) -> str:
    return {
        "bank_transfer": _("bank transfer"), "card": _("card"), "paypal": _("PayPal"), "other": _("other"),
    }.get(method, method)


class _Dialog(FormShell):
    """A request's dialog: its description above the form; what is missing said in red below it."""

    def __init__(self, request: WithdrawalView, title: str, parent: QWidget | None) -> None:
        super().__init__(title, describe(request), parent)
        self.request = request
        self.problem = self.error

    def finish_layout(self) -> None:
        self.body.addWidget(self.buttons)

    def refuse(self, text: str) -> None:
        self.show_error(text)


class RejectDialog(_Dialog):
    """Ask for the reason a request is rejected; its hold is released."""

    submitted = Signal(int, str)

    def __init__(self, request: WithdrawalView, parent: QWidget | None = None) -> None:
        super().__init__(request, _("Reject withdrawal {id}").format(id=request.id), parent)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(_("Why the request is rejected (the agency's manager will read it)"))
        self.reason.setFixedHeight(80)
        self.form.addRow(_("Reason:"), self.reason)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Reject"))
        self.finish_layout()

    def submit(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.refuse(_("A rejection needs a reason."))
            return
        self.submitted.emit(self.request.id, reason)
        self.accept()


class PaidDialog(_Dialog):
    """Ask for the payout reference and the date the money was paid out."""

    submitted = Signal(int, str, object)

    def __init__(self, request: WithdrawalView, today: date, parent: QWidget | None = None) -> None:
        super().__init__(request, _("Mark withdrawal {id} paid").format(id=request.id), parent)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(_("bank transaction id, card payout id, PayPal transaction…"))
        self.paid_on = chosen_day_field(today)
        details = QLabel(request.details)
        details.setWordWrap(True)
        self.form.addRow(_("Payout details:"), details)
        self.form.addRow(_("Payout reference:"), self.reference)
        self.form.addRow(_("Paid on:"), self.paid_on)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mark paid"))
        self.finish_layout()

    def set_paid_on(self, day: date) -> None:
        self.paid_on.setDate(qdate(day))

    def submit(self) -> None:
        reference = self.reference.text().strip()
        if not reference:
            self.refuse(_("Marking a request paid needs the payout reference."))
            return
        self.submitted.emit(self.request.id, reference, picked_day(self.paid_on))
        self.accept()
