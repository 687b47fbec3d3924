"""The withdrawal state machine, payout methods and who may move a request on (SPEC section 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.domain.withdrawals import (
    MOVES,
    Method,
    Move,
    Status,
    decider_refusal,
    move_refusal,
    withdrawal_refusals,
)
from partner_desk.refusal_text import in_english

MANAGER = Actor("olena", Role.MANAGER)
OTHER_MANAGER = Actor("petro", Role.MANAGER)
FINANCE = Actor("fin", Role.FINANCE)
ADMIN = Actor("adm", Role.ADMIN)


@pytest.mark.parametrize(
    ("text", "method"),
    [("bank_transfer", Method.BANK_TRANSFER), ("bank-transfer", Method.BANK_TRANSFER),
     ("Bank Transfer", Method.BANK_TRANSFER), ("bank", Method.BANK_TRANSFER), ("CARD", Method.CARD),
     ("PayPal", Method.PAYPAL), ("pay-pal", Method.PAYPAL), (" other ", Method.OTHER)],
)
def test_payout_methods(text: str, method: Method) -> None:
    assert Method.parse(text) is method


def test_an_unknown_method_is_named() -> None:
    with pytest.raises(ValueError, match="'crypto' is not a payout method"):
        Method.parse("crypto")


def test_each_state_allows_only_its_moves() -> None:
    allowed = {(move, status) for move, (start, _) in MOVES.items() for status in Status if status == start}
    for move in Move:
        for status in Status:
            problem = in_english(move_refusal(move, status, 7))
            assert (problem is None) == ((move, status) in allowed), (move, status)
    assert in_english(move_refusal(Move.APPROVE, Status.APPROVED, 7)) == (
        "withdrawal 7 is approved: only a pending request can be approved")
    assert in_english(move_refusal(Move.PAID, Status.PENDING, 7)) == (
        "withdrawal 7 is pending: only an approved request can be marked paid")


def test_settled_requests_never_move() -> None:
    for status in (Status.PAID, Status.REJECTED, Status.CANCELLED):
        assert all(in_english(move_refusal(move, status, 1)) is not None for move in Move)


@pytest.mark.parametrize("move", [Move.APPROVE, Move.REJECT, Move.PAID])
def test_nobody_decides_their_own_request(move: Move) -> None:
    assert in_english(decider_refusal(FINANCE, move, "fin", 3)) is not None
    assert in_english(decider_refusal(ADMIN, move, "adm", 3)) is not None
    assert in_english(decider_refusal(FINANCE, move, "olena", 3)) is None
    # the set-up actor neither decides its own requests
    assert in_english(decider_refusal(SETUP, move, None, 3)) is not None


def test_cancel_is_for_the_creator_or_finance() -> None:
    assert in_english(decider_refusal(MANAGER, Move.CANCEL, "olena", 3)) is None
    assert in_english(decider_refusal(OTHER_MANAGER, Move.CANCEL, "olena", 3)) == (
        "petro may not cancel withdrawal 3: only the user who requested it (olena) or the finance role may")
    assert in_english(decider_refusal(FINANCE, Move.CANCEL, "olena", 3)) is None
    assert in_english(decider_refusal(ADMIN, Move.CANCEL, "olena", 3)) is None


@pytest.mark.parametrize(
    ("available", "allowed", "shown"),
    [
        (Decimal("80.00"), False, "$100.00"),   # 80.00 / 0.8 = $100.00, not more than $100
        (Decimal("80.01"), True, None),         # 80.01 / 0.8 = $100.0125
        (Decimal("79.99"), False, "$99.99"),    # 79.99 / 0.8 = $99.9875 -> shown $99.99
    ],
)
def test_threshold_in_eur(available: Decimal, allowed: bool, shown: str | None) -> None:
    reasons = in_english(withdrawal_refusals(offer_accepted_on=date(2025, 1, 1), available=available, currency="EUR",
                                  rate=Decimal("0.8"), today=date(2026, 1, 1)))
    assert (reasons == []) is allowed
    if shown:
        assert reasons == [f"the available balance is worth {shown}, not more than $100.00"]


def test_an_offer_accepted_after_today_is_not_accepted_yet() -> None:
    reasons = in_english(withdrawal_refusals(offer_accepted_on=date(2026, 1, 2), available=Decimal("500"),
                                  currency="USD", rate=Decimal(1), today=date(2026, 1, 1)))
    assert reasons == ["the partner offer has not been accepted"]


def test_a_missing_rate_is_a_reason() -> None:
    reasons = in_english(withdrawal_refusals(offer_accepted_on=None, available=Decimal("500"), currency="PLN",
                                  rate=None, today=date(2026, 1, 1)))
    assert reasons == ["the partner offer has not been accepted",
                       "no PLN exchange rate on or before 2026-01-01 to value the balance in USD"]
