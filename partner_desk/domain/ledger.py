"""The agency ledger: append-only entries whose kinds say how they count (SPEC section 6).

The rule, in one place:

- Money entries change the balance: accrual credits (+), refund reversals (-), project payments (-),
  payouts (-) and corrections (+ or -). balance = the sum of money entries.
- Hold entries only earmark money for a pending withdrawal: a hold is negative, its release positive,
  and held = -(holds + releases). available = balance - held, which is also the plain sum of every
  entry of every kind.
- A withdrawal request writes its hold; a rejection or cancellation writes the release; marking it
  paid writes the release and the payout, so the money leaves the balance exactly once. Approval
  writes nothing: the hold already covers the amount.

Nothing is ever edited or deleted; a mistake is undone by a correcting entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from partner_desk.domain.bounds import amount_problem
from partner_desk.domain.money import EXACT, format_amount, minor_digits, round_money


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


Entry = tuple[EntryKind, Decimal]


def hold_entries(amount: Decimal) -> list[Entry]:
    """What a withdrawal request writes: its amount held."""
    return [(EntryKind.WITHDRAWAL_HOLD, -amount)]


def release_entries(amount: Decimal) -> list[Entry]:
    """What a rejection or cancellation writes: the hold released, the balance untouched."""
    return [(EntryKind.HOLD_RELEASE, amount)]


def payout_entries(amount: Decimal) -> list[Entry]:
    """What marking a request paid writes: the hold released and the money paid out."""
    return [(EntryKind.HOLD_RELEASE, amount), (EntryKind.PAYOUT, -amount)]


def check_amount(amount: Decimal, currency: str, what: str = "the amount") -> list[str]:
    """Problems of an amount to spend: more than zero, within the currency's minor digits."""
    if amount <= 0:
        return [f"{what} must be more than zero (got {amount})"]
    too_large = amount_problem(amount)
    if too_large is not None:
        return [f"{what} {too_large}"]
    if amount != round_money(amount, currency):
        return [f"{what} {amount} has more decimals than {currency} allows ({minor_digits(currency)})"]
    return []


def spend_refusals(pos: Position, amount: Decimal) -> list[str]:
    """Why `amount` cannot leave the available balance (empty when it can).

    No action of a user may make the available balance negative; once a refund reversal has made it
    negative, nothing can be spent until it is positive again.
    """
    cur = pos.currency
    if pos.available < 0:
        return [f"the available balance is negative ({format_amount(pos.available, cur)} {cur}): "
                "nothing can be spent or withdrawn until it is positive again"]
    if amount > pos.available:
        return [f"{format_amount(amount, cur)} {cur} is more than the available balance "
                f"{format_amount(pos.available, cur)} {cur}"]
    return []


def correction_refusals(pos: Position, amount: Decimal) -> list[str]:
    """A correction may add any amount, but may not take the available balance below zero."""
    cur = pos.currency
    if amount == 0:
        return ["a correction of zero changes nothing"]
    too_large = amount_problem(amount)
    if too_large is not None:
        return [f"the amount {too_large}"]
    if amount != round_money(amount, cur):
        return [f"the amount {amount} has more decimals than {cur} allows ({minor_digits(cur)})"]
    if amount < 0 and pos.available + amount < 0:
        return [f"a correction of {format_amount(amount, cur)} {cur} would make the available balance "
                f"negative (available {format_amount(pos.available, cur)} {cur})"]
    return []


def convert(amount: Decimal, from_rate: Decimal, to_rate: Decimal, to_currency: str) -> Decimal:
    """Double conversion through USD (amount / from_rate * to_rate), rounded half-up once.

    Rates are units per 1 USD. Multiplying before dividing keeps a tie at the minor unit exact.
    """
    return round_money(EXACT.divide(EXACT.multiply(amount, to_rate), from_rate), to_currency)
