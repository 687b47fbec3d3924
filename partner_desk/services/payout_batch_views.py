"""What the withdrawals page asks before offering the payout batch actions: why each is not available.

Reads only; the actions themselves are `services.payout_batches`.
"""

from __future__ import annotations

from collections.abc import Sequence

from partner_desk.domain.payouts import BATCH_METHODS
from partner_desk.domain.roles import NEEDS, Actor
from partner_desk.domain.withdrawals import Status
from partner_desk.i18n import _
from partner_desk.services.withdrawal_views import QueueRow

EXPORT, MARK_PAID = "withdraw.export", "withdraw.paid_batch"


def batch_role_refusal(actor: Actor, action: str) -> str | None:
    """Why the actor's role does not allow a batch action; None when it does."""
    needed = NEEDS[action]
    if actor.may(needed):
        return None
    doing = _("Exporting a payout batch") if action == EXPORT else _("Marking a payout batch paid")
    role = actor.role.label if actor.role else _("no role")
    return _("{doing} needs the {needed} role (you are {role})").format(doing=doing, needed=needed.label, role=role)


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
