"""The bounds every value a user can type or load must lie within (SPEC sections 9 and 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partner_desk.domain.bounds import (
    FIRST_DAY,
    LAST_DAY,
    MAX_INTEGER_DIGITS,
    active_currencies,
    amount_problem,
    currency_problem,
    payment_day_problem,
    payment_window,
)
from partner_desk.domain.ledger import check_amount
from partner_desk.domain.money import parse_amount, parse_decimal
from partner_desk.domain.periods import Period, parse_day, parse_moment, parse_period, zone
from partner_desk.refusal_text import english, in_english

KYIV = zone("Europe/Kyiv")
TODAY = date(2026, 12, 1)


def test_twelve_integer_digits_is_the_largest_amount() -> None:
    assert MAX_INTEGER_DIGITS == 12
    assert parse_amount("999999999999.99", "USD") == Decimal("999999999999.99")
    assert parse_amount("-999999999999.99", "USD") == Decimal("-999999999999.99")
    assert parse_amount("999999999999", "JPY") == Decimal("999999999999")
    with pytest.raises(ValueError, match=r"'1000000000000\.00' has more than 12 integer digits"):
        parse_amount("1000000000000.00", "USD")


@pytest.mark.parametrize("digits", [13, 18, 19, 59, 62])
def test_longer_amounts_are_refused_with_a_message_not_an_arithmetic_error(digits: int) -> None:
    text = "9" * digits + ".07"
    with pytest.raises(ValueError, match="has more than 12 integer digits"):
        parse_amount(text, "USD")
    with pytest.raises(ValueError, match="has more than 12 integer digits"):
        parse_decimal(text)


def test_an_amount_given_as_a_decimal_is_bounded_as_well() -> None:
    assert amount_problem(Decimal("999999999999.99")) is None
    assert amount_problem(Decimal("1E+12")) == "'1000000000000' has more than 12 integer digits"
    assert in_english(check_amount(Decimal("92233720368547758.07"), "USD")) == [
        "the amount '92233720368547758.07' has more than 12 integer digits"
    ]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                   min_value=Decimal("-1e14"), max_value=Decimal("1e14")))
def test_the_bound_is_on_integer_digits_only(value: Decimal) -> None:
    fits = abs(value) < Decimal(10) ** MAX_INTEGER_DIGITS
    assert (amount_problem(value) is None) == fits


def test_dates_and_timestamps_lie_in_this_century() -> None:
    assert (date(2000, 1, 1), date(2099, 12, 31)) == (FIRST_DAY, LAST_DAY)
    assert parse_day("2000-01-01") == date(2000, 1, 1)
    assert parse_day("2099-12-31") == date(2099, 12, 31)
    for text in ("0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"):
        with pytest.raises(ValueError, match="is outside 2000-01-01 to 2099-12-31"):
            parse_day(text)


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59",
                                  "9999-12-31T23:59:59-12:00", "0001-01-01T00:00+14:00", "1999-12-31T23:59"])
def test_timestamps_that_would_overflow_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is outside 2000-01-01 to 2099-12-31"):
        parse_moment(text, KYIV)


def test_the_first_moment_of_2000_is_accepted() -> None:
    # 2000-01-01 00:00 in Kyiv (UTC+2 in winter) is 1999-12-31 22:00 UTC
    assert parse_moment("2000-01-01T00:00", KYIV) == datetime(1999, 12, 31, 22, tzinfo=UTC)


def test_periods_typed_by_a_user_lie_in_this_century() -> None:
    assert parse_period("2000-01") == Period(2000, 1)
    assert parse_period("2099-12") == Period(2099, 12)
    for text in ("9999-12", "0001-01", "1999-12", "2100-01"):
        with pytest.raises(ValueError, match="is outside 2000-01 to 2099-12"):
            parse_period(text)
    # a stored period such as the commission table's "from the beginning" still reads back
    assert Period.parse("0001-01") == Period(1, 1)


def test_payment_days_lie_between_2000_and_tomorrow() -> None:
    assert payment_day_problem(date(2000, 1, 1), TODAY) is None
    assert payment_day_problem(date(2026, 12, 2), TODAY) is None  # tomorrow: time zones differ
    assert english(payment_day_problem(date(2026, 12, 3), TODAY)) == (
        "is after 2026-12-02: a payment is at most one day after today"
    )
    assert english(payment_day_problem(date(1999, 12, 31), TODAY)) == "is before 2000-01-01"


def test_active_currencies_are_those_in_tender_use_today() -> None:
    active = active_currencies(TODAY)
    for code in ("USD", "EUR", "UAH", "JPY", "KWD", "GBP", "PLN", "XOF", "XAF", "XCD"):
        assert code in active, code
    # metals, test codes, units of account and withdrawn currencies are not money today
    for code in ("XXX", "XTS", "XAU", "XAG", "XDR", "DEM", "UAK", "FRF", "HRK", "CLF", "BOV"):
        assert code not in active, code


def test_currency_problems_name_the_reason() -> None:
    assert currency_problem("EUR", TODAY) is None
    assert in_english(currency_problem("eur", TODAY)) == "'eur' is not an ISO 4217 currency code"
    assert in_english(currency_problem("XYZ", TODAY)) == "'XYZ' is not an ISO 4217 currency code"
    assert in_english(currency_problem("XAU", TODAY)) == "'XAU' is not a currency in use today"
    assert in_english(currency_problem("DEM", TODAY)) == "'DEM' is not a currency in use today"
    # a currency the database already holds data in keeps working after it is withdrawn
    assert currency_problem("HRK", TODAY, held={"HRK"}) is None
    assert in_english(currency_problem("XXX", TODAY, held={"HRK"})) == "'XXX' is not a currency in use today"


@given(st.datetimes(min_value=datetime(1999, 12, 1), max_value=datetime(2026, 12, 10), timezones=st.just(UTC)))
def test_the_payment_window_is_the_days_payments_may_have(moment: datetime) -> None:
    start, until = payment_window(TODAY, KYIV)
    allowed = payment_day_problem(moment.astimezone(KYIV).date(), TODAY) is None
    assert (start <= moment < until) == allowed
