"""The settings page's "Payout account" tab: the company account bank transfers are paid from (admin).

A SEPA file of a bank payout batch names this account as the payer; while it is not set, a batch
is exported with its register only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from partner_desk.domain.payouts import Debtor
from partner_desk.domain.roles import Action, role_refusal
from partner_desk.gui import widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import run_op, show_error
from partner_desk.i18n import _
from partner_desk.refusal_text import shown, shown_error
from partner_desk.services import payout_accounts


class PayoutAccountTab(QWidget):
    """Name, IBAN and BIC of the company's payout account; Save (admin)."""

    loaded = Signal()
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name = widgets.text_field("account_name")
        self.iban = widgets.text_field("account_iban", _("an IBAN in the SEPA zone"))
        self.bic = widgets.text_field("account_bic")
        self.save_button = QPushButton(_("Save"))
        role = role_refusal(ctx.actor, Action.SETTINGS)
        if role is not None:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(shown(role))
        self.save_button.clicked.connect(self.save)
        self.state = QLabel()
        self.state.setWordWrap(True)
        info = QLabel(_("SEPA files of bank payout batches are paid from this account. The name is the "
                        "company's name as its bank knows it; the IBAN must be in the SEPA zone."))
        info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Account holder:"), self.name)
        form.addRow(_("IBAN:"), self.iban)
        form.addRow(_("BIC:"), self.bic)
        form.addRow("", self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        run_op(self, lambda _p: payout_accounts.company_account(db), self.show_account, quiet=True)

    def show_account(self, account: Debtor | None) -> None:
        if account is None:
            self.state.setText(_("Not set yet: bank batches are exported without a SEPA file."))
        else:
            self.name.setText(account.name)
            self.iban.setText(account.iban)
            self.bic.setText(account.bic)
            self.state.setText("")
        self.loaded.emit()

    def save(self) -> None:
        ctx = self.ctx
        name, iban, bic = self.name.text(), self.iban.text(), self.bic.text()

        def done(account: Debtor) -> None:
            self.show_account(account)
            widgets.inform(self, _("Bank transfers are paid from {iban} ({name}).").format(
                iban=account.iban, name=account.name))
            self.saved.emit()

        def failed(exc: Exception) -> None:
            self.state.setText(shown_error(exc))
            show_error(self, exc)

        run_op(self, lambda _p: payout_accounts.set_company_account(ctx.db, ctx.actor, name, iban, bic), done,
               failed)
