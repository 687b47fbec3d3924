"""The agency ledger: append-only entries whose kinds say how they count (SPEC section 6).

The balance is what the agency holds with the company: the sum of its money entries. Holds and
releases of pending withdrawals are entries too, but they only earmark money: held = holds minus
releases, and available = balance - held. Paying out a request writes its release and its payout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class EntryKind(StrEnum):
    ACCRUAL = "accrual"
    REFUND_REVERSAL = "refund_reversal"
    PROJECT_PAYMENT = "project_payment"
    WITHDRAWAL_HOLD = "withdrawal_hold"
    HOLD_RELEASE = "hold_release"
    PAYOUT = "payout"
    CORRECTION = "correction"


HOLD_KINDS = frozenset({EntryKind.WITHDRAWAL_HOLD, EntryKind.HOLD_RELEASE})


@dataclass(frozen=True, slots=True)
class Position:
    """An agency's money at a moment, in its partner currency."""

    currency: str
    balance: Decimal
    held: Decimal

    @property
    def available(self) -> Decimal:
        return self.balance - self.held


def position(currency: str, entries: Iterable[tuple[str, Decimal]]) -> Position:
    """Sum (kind, amount) entries: holds are negative amounts, releases positive."""
    balance = Decimal(0)
    held = Decimal(0)
    for kind, amount in entries:
        if kind in HOLD_KINDS:
            held -= amount
        else:
            balance += amount
    return Position(currency, balance, held)
