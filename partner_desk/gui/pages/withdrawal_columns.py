"""The withdrawals page's tabs, buttons and columns: the queue with each amount's equivalent in the
reporting currency beside it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from partner_desk.domain.withdrawals import Move, Status
from partner_desk.gui.context import AppContext
from partner_desk.gui.money_columns import money_pair
from partner_desk.gui.pages.withdrawals_dialogs import method_label
from partner_desk.gui.table_model import RIGHT, Column
from partner_desk.i18n import N_, _, day
from partner_desk.services.reporting import Reporting
from partner_desk.services.withdrawal_views import QueueRow
from partner_desk.services.withdrawals import WithdrawalView

# the tabs: one per state, then every request
TABS: list[tuple[Status | None, str]] = [
    (Status.PENDING, N_("Pending")),
    (Status.APPROVED, N_("Approved")),
    (Status.PAID, N_("Paid")),
    (Status.REJECTED, N_("Rejected")),
    (Status.CANCELLED, N_("Cancelled")),
    (None, N_("All")),
]
STATUS_LABELS = {
    Status.PENDING: N_("pending"), Status.APPROVED: N_("approved"), Status.PAID: N_("paid"),
    Status.REJECTED: N_("rejected"), Status.CANCELLED: N_("cancelled"),
}
BUTTONS: list[tuple[Move, str, str]] = [
    (Move.APPROVE, N_("Approve"), N_("Approve the request; the withdrawal conditions are checked again")),
    (Move.REJECT, N_("Reject…"), N_("Reject the request with a reason; its hold is released")),
    (Move.PAID, N_("Mark paid…"), N_("Record the payout reference and date; the amount leaves the balance")),
    (Move.CANCEL, N_("Cancel request…"), N_("Cancel the request; its hold is released")),
]


def _amount(row: QueueRow) -> Decimal:
    return row.request.amount


def _currency(row: QueueRow) -> str:
    return row.request.currency


def columns(ctx: AppContext, found: Callable[[], Reporting | None]) -> list[Column[QueueRow]]:
    def req(get: Callable[[WithdrawalView], Any]) -> Callable[[QueueRow], Any]:
        return lambda r: get(r.request)

    return [
        Column(_("No."), req(lambda w: w.id), align=RIGHT, width=45, min_width=40),
        Column(_("Agency"), req(lambda w: w.agency), width=70, min_width=60),
        Column(_("Name"), lambda r: r.agency_name, width=130),
        *money_pair(_("Amount"), _amount, _currency, found, width=110, equivalent_width=96),
        Column(_("Method"), req(lambda w: w.method), method_label, width=95),
        Column(_("Details"), req(lambda w: w.details), width=130, tooltip=lambda r: r.request.details),
        Column(_("State"), req(lambda w: w.status), lambda s: _(STATUS_LABELS[s]), width=75),
        Column(_("Requested by"), req(lambda w: ctx.person(w.requested_by) or _("set-up")), width=95),
        Column(_("Requested on"), req(lambda w: w.requested_at), ctx.day_of,
               width=100, tooltip=lambda r: ctx.moment(r.request.requested_at)),
        Column(_("Decided by"), req(lambda w: ctx.person(w.decided_by)), width=85,
               tooltip=lambda r: ctx.moment(r.request.decided_at) if r.request.decided_at else None),
        Column(_("Paid on"), req(lambda w: w.paid_on), lambda v: day(v) if v else "", width=95),
        Column(_("Reason / reference"), req(lambda w: w.reason or w.payout_reference), width=120,
               tooltip=lambda r: r.request.reason or r.request.payout_reference),
    ]
