"""The agency page's actions: each opens a dialog (or runs a service call) and reports the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partner_desk.gui import widgets
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import run_op, show_error
from partner_desk.gui.pages import Page
from partner_desk.gui.pages.agency_dialogs import OfferDialog, PayProjectDialog, StatementDialog, WithdrawalDialog
from partner_desk.i18n import _, money

if TYPE_CHECKING:
    from partner_desk.gui.pages.agency import Loaded


class AgencyActions(Page):
    """The agency page's actions; the page sets `code` and `data` when it loads an agency."""

    code: str | None
    data: Loaded | None
    dialog: FormDialog | None

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
