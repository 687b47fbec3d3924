"""What each ledger move writes, and when money may leave the available balance."""

from __future__ import annotations

from decimal import Decimal

from partner_desk.domain.ledger import (
    EntryKind,
    Position,
    check_amount,
    convert,
    correction_refusals,
    hold_entries,
    payout_entries,
    position,
    release_entries,
    spend_refusals,
)
from partner_desk.refusal_text import in_english


def test_a_request_held_then_paid_leaves_the_balance_once() -> None:
    entries = [(EntryKind.ACCRUAL, Decimal("500.00"))]
    entries += hold_entries(Decimal("200.00"))
    held = position("EUR", entries)
    # balance 500, held 200, available 300
    assert (held.balance, held.held, held.available) == (Decimal("500.00"), Decimal("200.00"), Decimal("300.00"))
    entries += payout_entries(Decimal("200.00"))
    paid = position("EUR", entries)
    # release +200 frees the hold; payout -200 leaves the balance: 300 / 0 / 300
    assert (paid.balance, paid.held, paid.available) == (Decimal("300.00"), Decimal("0.00"), Decimal("300.00"))
    # the plain sum of every entry is the available amount: 500 - 200 + 200 - 200 = 300
    assert sum(amount for _, amount in entries) == paid.available


def test_a_released_hold_gives_the_money_back_untouched() -> None:
    entries = [(EntryKind.ACCRUAL, Decimal("500.00")), *hold_entries(Decimal("120.50"))]
    entries += release_entries(Decimal("120.50"))
    pos = position("EUR", entries)
    assert (pos.balance, pos.held, pos.available) == (Decimal("500.00"), Decimal("0.00"), Decimal("500.00"))


def test_spending_up_to_the_available_balance_exactly() -> None:
    pos = Position("EUR", Decimal("100.00"), Decimal("40.00"))  # available 60.00
    assert in_english(spend_refusals(pos, Decimal("60.00"))) == []
    assert in_english(spend_refusals(pos, Decimal("60.01"))) == [
        "60.01 EUR is more than the available balance 60.00 EUR"]


def test_nothing_is_spent_from_a_negative_available_balance() -> None:
    pos = Position("JPY", Decimal("-5"), Decimal("0"))
    assert in_english(spend_refusals(pos, Decimal("1"))) == [
        "the available balance is negative (-5 JPY): nothing can be spent or withdrawn until it is "
        "positive again"]


def test_amount_checks() -> None:
    assert in_english(check_amount(Decimal("0.01"), "USD")) == []
    assert in_english(check_amount(Decimal("0"), "USD")) == ["the amount must be more than zero (got 0)"]
    assert in_english(check_amount(Decimal("1.5"), "JPY")) == ["the amount 1.5 has more decimals than JPY allows (0)"]
    assert in_english(check_amount(Decimal("1.005"), "KWD")) == []  # KWD has three minor digits


def test_corrections_may_add_anything_but_not_overdraw() -> None:
    pos = Position("USD", Decimal("50.00"), Decimal("20.00"))  # available 30.00
    assert in_english(correction_refusals(pos, Decimal("1000000.00"))) == []
    assert in_english(correction_refusals(pos, Decimal("-30.00"))) == []
    assert in_english(correction_refusals(pos, Decimal("-30.01"))) == [
        "a correction of -30.01 USD would make the available balance negative (available 30.00 USD)"]
    assert in_english(correction_refusals(pos, Decimal("0"))) == ["a correction of zero changes nothing"]


def test_double_conversion_rounds_once_half_up() -> None:
    # 0.12 EUR at 0.8 per USD -> $0.15 -> x 41.5 UAH = 6.225 -> 6.23
    assert convert(Decimal("0.12"), Decimal("0.8"), Decimal("41.5"), "UAH") == Decimal("6.23")
    # 1000 JPY at 150 per USD -> $6.666... -> x 0.3 KWD = 2.0 KWD exactly, three digits
    assert convert(Decimal("1000"), Decimal("150"), Decimal("0.3"), "KWD") == Decimal("2.000")
    # 10.00 USD at 1 -> 1 per USD of JPY 149.995 -> 1499.95 -> 1500 JPY
    assert convert(Decimal("10.00"), Decimal("1"), Decimal("149.995"), "JPY") == Decimal("1500")
