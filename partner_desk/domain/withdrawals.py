"""Withdrawals: who may withdraw, the request's states, and who may move it on (SPEC section 7).

States: pending -> approved -> paid, or pending -> rejected / cancelled. Each transition happens at
most once; a settled request (paid, rejected, cancelled) never moves again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from partner_desk.domain.ledger import hold_entries, payout_entries, release_entries
from partner_desk.domain.refusals import Dollars, Refusal
from partner_desk.domain.roles import Actor, Role

THRESHOLD_USD = Decimal(100)


class Method(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    PAYPAL = "paypal"
    OTHER = "other"

    @classmethod
    def parse(cls, text: str) -> Method:
        """A payout method; case, spaces and dashes are forgiven, and "bank" means a bank transfer."""
        key = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
        key = {"bank": "bank_transfer", "pay_pal": "paypal"}.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a payout method (bank_transfer, card, paypal or other)"
            ) from None


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# the states a request ends in: it holds nothing and waits for nobody
SETTLED = frozenset({Status.PAID, Status.REJECTED, Status.CANCELLED})


class Move(StrEnum):
    """A step that moves a request on, named as the audit trail and the role table name it."""

    APPROVE = "withdraw.approve"
    REJECT = "withdraw.reject"
    CANCEL = "withdraw.cancel"
    PAID = "withdraw.paid"


# From which state each move starts, and where it ends.
MOVES: dict[Move, tuple[Status, Status]] = {
    Move.APPROVE: (Status.PENDING, Status.APPROVED),
    Move.REJECT: (Status.PENDING, Status.REJECTED),
    Move.CANCEL: (Status.PENDING, Status.CANCELLED),
    Move.PAID: (Status.APPROVED, Status.PAID),
}


# The refusal of each move from a state it does not start from.
_NOT_FROM: dict[Move, str] = {
    Move.APPROVE: "only_pending_approved",
    Move.REJECT: "only_pending_rejected",
    Move.CANCEL: "only_pending_cancelled",
    Move.PAID: "only_approved_paid",
}
# The refusal of deciding one's own request, per move.
_OWN: dict[Move, str] = {Move.APPROVE: "own_approve", Move.REJECT: "own_reject", Move.PAID: "own_mark_paid"}


def move_refusal(move: Move, current: Status | str, request_id: int) -> Refusal | None:
    """Why a request in `current` cannot take `move`; None when it can."""
    start, _end = MOVES[move]
    if Status(current) == start:
        return None
    return Refusal(_NOT_FROM[move], {"request": request_id, "status": Status(current)})


def decider_refusal(actor: Actor, move: Move, requested_by: str | None, request_id: int) -> Refusal | None:
    """Who may move a request on, beyond the role: nobody decides a request they created, and only
    its creator or someone with the finance role may cancel it."""
    own = actor.name == requested_by
    if move is Move.CANCEL:
        if own or actor.may(Role.FINANCE):
            return None
        return Refusal("cancel_not_own", {"user": str(actor), "request": request_id,
                                          "requested_by": requested_by or "(set-up)"})
    if own:
        return Refusal(_OWN[move], {"user": str(actor), "request": request_id})
    return None


def withdrawal_refusals(
    *,
    offer_accepted_on: date | None,
    available: Decimal,
    currency: str,
    rate: Decimal | None,
    today: date,
) -> list[Refusal]:
    """Every condition that fails: the offer accepted, and the available balance worth more than $100
    (strictly) at `rate`, the partner currency's units per 1 USD today."""
    reasons: list[Refusal] = []
    if offer_accepted_on is None or offer_accepted_on > today:
        reasons.append(Refusal("offer_not_accepted"))
    if rate is None:
        reasons.append(Refusal("no_rate_to_value", {"currency": currency, "day": today}))
    else:
        worth = Fraction(available) / Fraction(rate)
        if worth <= Fraction(THRESHOLD_USD):
            reasons.append(Refusal("below_minimum", {"worth": Dollars(worth), "minimum": Dollars(THRESHOLD_USD)}))
    return reasons


def ledger_trace(status: Status | str, amount: Decimal) -> list[tuple[str, Decimal]]:
    """The ledger entries (kind, amount) a request of `amount` in `status` has written, in order: its
    hold; then the release when rejected or cancelled, or the release and the payout when paid."""
    written = hold_entries(amount)
    current = Status(status)
    if current in (Status.REJECTED, Status.CANCELLED):
        written += release_entries(amount)
    elif current is Status.PAID:
        written += payout_entries(amount)
    return [(kind.value, value) for kind, value in written]
