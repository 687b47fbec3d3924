"""The agency page's actions: each opens a dialog (or runs a service call) and reports the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QPushButton

from partner_desk.domain.roles import NEEDS
from partner_desk.gui import labels, widgets
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.agency_dialogs import (
    CorrectionDialog,
    OfferDialog,
    PayProjectDialog,
    StatementDialog,
    WithdrawalDialog,
)
from partner_desk.gui.pages.agency_language import LanguageDialog
from partner_desk.i18n import _, day, money

if TYPE_CHECKING:
    from partner_desk.gui.pages.agency import Loaded
    from partner_desk.services.agency_detail import AgencyDetail


class AgencyActions(Page):
    """The agency page's actions; the page sets `code` and `data` when it loads an agency."""

    code: str | None
    data: Loaded | None
    dialog: FormDialog | None
    pay_button: QPushButton
    withdraw_button: QPushButton
    offer_button: QPushButton
    statement_button: QPushButton
    language_button: QPushButton
    correct_button: QPushButton

    def _actions(self, d: AgencyDetail) -> None:
        """Enable each action the user's role and the agency's state allow; a tooltip says why not."""

        def allow(button: QPushButton, action: str, reasons: list[str], tip: str) -> None:
            needed = NEEDS[action]
            if not self.ctx.actor.may(needed):
                reasons = [_("needs the {role} role").format(role=labels.role(needed)), *reasons]
            button.setEnabled(not reasons)
            button.setToolTip("\n".join(reasons) if reasons else tip)

        no_projects = [] if d.current_projects else [_("no project is connected to the agency now")]
        nothing = [] if d.available > 0 else [_("nothing is available to spend")]
        allow(self.pay_button, "pay_project", no_projects + nothing, _("Spend the balance on a connected project"))
        allow(self.withdraw_button, "withdraw.request", list(d.reasons), _("Request a payout of the balance"))
        accepted = [_("accepted on {day}").format(day=day(d.offer_accepted_on))] if d.offer_accepted_on else []
        allow(self.offer_button, "offer.accept", accepted, _("Record the day the partner offer was accepted"))
        posted = [] if self.data and self.data.accruals else [_("the agency has no posted accrual yet")]
        allow(self.statement_button, "statement", posted, _("Export the statement of a posted period, as Excel "
                                                            "or PDF"))
        allow(self.language_button, "agency.language", [], _("Choose the language of the agency's statements"))
        allow(self.correct_button, "correct", [], _("Add a correcting ledger entry, with its reason"))

    def set_benefit_state(self, benefit_id: int, state: str | None) -> None:
        if state is None or self.code is None:
            return
        ctx, code = self.ctx, self.code
        from partner_desk.services.benefits import set_benefit_state

        def failed(exc: Exception) -> None:
            show_error(self, exc)
            self.refresh()  # the combo box goes back to the stored state

        run_op(self, lambda _p: set_benefit_state(ctx.db, ctx.actor, code, benefit_id, state),
               lambda _r: self.changed(), failed)

    def _open(self, dialog: FormDialog, done_text: Any) -> FormDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after(dialog, done_text))
        dialog.open()
        return dialog

    def _after(self, dialog: FormDialog, done_text: Any) -> None:
        self.changed()
        text = done_text(dialog.result_value) if callable(done_text) else done_text
        if text:
            widgets.inform(self, text)

    def pay_project(self) -> FormDialog | None:
        if self.data is None:
            return None
        d = self.data.detail
        return self._open(PayProjectDialog(self.ctx, d, self), lambda r: _(
            "Paid {amount} for project {project} ({project_amount}).").format(
            amount=money(r.amount, r.currency), project=r.project_id,
            project_amount=money(r.project_amount, r.project_currency)))

    def request_withdrawal(self) -> FormDialog | None:
        if self.data is None:
            return None
        return self._open(WithdrawalDialog(self.ctx, self.data.detail, self), lambda r: _(
            "Withdrawal request no. {id} for {amount} is pending approval.").format(
            id=r.id, amount=money(r.amount, r.currency)))

    def record_offer(self) -> FormDialog | None:
        if self.data is None:
            return None
        return self._open(OfferDialog(self.ctx, self.data.detail, self), "")

    def export_statement(self) -> FormDialog | None:
        if self.data is None:
            return None
        periods = [a.period for a in self.data.accruals]
        return self._open(StatementDialog(self.ctx, self.data.detail, periods, self), lambda r: _(
            "The statement was saved to {path}").format(path=getattr(r, "path", "")))

    def choose_language(self) -> FormDialog | None:
        if self.data is None:
            return None
        return self._open(LanguageDialog(self.ctx, self.data.detail, self), "")

    def correct_balance(self) -> FormDialog | None:
        if self.data is None:
            return None
        return self._open(CorrectionDialog(self.ctx, self.data.detail, self), lambda r: _(
            "Correction of {amount} added; the balance is {balance}.").format(
            amount=money(r.amount, r.currency), balance=money(r.balance_after, r.currency)))
