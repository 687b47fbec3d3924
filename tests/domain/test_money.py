"""Exact money: minor units from CLDR, half-up rounding, parsing and formatting (SPEC section 2)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_desk.domain.money import (
    Money,
    format_amount,
    format_amounts,
    format_amounts_in,
    format_percent,
    format_usd,
    from_minor,
    is_currency,
    minor_digits,
    parse_amount,
    parse_decimal,
    round_money,
    round_usd,
    to_minor,
)


@pytest.mark.parametrize(("currency", "digits"), [("USD", 2), ("EUR", 2), ("UAH", 2), ("JPY", 0), ("KWD", 3)])
def test_minor_digits_come_from_cldr(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits


def test_known_and_unknown_currency_codes() -> None:
    assert is_currency("UAH")
    assert not is_currency("XYZ")
    assert not is_currency("usd")


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("0.125", "USD", "0.13"),  # a tie goes away from zero, not to the even 0.12
        ("0.135", "USD", "0.14"),
        ("-0.125", "USD", "-0.13"),  # away from zero on the negative side too
        ("0.124999", "USD", "0.12"),
        ("2.5", "JPY", "3"),  # banker's rounding would give 2
        ("3.5", "JPY", "4"),
        ("1.0005", "KWD", "1.001"),
        ("1.00049", "KWD", "1.000"),
    ],
)
def test_round_money_is_half_up_to_the_minor_unit(value: str, currency: str, expected: str) -> None:
    assert str(round_money(Decimal(value), currency)) == expected


def test_round_money_of_a_fraction_is_exact() -> None:
    # 1/8 = 0.125 exactly: a tie, so 0.13; 1/3 = 0.333.. rounds down to 0.33
    assert round_money(Fraction(1, 8), "USD") == Decimal("0.13")
    assert round_money(Fraction(1, 3), "USD") == Decimal("0.33")
    # 2/3 of a yen = 0.666.. rounds up to 1
    assert round_money(Fraction(2, 3), "JPY") == Decimal("1")


def test_round_usd_rounds_to_cents() -> None:
    assert round_usd(Decimal("1234.565")) == Decimal("1234.57")
    assert round_usd(Fraction(1, 200)) == Decimal("0.01")  # 0.005 is a tie


def test_minor_units_round_trip() -> None:
    assert to_minor(Decimal("12.50"), "USD") == 1250
    assert to_minor(Decimal("1234"), "JPY") == 1234
    assert to_minor(Decimal("-1.005"), "KWD") == -1005
    assert from_minor(1250, "USD") == Decimal("12.50")
    assert str(from_minor(-1005, "KWD")) == "-1.005"
    assert str(from_minor(7, "JPY")) == "7"


def test_to_minor_refuses_an_unrounded_amount() -> None:
    with pytest.raises(ValueError, match="more decimals than USD allows"):
        to_minor(Decimal("0.125"), "USD")


def test_format_amount_shows_exactly_the_minor_digits() -> None:
    assert format_amount(Decimal("12.5"), "USD") == "12.50"
    assert format_amount(Decimal("1234"), "JPY") == "1234"
    assert format_amount(Decimal("1234.5"), "JPY") == "1235"
    assert format_amount(Decimal("-0.125"), "KWD") == "-0.125"
    assert format_amount(Decimal("1000000"), "USD") == "1000000.00"


def test_format_amount_never_shows_a_negative_zero() -> None:
    # a refund line whose commission rounds to nothing is zero, not "-0.00"
    assert format_amount(Decimal("-0.004"), "USD") == "0.00"
    assert format_amount(Decimal("-0.4"), "JPY") == "0"
    assert format_usd(Fraction(-1, 1000)) == "0.00"


def test_format_usd_and_percent() -> None:
    assert format_usd(Fraction(1, 8)) == "0.13"
    assert format_percent(Decimal("15.00")) == "15"
    assert format_percent(Decimal("12.50")) == "12.5"
    assert format_percent(Decimal("100")) == "100"
    assert format_percent(Decimal("0")) == "0"


@pytest.mark.parametrize("text", ["", " ", "1,5", "1e3", "abc", "1.2.3", "--5", "NaN", "Infinity", "1 000"])
def test_parse_decimal_refuses_what_is_not_a_plain_decimal(text: str) -> None:
    with pytest.raises(ValueError, match="is not a decimal number"):
        parse_decimal(text)


def test_parse_decimal_reads_plain_decimals() -> None:
    assert parse_decimal(" 12.50 ") == Decimal("12.50")
    assert parse_decimal("-3") == Decimal("-3")
    assert parse_decimal(".5") == Decimal("0.5")


def test_parse_amount_refuses_more_decimals_than_the_currency_has() -> None:
    with pytest.raises(ValueError, match=r"'0\.125' has more decimals than USD allows \(2\)"):
        parse_amount("0.125", "USD")
    with pytest.raises(ValueError, match=r"has more decimals than JPY allows \(0\)"):
        parse_amount("100.5", "JPY")
    with pytest.raises(ValueError, match=r"has more decimals than KWD allows \(3\)"):
        parse_amount("1.0001", "KWD")


def test_parse_amount_quantizes_to_the_minor_unit() -> None:
    assert str(parse_amount("12.5", "USD")) == "12.50"
    assert str(parse_amount("1.5", "KWD")) == "1.500"
    assert str(parse_amount("100", "JPY")) == "100"


def test_money_value_is_exact_and_single_currency() -> None:
    a = Money.of("10.10", "USD")
    b = Money.of("0.205", "USD")  # constructed through the one rounding: 0.21
    assert (a + b).amount == Decimal("10.31")
    assert (a - b).amount == Decimal("9.89")
    assert (-a).amount == Decimal("-10.10")
    assert Money.from_minor(1005, "KWD").amount == Decimal("1.005")
    assert a.minor == 1010
    assert str(Money.of(5, "JPY")) == "5"
    with pytest.raises(ValueError, match="cannot combine USD with EUR"):
        _ = a + Money.of(1, "EUR")


def test_money_refuses_floats_and_excess_decimals() -> None:
    with pytest.raises(TypeError):
        Money(0.1, "USD")
    with pytest.raises(ValueError, match="more decimals than USD allows"):
        Money(Decimal("0.001"), "USD")


@settings(max_examples=300)
@given(st.lists(st.tuples(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False,
                places=None), st.sampled_from(["USD", "JPY", "KWD", "EUR"])), max_size=8))
def test_amounts_written_together_read_as_format_amount_writes_each(drawn: list[tuple[Decimal, str]]) -> None:
    amounts = [amount for amount, _ in drawn]
    currencies = [currency for _, currency in drawn]
    assert format_amounts(amounts, currencies) == [format_amount(a, c) for a, c in drawn]


@settings(max_examples=300)
@given(st.lists(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False,
                            allow_infinity=False, places=None), max_size=8),
       st.sampled_from(["USD", "JPY", "KWD", "EUR"]))
def test_amounts_of_one_currency_read_as_format_amount_writes_each(amounts: list[Decimal], currency: str) -> None:
    assert format_amounts_in(amounts, currency) == [format_amount(a, currency) for a in amounts]


def test_amounts_of_one_currency_round_half_up_and_show_no_negative_zero() -> None:
    # 2.345 USD: the third digit 5 rounds up to 2.35; -0.004 rounds to zero, shown unsigned; -0.005 is a
    # tie: away from zero, -0.01; KWD has three digits: -0.0004 -> 0.000, 1.2345 -> 1.235
    assert format_amounts_in([Decimal("2.345"), Decimal("-0.004"), Decimal("-0.005")], "USD") == \
        ["2.35", "0.00", "-0.01"]
    assert format_amounts_in([Decimal("-0.0004"), Decimal("1.2345")], "KWD") == ["0.000", "1.235"]


def test_amounts_written_together_round_half_up_and_show_no_negative_zero() -> None:
    # 2.345 USD: the third digit 5 rounds up to 2.35; -0.004 and -0.005 JPY round to zero, shown unsigned;
    # -0.005 USD is a tie: away from zero, -0.01
    assert format_amounts([Decimal("2.345"), Decimal("-0.004"), Decimal("-0.005")], ["USD"] * 3) == \
        ["2.35", "0.00", "-0.01"]
    assert format_amounts([Decimal("-0.4")], ["JPY"]) == ["0"]
    # JPY has no minor digits: 1234.5 -> 1235; KWD three: -0.1235 -> -0.124, -0.0004 -> 0.000
    assert format_amounts([Decimal("1234.5"), Decimal("-0.1235"), Decimal("-0.0004")], ["JPY", "KWD", "KWD"]) == \
        ["1235", "-0.124", "0.000"]
