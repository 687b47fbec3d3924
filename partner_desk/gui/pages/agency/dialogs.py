"""The agency page's action dialogs: pay a project, request a withdrawal, record offer acceptance.

The dialogs that spend or correct the balance pass the version of the balance the page showed
(`AgencyDetail.ledger_head`): a balance someone else changed meanwhile is refused, not acted on."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period
from partner_desk.domain.withdrawals import Method
from partner_desk.gui.amount_field import AmountField, load_usd_rate
from partner_desk.gui.amount_text import Sign
from partner_desk.gui.context import AppContext
from partner_desk.gui.date_field import chosen_day_field, picked_day
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import run_op
from partner_desk.gui.statement_choices import format_box, language_box
from partner_desk.gui.widgets import choice_box
from partner_desk.i18n import N_, _, money
from partner_desk.services.agency_detail import AgencyDetail
from partner_desk.services.benefits import accept_offer
from partner_desk.services.ledger import correct, pay_project
from partner_desk.services.payout_accounts import last_payout_details
from partner_desk.services.statements import export_statement, statement_file_name
from partner_desk.services.withdrawals import request_withdrawal

METHOD_LABELS = {
    Method.BANK_TRANSFER: N_("Bank transfer"),
    Method.CARD: N_("Card"),
    Method.PAYPAL: N_("PayPal"),
    Method.OTHER: N_("Other"),
}


def _amount_field(dialog: FormDialog, ctx: AppContext, currency: str, sign: Sign) -> AmountField:
    """An amount in the agency's currency, its USD value at today's rate shown beside it."""
    field = AmountField(currency, sign, dialog)
    field.setObjectName("amount")
    load_usd_rate(field, ctx.db)
    return field


class PayProjectDialog(FormDialog):
    """Spend part of the available balance on one of the agency's connected projects."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, parent: QWidget | None = None) -> None:
        super().__init__(_("Pay a project for {code}").format(code=detail.code),
                         _("Available: {amount}. The amount is taken from the agency's balance and "
                           "converted to the project's currency at today's rates.")
                         .format(amount=money(detail.available, detail.currency)),
                         parent, ok_label=_("Pay"))
        self.ctx = ctx
        self.detail = detail
        self.project = choice_box("project", [(f"{c.project_id} — {c.project_name} ({c.project_currency})",
                                               c.project_id) for c in detail.current_projects])
        self.amount = _amount_field(self, ctx, detail.currency, Sign.POSITIVE)
        self.form.addRow(_("Project:"), self.project)
        self.form.addRow(_("Amount ({currency}):").format(currency=detail.currency), self.amount)
        self.watch([(_("Amount"), self.amount)])

    def prepare(self) -> Any:
        project = self.project.currentData()
        if not project:
            raise UserError(_("The agency has no connected project to pay"))
        return str(project), self.amount.amount()

    def run(self, values: Any) -> object:
        project, amount = values
        return pay_project(self.ctx.db, self.ctx.actor, self.detail.code, project, amount,
                           expected=self.detail.ledger_head)


class WithdrawalDialog(FormDialog):
    """Request a payout of part of the available balance; the amount is held at once."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, parent: QWidget | None = None) -> None:
        super().__init__(_("Request a withdrawal for {code}").format(code=detail.code),
                         _("Available: {amount}. The requested amount is held until the request is "
                           "paid, rejected or cancelled.").format(amount=money(detail.available, detail.currency)),
                         parent, ok_label=_("Request"))
        self.ctx = ctx
        self.detail = detail
        self.amount = _amount_field(self, ctx, detail.currency, Sign.POSITIVE)
        self.method = choice_box("method", [(_(label), method.value) for method, label in METHOD_LABELS.items()])
        self.details = QPlainTextEdit()
        self.details.setObjectName("details")
        self.details.setPlaceholderText(_("Account, card or PayPal address, and the payee"))
        self.details.setFixedHeight(70)
        self.form.addRow(_("Amount ({currency}):").format(currency=detail.currency), self.amount)
        self.form.addRow(_("Payout method:"), self.method)
        self.form.addRow(_("Payout details:"), self.details)
        self.watch([(_("Amount"), self.amount)])
        self._remember_details()

    def _remember_details(self) -> None:
        """Offer the details the agency's last request of the chosen method was made with."""

        self.remembered: dict[str, str] = {}
        self.offered = ""
        db, code = self.ctx.db, self.detail.code
        self.method.currentIndexChanged.connect(lambda _i: self._offer())
        run_op(self, lambda _p: last_payout_details(db, code), self._remembered_loaded, quiet=True)

    def _remembered_loaded(self, found: dict[str, str]) -> None:
        self.remembered = found
        with contextlib.suppress(RuntimeError):  # the dialog was closed meanwhile
            self._offer()

    def _offer(self) -> None:
        if self.details.toPlainText().strip() not in ("", self.offered):
            return  # typed by hand: kept
        self.offered = self.remembered.get(str(self.method.currentData()), "")
        self.details.setPlainText(self.offered)

    def prepare(self) -> Any:
        amount = self.amount.amount()
        details = self.details.toPlainText().strip()
        if not details:
            raise UserError(_("Payout details: say where the money goes"))
        return amount, str(self.method.currentData()), details

    def run(self, values: Any) -> object:
        amount, method, details = values
        return request_withdrawal(self.ctx.db, self.ctx.actor, self.detail.code, amount, method, details,
                                  expected=self.detail.ledger_head)


