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

from partner_desk.domain.bounds import MAX_INTEGER_DIGITS, amount_problem
from partner_desk.domain.money import EXACT, Money, format_amount, minor_digits, round_money
from partner_desk.domain.refusals import Refusal


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

    def as_dict(self) -> dict[str, str]:
        """The position as audit records and JSON write it: each amount with the currency's digits."""
        cur = self.currency
        return {"balance": format_amount(self.balance, cur), "held": format_amount(self.held, cur),
                "available": format_amount(self.available, cur)}


def after(pos: Position, kind: str, amount: Decimal) -> Position:
    """The position once one entry is added: a hold (negative) or its release (positive) moves what
    is held, every other kind the balance."""
    if kind in HOLD_KINDS:
        return Position(pos.currency, pos.balance, pos.held - amount)
    return Position(pos.currency, pos.balance + amount, pos.held)


def running(opening: Position, entries: Iterable[tuple[str, Decimal]]) -> list[Position]:
    """The position after each (kind, amount) entry, in order, from `opening`."""
    found = []
    pos = opening
    for kind, amount in entries:
        pos = after(pos, kind, amount)
        found.append(pos)
    return found


def position(currency: str, entries: Iterable[tuple[str, Decimal]]) -> Position:
    """Sum (kind, amount) entries: holds are negative amounts, releases positive."""
    pos = Position(currency, Decimal(0), Decimal(0))
    for kind, amount in entries:
        pos = after(pos, kind, amount)
    return pos


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


def check_amount(amount: Decimal, currency: str) -> list[Refusal]:
    """Problems of an amount to spend: more than zero, within the currency's minor digits."""
    if amount <= 0:
        return [Refusal("amount_not_positive", {"amount": amount})]
    return _amount_refusals(amount, currency)


def _amount_refusals(amount: Decimal, currency: str) -> list[Refusal]:
    if amount_problem(amount) is not None:
        return [Refusal("amount_too_large", {"amount": format(amount, "f"), "digits": MAX_INTEGER_DIGITS})]
    if amount != round_money(amount, currency):
        return [Refusal("too_many_decimals", {"amount": amount, "currency": currency,
                                              "digits": minor_digits(currency)})]
    return []


def spend_refusals(pos: Position, amount: Decimal) -> list[Refusal]:
    """Why `amount` cannot leave the available balance (empty when it can).

    No action of a user may make the available balance negative; once a refund reversal has made it
    negative, nothing can be spent until it is positive again.
    """
    cur = pos.currency
    if pos.available < 0:
        return [Refusal("available_negative", {"available": Money.of(pos.available, cur)})]
    if amount > pos.available:
        return [Refusal("more_than_available", {"amount": Money.of(amount, cur),
                                                "available": Money.of(pos.available, cur)})]
    return []


def correction_refusals(pos: Position, amount: Decimal) -> list[Refusal]:
    """A correction may add any amount, but may not take the available balance below zero."""
    cur = pos.currency
    if amount == 0:
        return [Refusal("correction_zero")]
    problems = _amount_refusals(amount, cur)
    if problems:
        return problems
    if amount < 0 and pos.available + amount < 0:
        return [Refusal("correction_negative", {"amount": Money.of(amount, cur),
                                                "available": Money.of(pos.available, cur)})]
    return []


def convert(amount: Decimal, from_rate: Decimal, to_rate: Decimal, to_currency: str) -> Decimal:
    """Double conversion through USD (amount / from_rate * to_rate), rounded half-up once.

    Rates are units per 1 USD. Multiplying before dividing keeps a tie at the minor unit exact.
    """
    return round_money(EXACT.divide(EXACT.multiply(amount, to_rate), from_rate), to_currency)
