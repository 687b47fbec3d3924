"""The agency page's actions, as a controller that holds the page: it owns the buttons, enables each
as the user's role and the agency's state allow (a tooltip says why not), opens the dialog each asks
for and reports the outcome. The page hands it the agency it shows (`show(loaded)`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from partner_desk.domain.roles import Action, role_refusal
from partner_desk.gui import widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.agency.data import Loaded
from partner_desk.gui.pages.agency.dialogs import (
    CorrectionDialog,
    OfferDialog,
    PayProjectDialog,
    StatementDialog,
    WithdrawalDialog,
)
from partner_desk.gui.pages.agency.language import LanguageDialog
from partner_desk.i18n import _, day, money
from partner_desk.refusal_text import shown
from partner_desk.services.agency_detail import AgencyDetail
from partner_desk.services.benefits import set_benefit_state


class AgencyActions:
    """The buttons of the agency page and what they do, for the agency the page shows."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loaded: Loaded | None = None
        self.dialog: FormDialog | None = None
        self.bar = QHBoxLayout()
        self.pay_button = self._button(_("Pay a project…"), self.pay_project)
        self.withdraw_button = self._button(_("Request a withdrawal…"), self.request_withdrawal)
        self.offer_button = self._button(_("Record offer acceptance…"), self.record_offer)
        self.statement_button = self._button(_("Export statement…"), self.export_statement)
        self.language_button = self._button(_("Statement language…"), self.choose_language)
        self.language_button.setObjectName("language_button")
        self.correct_button = self._button(_("Correct the balance…"), self.correct_balance)
        self.bar.addStretch(1)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        self.bar.addWidget(button)
        return button

    @property
    def code(self) -> str | None:
        return self.loaded.detail.code if self.loaded is not None else None

    def show(self, loaded: Loaded) -> None:
        """Act on the agency `loaded` from now on: enable each action its role and state allow."""
        self.loaded = loaded
        d = loaded.detail
        actor = self.page.ctx.actor

        def allow(button: QPushButton, action: Action, reasons: list[str], tip: str) -> None:
            role = role_refusal(actor, action)
            if role is not None:
                reasons = [shown(role), *reasons]
            button.setEnabled(not reasons)
            button.setToolTip("\n".join(reasons) if reasons else tip)

        no_projects = [] if d.current_projects else [_("no project is connected to the agency now")]
        nothing = [] if d.available > 0 else [_("nothing is available to spend")]
        allow(self.pay_button, Action.PAY_PROJECT, no_projects + nothing,
              _("Spend the balance on a connected project"))
        allow(self.withdraw_button, Action.WITHDRAW_REQUEST, [shown(r) for r in d.reasons],
              _("Request a payout of the balance"))
        accepted = [_("accepted on {day}").format(day=day(d.offer_accepted_on))] if d.offer_accepted_on else []
        allow(self.offer_button, Action.OFFER_ACCEPT, accepted, _("Record the day the partner offer was accepted"))
        posted = [] if loaded.accruals else [_("the agency has no posted accrual yet")]
        allow(self.statement_button, Action.STATEMENT, posted,
              _("Export the statement of a posted period, as Excel or PDF"))
        allow(self.language_button, Action.AGENCY_LANGUAGE, [], _("Choose the language of the agency's statements"))
        allow(self.correct_button, Action.CORRECT, [], _("Add a correcting ledger entry, with its reason"))

    def set_benefit_state(self, benefit_id: int, state: str | None) -> None:
        if state is None or self.code is None:
            return
        page, ctx, code = self.page, self.page.ctx, self.code

        def failed(exc: Exception) -> None:
            show_error(page, exc)
            page.refresh()  # the combo box goes back to the stored state

        run_op(page, lambda _p: set_benefit_state(ctx.db, ctx.actor, code, benefit_id, state),
               lambda _r: page.changed(Action.BENEFIT_UPDATE, code), failed)

    def _open(self, dialog: FormDialog, done_text: Any, action: str | None) -> FormDialog:
        """Open `dialog`; once it did its work, report `done_text` and, for a change, the audited
        `action` it ran (None: it changed nothing, as an exported statement)."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after(dialog, done_text, action))
        dialog.open()
        return dialog

    def _after(self, dialog: FormDialog, done_text: Any, action: str | None) -> None:
        if action is not None:
            self.page.changed(action, self.code)
        text = done_text(dialog.result_value) if callable(done_text) else done_text
        if text:
            widgets.inform(self.page, text)

    def _on_agency(self, dialog: Callable[[AppContext, AgencyDetail, QWidget], FormDialog], done_text: Any,
                   action: str) -> FormDialog | None:
        """Open `dialog` on the agency shown (none while nothing is loaded), as `_open` does."""
        if self.loaded is None:
            return None
        return self._open(dialog(self.page.ctx, self.loaded.detail, self.page), done_text, action)

    def pay_project(self) -> FormDialog | None:
        return self._on_agency(PayProjectDialog, lambda r: _(
            "Paid {amount} for project {project} ({project_amount}).").format(
            amount=money(r.amount, r.currency), project=r.project_id,
            project_amount=money(r.project_amount, r.project_currency)), action=Action.PAY_PROJECT)

    def request_withdrawal(self) -> FormDialog | None:
        return self._on_agency(WithdrawalDialog, lambda r: _(
            "Withdrawal request no. {id} for {amount} is pending approval.").format(
            id=r.id, amount=money(r.amount, r.currency)), action=Action.WITHDRAW_REQUEST)

    def record_offer(self) -> FormDialog | None:
        return self._on_agency(OfferDialog, "", action=Action.OFFER_ACCEPT)

    def export_statement(self) -> FormDialog | None:
        if self.loaded is None:
            return None
        periods = [a.period for a in self.loaded.accruals]
        return self._open(StatementDialog(self.page.ctx, self.loaded.detail, periods, self.page), lambda r: _(
            "The statement was saved to {path}").format(path=getattr(r, "path", "")), action=None)

    def choose_language(self) -> FormDialog | None:
        return self._on_agency(LanguageDialog, "", action=Action.AGENCY_LANGUAGE)

    def correct_balance(self) -> FormDialog | None:
        return self._on_agency(CorrectionDialog, lambda r: _(
            "Correction of {amount} added; the balance is {balance}.").format(
            amount=money(r.amount, r.currency), balance=money(r.balance_after, r.currency)), action=Action.CORRECT)
