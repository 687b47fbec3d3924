"""Locale-aware display: money is rounded half-up before Babel formats it (Babel rounds half to even)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from partner_desk import i18n


@pytest.fixture(autouse=True)
def english():
    yield
    i18n.setup("en_US")


def test_money_ties_round_away_from_zero_not_to_even() -> None:
    # Babel alone shows 0.125 as $0.12 and ¥2.5 as ¥2
    assert i18n.money(Decimal("0.125"), "USD", "en_US") == "$0.13"
    assert i18n.money(Decimal("2.5"), "JPY", "en_US") == "¥3"
    assert i18n.money(Decimal("-0.125"), "USD", "en_US") == "-$0.13"
    assert i18n.money(Decimal("1.0005"), "KWD", "en_US") == "KWD\xa01.001"


def test_money_in_ukrainian_uses_its_separators_and_sign() -> None:
    nbsp = "\xa0"
    assert i18n.money(Decimal("1234.5"), "UAH", "uk_UA") == f"1{nbsp}234,50{nbsp}₴"


def test_a_currency_code_stands_apart_from_the_number() -> None:
    nbsp = "\xa0"
    assert i18n.money(Decimal("3480.1"), "UAH", "en_US") == f"UAH{nbsp}3,480.10"
    assert i18n.money(Decimal("-3480.1"), "UAH", "en_US") == f"-UAH{nbsp}3,480.10"
    assert i18n.money(Decimal("3480.1"), "PLN", "uk_UA") == f"3{nbsp}480,10{nbsp}PLN"
    assert i18n.money(Decimal("3480.1"), "USD", "en_US") == "$3,480.10"  # a symbol stays close


def test_small_negative_money_shows_as_zero() -> None:
    assert i18n.money(Decimal("-0.004"), "USD", "en_US") == "$0.00"


def test_numbers_and_percents() -> None:
    assert i18n.number(Decimal("2.345"), 2, "en_US") == "2.35"  # half-up
    assert i18n.number(Decimal("1234567.005"), 2, "en_US") == "1,234,567.01"
    # every decimal asked for is written, a trailing zero too
    assert i18n.number(Decimal("10.5"), 2, "en_US") == "10.50"
    assert i18n.number(Decimal("-50"), 2, "uk_UA") == "-50,00"
    assert i18n.number(Decimal("0.000120"), 6, "uk_UA") == "0,000120"
    assert i18n.number(Decimal("131072"), 0, "uk_UA") == "131\xa0072"
    assert i18n.percent(Decimal("12.50"), "en_US") == "12.5%"
    assert i18n.percent(Decimal("15"), "uk_UA") == "15%"


def test_one_day_and_one_moment_format_per_locale() -> None:
    assert i18n.day(date(2026, 1, 5), "en_US") == "Jan 5, 2026"
    assert i18n.day(date(2026, 1, 5), "uk_UA") == "05.01.2026"
    afternoon = datetime(2025, 11, 3, 14, 5, 59)
    assert i18n.moment(afternoon, "uk_UA") == "03.11.2025, 14:05"  # 24-hour time, to the minute
    assert i18n.moment(afternoon, "en_US") == "Nov 3, 2025, 2:05\u202fPM"
    assert i18n.qt_day_format("uk_UA") == "dd.MM.yyyy"
    assert i18n.qt_day_format("en_US") == "MMM d, yyyy"


def test_amounts_with_their_minor_digits() -> None:
    assert i18n.plain_amount(Decimal("10050"), "USD", "en_US") == "10,050.00"
    assert i18n.plain_amount(Decimal("1234.5"), "UAH", "uk_UA") == "1\xa0234,50"
    assert i18n.plain_amount(Decimal("1234.5"), "JPY", "en_US") == "1,235"  # half-up


def test_setup_picks_a_known_locale_or_falls_back_to_english() -> None:
    assert i18n.setup("uk_UA.UTF-8") == "uk_UA"
    assert i18n.current_locale() == "uk_UA"
    assert i18n.current_language() == "uk"
    assert i18n.setup("uk") == "uk_UA"  # a language alone stands for its own country's formats
    assert i18n.setup("en", "uk_UA") == "uk_UA"
    assert i18n.current_language() == "en"
    assert i18n.setup("xx_YY") == "en_US"
    # without a catalog, messages come back as written
    assert i18n._("Post period") == "Post period"
    assert i18n.ngettext("one accrual", "{n} accruals", 2) == "{n} accruals"
    assert i18n.N_("marked") == "marked"


def test_a_translator_speaks_its_own_language_whatever_the_window_speaks() -> None:
    i18n.setup("en_US")
    uk = i18n.translator("uk")
    assert uk.gettext("Summary") == "Зведення"
    assert i18n._("Summary") == "Summary"
    # Ukrainian's three forms: one (1, 21), few (2-4, 22-24), many (0, 5-20)
    forms = [uk.ngettext("{count} connected project", "{count} connected projects", n) for n in (1, 3, 5, 21, 0)]
    assert len(set(forms)) == 3
    assert forms[0] == forms[3]
    assert forms[2] == forms[4]
    # a language without a catalog writes the messages as they are
    assert i18n.translator("en").gettext("Summary") == "Summary"
