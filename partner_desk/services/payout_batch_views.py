"""What the withdrawals page asks before offering the payout batch actions: why each is not available.

Reads only; the actions themselves are `services.payout_batches`.
"""

from __future__ import annotations

from collections.abc import Sequence

from partner_desk.domain.payouts import BATCH_METHODS
from partner_desk.domain.roles import Action, Actor, role_refusal
from partner_desk.domain.withdrawals import Status
from partner_desk.i18n import _
from partner_desk.refusal_text import shown
from partner_desk.services.withdrawal_views import QueueRow

EXPORT, MARK_PAID = Action.WITHDRAW_EXPORT, Action.WITHDRAW_PAID_BATCH


def batch_role_refusal(actor: Actor, action: Action) -> str | None:
    """Why the actor's role does not allow a batch action; None when it does."""
    found = role_refusal(actor, action)
    return None if found is None else shown(found)


def exportable(rows: Sequence[QueueRow]) -> list[QueueRow]:
    """The approved requests paid by PayPal or bank transfer: what a batch can hold."""
    methods = {m.value for m in BATCH_METHODS}
    return [r for r in rows if r.status is Status.APPROVED and r.request.method in methods]


def export_refusals(actor: Actor, rows: Sequence[QueueRow]) -> list[str]:
    """Why "Export payout batch…" is not available; empty when it is."""
    reasons = [r for r in (batch_role_refusal(actor, EXPORT),) if r]
    if not exportable(rows):
        reasons.append(_("No approved PayPal or bank transfer request is waiting to be paid"))
    return reasons


def mark_paid_refusals(actor: Actor, rows: Sequence[QueueRow]) -> list[str]:
    """Why "Mark batch paid…" is not available; empty when it is."""
    reasons = [r for r in (batch_role_refusal(actor, MARK_PAID),) if r]
    if not any(r.status is Status.APPROVED for r in rows):
        reasons.append(_("No approved request is waiting to be paid"))
    return reasons
