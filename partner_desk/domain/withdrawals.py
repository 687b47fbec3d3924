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
from partner_desk.domain.money import format_usd
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
SETTLED = frozenset({Status.PAID, Status.REJECTED, Status.CANCELLED})


def move_refusal(move: Move, current: Status | str, request_id: int) -> str | None:
    """Why a request in `current` cannot take `move`; None when it can."""
    start, _end = MOVES[move]
    if Status(current) == start:
        return None
    verb = move.value.split(".")[1]
    article = "an" if start.value[0] in "aeiou" else "a"
    return f"withdrawal {request_id} is {current}: only {article} {start} request can be {_past(verb)}"


def _past(verb: str) -> str:
    return {"approve": "approved", "reject": "rejected", "cancel": "cancelled", "paid": "marked paid"}[verb]


def decider_refusal(actor: Actor, move: Move, requested_by: str | None, request_id: int) -> str | None:
    """Who may move a request on, beyond the role: nobody decides a request they created, and only
    its creator or someone with the finance role may cancel it."""
    own = actor.name == requested_by
    if move is Move.CANCEL:
        if own or actor.may(Role.FINANCE):
            return None
        return (f"{actor} may not cancel withdrawal {request_id}: only the user who requested it "
                f"({requested_by or '(set-up)'}) or the finance role may")
    if own:
        return f"{actor} may not {_verb(move)} withdrawal {request_id}: nobody decides a request they created"
    return None


def _verb(move: Move) -> str:
    return {Move.APPROVE: "approve", Move.REJECT: "reject", Move.PAID: "mark paid", Move.CANCEL: "cancel"}[move]


def withdrawal_refusals(
    *,
    offer_accepted_on: date | None,
    available: Decimal,
    currency: str,
    rate: Decimal | None,
    today: date,
) -> list[str]:
    """Every condition that fails: the offer accepted, and the available balance worth more than $100
    (strictly) at `rate`, the partner currency's units per 1 USD today."""
    reasons: list[str] = []
    if offer_accepted_on is None or offer_accepted_on > today:
        reasons.append("the partner offer has not been accepted")
    if rate is None:
        reasons.append(f"no {currency} exchange rate on or before {today} to value the balance in USD")
    else:
        worth = Fraction(available) / Fraction(rate)
        if worth <= Fraction(THRESHOLD_USD):
            shown = format_usd(worth)
            shown = f"-${shown[1:]}" if shown.startswith("-") else f"${shown}"
            reasons.append(f"the available balance is worth {shown}, not more than ${format_usd(THRESHOLD_USD)}")
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
