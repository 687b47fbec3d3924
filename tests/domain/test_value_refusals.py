"""A value that cannot be read is refused with a typed reason whose English text is the message the
command line prints, word for word; a decimal comma is told how '.' writes it."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partner_desk.domain.languages import parse_language
from partner_desk.domain.money import parse_amount, parse_decimal
from partner_desk.domain.periods import parse_day, parse_moment, parse_period
from partner_desk.domain.refusals import ValueRefused
from partner_desk.refusal_text import english

KYIV = ZoneInfo("Europe/Kyiv")
READERS = (parse_decimal, lambda t: parse_amount(t, "UAH"), lambda t: parse_amount(t, "JPY"), parse_day,
           parse_period, lambda t: parse_moment(t, KYIV), parse_language)


@given(st.text(alphabet="0123456789.,-+eE :T", max_size=20), st.sampled_from(range(len(READERS))))
def test_every_refused_value_has_a_reason_written_as_its_message(text: str, reader: int) -> None:
    refused: ValueError | None = None
    try:
        READERS[reader](text)
    except ValueError as exc:
        refused = exc
    if refused is not None:  # every reader's refusal is typed, and its English is the message
        assert isinstance(refused, ValueRefused), (text, refused)
        assert english(refused.refusal) == str(refused)


@given(st.text(alphabet="ukenaUKENAr .-", max_size=6))
def test_every_refused_language_has_a_reason_written_as_its_message(text: str) -> None:
    refused: ValueRefused | None = None
    try:
        parse_language(text)
    except ValueRefused as exc:
        refused = exc
    if refused is not None:  # the typed reason's English is the message, word for word
        assert english(refused.refusal) == str(refused)


@pytest.mark.parametrize(("text", "message"), [
    ("100,50", "'100,50' is not a decimal number (decimals use '.': 100.50)"),
    ("-3,5", "'-3,5' is not a decimal number (decimals use '.': -3.5)"),
    (" 7,125 ", "' 7,125 ' is not a decimal number (decimals use '.': 7.125)"),
    # four digits after the comma, two commas, a comma and a point: no reading is offered
    ("1,5000", "'1,5000' is not a decimal number"),
    ("1,000,50", "'1,000,50' is not a decimal number"),
    ("1.000,50", "'1.000,50' is not a decimal number"),
    (",50", "',50' is not a decimal number"),
])
def test_a_decimal_comma_is_told_how_a_point_writes_it(text: str, message: str) -> None:
    with pytest.raises(ValueRefused) as caught:
        parse_decimal(text)
    assert str(caught.value) == message


@given(st.integers(0, 10**12 - 1),
       st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, 10**n - 1))))
def test_the_reading_offered_is_the_number_meant(whole: int, fraction: tuple[int, int]) -> None:
    digits, value = fraction
    written = f"{whole},{value:0{digits}d}"
    with pytest.raises(ValueRefused) as caught:
        parse_decimal(written)
    fixed = caught.value.refusal.params["fixed"]
    assert parse_decimal(fixed) == Decimal(f"{whole}.{value:0{digits}d}")
