"""The amount field: typed the window's way, refused when it could be misread, shown as recorded.

Data (tests/services/agency_pages_data.py): AG01 is a USD agency whose March accrual is 150.00 USD
(offer accepted, so it can withdraw); AG02 an EUR agency, EUR at 0.8 per USD.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox

from partner_desk import i18n
from partner_desk.domain.money import from_minor
from partner_desk.gui import language, ops, widgets
from partner_desk.gui.amount_field import AmountField, load_usd_rate
from partner_desk.gui.amount_text import AmountProblem, Sign, read_amount
from partner_desk.gui.pages.tier_levels import LevelsEditor
from partner_desk.services.accruals import post_period
from partner_desk.services.audit_trail import records
from partner_desk.services.ledger import usd_conversion
from partner_desk.services.withdrawals import list_withdrawals
from tests.gui.agency_data import TODAY, people, seed
from tests.gui.test_agency_page import finish, open_agency

NBSP = "\u00a0"


def speak(code: str, formats: str = "") -> None:
    language.apply(language.Choice(code, formats or i18n.HOME_LOCALE[code]))


@pytest.fixture(autouse=True)
def english_afterwards(qapp) -> Iterator[None]:
    speak("en")
    yield
    speak("en")


def test_100_50_in_an_english_window_is_refused_naming_both_readings(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)  # AG01: 150.00 USD available
    page = open_agency(qtbot, db, team["anna"], "AG01")
    dialog = page.controller.request_withdrawal()
    assert dialog is not None
    ok = dialog.ok_button()
    qtbot.keyClicks(dialog.amount.edit, "100,50")
    assert dialog.amount.value() is None
    assert not ok.isEnabled()
    # "100,50" is 100.50 with a decimal comma, or 10,050 with a thousands comma
    assert ok.toolTip() == "Amount: “100,50” can be read two ways: did you mean 100.50 or 10,050.00?"
    assert "did you mean 100.50 or 10,050.00?" in dialog.amount.preview.text()
    dialog.details.setPlainText("IBAN UA00 0000")
    before = len(records(db, team["admin"]))
    dialog.submit()  # what OK would do, were it enabled: refused before any call
    assert dialog.error.text().startswith("Amount: “100,50” can be read two ways")
    qtbot.wait(50)
    assert list_withdrawals(db) == []
    assert len(records(db, team["admin"])) == before

    dialog.amount.edit.clear()
    qtbot.keyClicks(dialog.amount.edit, "100.50")
    assert ok.isEnabled()
    assert dialog.amount.value() == Decimal("100.50")
    assert "Recorded as <b>$100.50</b>" in dialog.amount.preview.text()


def test_100_50_in_a_ukrainian_window_records_100_point_50(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)
    speak("uk")
    page = open_agency(qtbot, db, team["anna"], "AG01")
    dialog = page.controller.request_withdrawal()
    assert dialog is not None
    qtbot.keyClicks(dialog.amount.edit, "100,50")
    assert dialog.ok_button().isEnabled()
    assert f"<b>100,50{NBSP}USD</b>" in dialog.amount.preview.text()  # as it will be recorded
    dialog.details.setPlainText("IBAN UA00 0000")
    finish(qtbot, page, dialog)
    (request,) = list_withdrawals(db)
    assert (request.amount, request.currency) == (Decimal("100.50"), "USD")
    box = widgets.last_box()
    assert box is not None
    assert f"100,50{NBSP}USD" in box.text()
    box.close()


def test_ukrainian_groups_with_a_plain_or_a_non_breaking_space() -> None:
    # 1 234,56 = one thousand two hundred and thirty-four, and 56 hundredths
    assert read_amount("1 234,56", "UAH", locale="uk_UA") == Decimal("1234.56")
    assert read_amount(f"1{NBSP}234,56", "UAH", locale="uk_UA") == Decimal("1234.56")
    assert read_amount("12 345 678,9", "UAH", locale="uk_UA") == Decimal("12345678.90")
    with pytest.raises(AmountProblem, match=f"did you mean 1{NBSP}000,50"):  # English-style in Ukrainian
        read_amount("1,000.5", "UAH", locale="uk_UA")


def test_1_234_56_in_a_ukrainian_field(qtbot) -> None:
    speak("uk")
    field = AmountField("UAH")
    qtbot.addWidget(field)
    qtbot.keyClicks(field.edit, "1 234,56")
    assert field.value() == Decimal("1234.56")
    assert f"1{NBSP}234,56{NBSP}₴" in field.preview.text()


def test_a_jpy_field_refuses_decimals_and_a_kwd_field_takes_three(qtbot) -> None:
    field = AmountField("JPY")
    qtbot.addWidget(field)
    qtbot.keyClicks(field.edit, "10.5")
    assert field.value() is None
    assert field.problem() == "“10.5”: JPY amounts have no decimals"
    field.setText("1,050")
    assert field.value() == Decimal("1050")
    assert read_amount("0.125", "KWD", locale="en_US") == Decimal("0.125")
    with pytest.raises(AmountProblem, match="KWD amounts have at most 3 decimals"):
        read_amount("0.1255", "KWD", locale="en_US")
    # "1.000" may be one dollar or a thousand (a point grouping thousands elsewhere)
    with pytest.raises(AmountProblem, match=r"did you mean 1\.00 or 1,000\.00\?"):
        read_amount("1.000", "USD", locale="en_US")


@pytest.mark.parametrize(("sign", "text", "problem"), [
    (Sign.POSITIVE, "0", "enter an amount above zero"),
    (Sign.POSITIVE, "-5", "enter an amount above zero"),
    (Sign.NONZERO, "0.00", "enter an amount other than zero"),
    (Sign.NOT_NEGATIVE, "-1", "the amount cannot be negative"),
    (Sign.POSITIVE, "", "enter an amount"),
    (Sign.POSITIVE, "1e5", "“1e5” is not an amount: write it as 1,234.56"),
])
def test_signs_and_non_numbers_are_refused(sign: Sign, text: str, problem: str) -> None:
    with pytest.raises(AmountProblem) as refused:
        read_amount(text, "USD", sign, locale="en_US")
    assert str(refused.value) == problem
    assert read_amount("-5", "USD", Sign.NONZERO, locale="en_US") == Decimal("-5.00")
    assert read_amount("0", "USD", Sign.NOT_NEGATIVE, locale="en_US") == Decimal("0.00")


def test_the_usd_value_shown_is_the_services_conversion(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    page = open_agency(qtbot, db, team["admin"], "AG02")
    dialog = page.controller.correct_balance()  # an EUR agency: the correction is typed in EUR
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.amount.conversion is not None and ops.running() == 0, timeout=15_000)
    qtbot.keyClicks(dialog.amount.edit, "123.45")
    # 123.45 EUR / 0.8 EUR per USD = 154.3125 USD -> $154.31
    service = usd_conversion(db, "EUR", TODAY)(Decimal("123.45"))
    assert service == Decimal("154.31") == dialog.amount.usd_value()
    assert "worth $154.31 at today's rate" in dialog.amount.preview.text()
    assert "Recorded as <b>€123.45</b>" in dialog.amount.preview.text()
    dialog.reject()


def test_a_missing_rate_is_said_beside_the_field(qtbot, db, write_csv) -> None:
    field = AmountField("PLN")
    qtbot.addWidget(field)

    load_usd_rate(field, db)  # no PLN rate is known
    qtbot.waitUntil(lambda: bool(field.conversion_note), timeout=15_000)
    field.setText("10")
    assert "no PLN exchange rate today" in field.preview.text()
    assert field.value() == Decimal("10.00")  # the amount itself is fine


def test_qt_speaks_the_language_of_the_window(qtbot) -> None:

    speak("uk")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Скасувати"
    assert QLocale().name() == "uk_UA"
    speak("en")
    english = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(english)
    assert english.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


@settings(max_examples=300, deadline=None)
@given(minor=st.integers(min_value=-10**13, max_value=10**13), currency=st.sampled_from(["USD", "JPY", "KWD", "UAH"]),
       locale=st.sampled_from(["en_US", "uk_UA", "de_DE", "en_GB"]), plain_spaces=st.booleans())
def test_an_amount_as_the_window_writes_it_reads_back_as_itself(minor: int, currency: str, locale: str,
                                                                plain_spaces: bool) -> None:
    """What the field shows as recorded is what it records: written in any locale, read back exactly."""
    value = from_minor(minor, currency)
    text = i18n.plain_amount(value, currency, locale)
    if plain_spaces:  # typed on a keyboard: a plain space where the locale writes a non-breaking one
        text = text.replace(NBSP, " ").replace("\u202f", " ")
    sign = Sign.NONZERO if value else Sign.NOT_NEGATIVE
    if abs(value) >= 10**12:  # more than 12 integer digits: refused, as in files (domain/bounds.py)
        with pytest.raises(AmountProblem, match="more than 12 integer digits"):
            read_amount(text, currency, sign, locale)
        return
    assert read_amount(text, currency, sign, locale) == value


def test_a_ukrainian_commission_table_is_typed_the_ukrainian_way(qtbot) -> None:
    speak("uk")
    editor = LevelsEditor([])
    qtbot.addWidget(editor)
    editor.set_texts([("0", "10"), ("1 500", "12,5"), ("1,500.50", "20")])
    # the third threshold is written the English way: refused, with its Ukrainian reading
    assert editor.problems() == [f"рівень 3: від: «1,500.50» записано не так, як тут пишуть числа: ви мали на "
                                 f"увазі 1{NBSP}500,50?"]
    editor.set_texts([("0", "10"), ("1 500", "12,5")])
    assert editor.levels() == [(Decimal("0.00"), Decimal("10")), (Decimal("1500.00"), Decimal("12.5"))]


@pytest.mark.parametrize("text", ["1000000000000", "9" * 62, "1,000,000,000,000.00"])
def test_an_amount_of_more_than_12_integer_digits_is_refused_in_the_window(text: str) -> None:
    # the largest amount has 12 integer digits (domain/bounds.py), as in files and on the command line
    assert read_amount("999,999,999,999.99", "USD", locale="en_US") == Decimal("999999999999.99")
    with pytest.raises(AmountProblem, match="more than 12 integer digits"):
        read_amount(text, "USD", locale="en_US")