class OfferDialog(FormDialog):
    """Record the day the agency accepted the partner offer."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, parent: QWidget | None = None) -> None:
        super().__init__(_("Offer acceptance of {code}").format(code=detail.code),
                         _("Record the day {name} accepted the partner offer. It cannot be changed "
                           "afterwards.").format(name=detail.name), parent, ok_label=_("Record"))
        self.ctx = ctx
        self.detail = detail
        self.day = chosen_day_field(detail.today)
        self.day.setObjectName("day")
        self.form.addRow(_("Accepted on:"), self.day)

    def prepare(self) -> Any:
        return picked_day(self.day)

    def run(self, values: Any) -> object:
        assert isinstance(values, date)
        return accept_offer(self.ctx.db, self.ctx.actor, self.detail.code, values)


class StatementDialog(FormDialog):
    """Export the agency's statement of one posted period to an Excel workbook or a PDF, in the
    agency's language or another."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, periods: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Export the statement of {code}").format(code=detail.code),
                         _("The statement of a posted period: accrual lines, reward level and the ledger "
                           "of the period."), parent, ok_label=_("Export"))

        self.ctx = ctx
        self.detail = detail
        self.period = choice_box("period", [(p, p) for p in periods])
        self.format = format_box()
        self.language = language_box(own=detail.statement_language)
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form.addRow(_("Period:"), self.period)
        self.form.addRow(_("Format:"), self.format)
        self.form.addRow(_("Language:"), self.language)
        self.form.addRow(_("File:"), row)
        self.period.currentIndexChanged.connect(lambda _i: self._default_path())
        self.format.currentIndexChanged.connect(lambda _i: self._default_path())
        self._default_path()

    def _default_path(self) -> None:


        text = self.period.currentData()
        if not text:
            return
        folder = Path(self.path.text()).parent if self.path.text() else Path.home()
        name = statement_file_name(self.detail.code, Period.parse(text), str(self.format.currentData()))
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        pdf = self.format.currentData() == "pdf"
        suffix = ".pdf" if pdf else ".xlsx"
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the statement"), self.path.text(),
                                                      _("PDF (*.pdf)") if pdf else _("Excel workbook (*.xlsx)"))
        if chosen:
            self.path.setText(chosen if chosen.lower().endswith(suffix) else chosen + suffix)

    def prepare(self) -> Any:
        if not self.period.currentData():
            raise UserError(_("{code} has no posted accrual to make a statement of").format(code=self.detail.code))
        path = self.path.text().strip()
        if not path:
            raise UserError(_("File: choose where to save the statement"))
        suffix = "." + str(self.format.currentData())
        if not path.lower().endswith(suffix):
            raise UserError(_("File: the name of a {format} file ends in {suffix}").format(
                format=self.format.currentText(), suffix=suffix))
        return str(self.period.currentData()), path, str(self.language.currentData())

    def run(self, values: Any) -> object:
        period, path, language = values
        return export_statement(self.ctx.db, self.ctx.actor, self.detail.code, period, path, language=language)


class CorrectionDialog(FormDialog):
    """An admin's correcting ledger entry, with its written reason."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, parent: QWidget | None = None) -> None:
        super().__init__(_("Correct the balance of {code}").format(code=detail.code),
                         _("A correcting entry is added to the ledger (nothing is edited). A negative amount "
                           "takes money away; it may not take the available balance ({available}) below "
                           "zero.").format(available=money(detail.available, detail.currency)),
                         parent, ok_label=_("Add the correction"))
        self.ctx = ctx
        self.detail = detail
        self.amount = _amount_field(self, ctx, detail.currency, Sign.NONZERO)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(70)
        self.form.addRow(_("Amount ({currency}):").format(currency=detail.currency), self.amount)
        self.form.addRow(_("Reason:"), self.reason)
        self.watch([(_("Amount"), self.amount)])

    def prepare(self) -> Any:
        amount = self.amount.amount()
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise UserError(_("Reason: a correction needs a written reason"))
        return amount, reason

    def run(self, values: Any) -> object:
        amount, reason = values
        return correct(self.ctx.db, self.ctx.actor, self.detail.code, amount, reason,
                      expected=self.detail.ledger_head)
