"""Refusals are codes with typed values; one catalog writes them. The command line, `--json` and the
audit trail keep their English wording; a Ukrainian window reads every refusal in Ukrainian, with no
English word left in it, its amounts, days and numbers in Ukrainian formats."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from partner_desk import i18n
from partner_desk.domain.languages import Language
from partner_desk.domain.ledger import Position, check_amount, correction_refusals, spend_refusals
from partner_desk.domain.money import Money
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Code, Dollars, Figure, Minute, Refusal, Said, Stored
from partner_desk.domain.roles import Action, Actor, Role, role_refusal
from partner_desk.domain.withdrawals import THRESHOLD_USD, Status, withdrawal_refusals
from partner_desk.refusal_text import (
    ACTION_WORDS,
    ROLE_NAMES,
    STATUS_NAMES,
    TEMPLATES,
    Refused,
    english,
    listed,
    shown,
    shown_error,
)

# a value of each kind a template names, none of them written with Latin letters, so that any Latin
# letter in a refusal shown in Ukrainian came from an untranslated word
SAMPLES: dict[str, Any] = {
    "user": "олена", "requested_by": "борис", "role": Role.MANAGER, "needed": Role.FINANCE,
    "action": Action.WITHDRAW_APPROVE, "amount": Money.of(Decimal("1234.5"), "UAH"),
    "available": Money.of(Decimal("-10"), "UAH"), "currency": "UAH", "digits": 2,
    "day": date(2025, 4, 15), "today": date(2025, 4, 15), "worth": Dollars(Decimal("99.5")),
    "minimum": Dollars(THRESHOLD_USD), "request": 7, "status": Status.PAID, "project": "П-1",
    "agency": "АГ01", "period": Period(2025, 4), "first": Period(2025, 1), "next": Period(2025, 2),
    "max": 200, "char": "U+0007", "code": "ГРН",
    "text": "сто", "fixed": "100.50", "last": date(2099, 12, 31), "value": "#Н/Д", "min": "0.000001",
    "percent": "12,5", "zone": "Європа/Київ", "latest": date(2025, 4, 16),
    "id": "ПЛ-7", "row": 12, "name": "Сонце", "manager": "олена", "moment": datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
    "since": datetime(2025, 1, 1, tzinfo=UTC), "service": "підписка", "kinds": "підписка, номери",
    "payment": "ПЛ-1", "other": "АГ02", "rate": Decimal("41.25"), "threshold": Decimal("5000"), "level": 2,
    "column": "поріг", "problem": Refusal("cell_empty"), "benefit": 3, "detail": Said("invalid start byte"),
    "n": 4, "path": "/дані/платежі.ткст", "file": "платежі.ткст", "suffix": ".ткст", "language": Language("uk"),
    "what": Refusal("payout_date"), "iban": "ЮА21 3223", "folder": "/дані",
    "method": "банківський переказ", "wanted": "PayPal", "emails": "а@пошта.укр", "count": 2, "ids": "3, 4",
    "batch": 2, "shown": Status.PENDING,
    "event": Refusal("event_corrected", {"user": "олена"}), "url": "база.дб", "revision": "0099", "reference": "Р-1",
    "rates": "ГРН на 20.11.2026",
    # what `audit --verify` names: stored codes by their names, stored values as the window writes them
    "record": 12, "found": Decimal("12.3456"), "expected": Decimal("12.3465"), "expected_records": 42, "position": 42,
    "posted": 6, "accrual": Refusal("row_id", {"id": 3}), "audit_action": Code("action", "withdraw.request"),
    "up_to": Refusal("row_id", {"id": 9}), "end": Refusal("nothing"), "entries": Refusal("no_entries"),
    "due": Refusal("entry", {"kind": Code("entry", "withdrawal_hold"), "figure": Figure(Decimal("-50"), "UAH")}),
    "fields": listed([Code("field", "kind"), Code("field", "sha256")]), "kind": Code("entry", "payout"),
    "figure": Figure(Decimal("1234.5"), "UAH"), "total": Money.of(Decimal("0"), "UAH"),
    "recorded": Stored("approved", "status"), "field": Code("field", "usd_amount"),
    "until": Minute(datetime(2026, 11, 18, 9, 15, tzinfo=UTC)),
}
# what may stay Latin: a currency code written beside an amount, a character's Unicode name, the
# product's name, a file format or encoding, the banks' names of an account (IBAN, SEPA, BIC), and the codes
# and column names a file is written with
CURRENCY_CODE = re.compile(r"\b[A-Z]{3}\b|U\+[0-9A-F]{4}|Partner Desk|XLSX|UTF-8|ZIP|NUL|PayPal|IBAN|SEPA|Excel"
                           r"|\.csv|\.xlsx|\.pdf|\buk\b|\ben\b|connected_at")


def _sample(code: str) -> Refusal:
    names = {name for _text, name, _spec, _conv in string.Formatter().parse(TEMPLATES[code]) if name}
    return Refusal(code, {name: SAMPLES[name] for name in names})


def _latin(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", CURRENCY_CODE.sub("", text))


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_refusal_reads_in_ukrainian_with_no_english_word(ukrainian: None, code: str) -> None:
    refusal = _sample(code)
    text = shown(refusal)
    assert _latin(text) == [], (code, text)
    assert "{" not in text, (code, text)
    assert text != english(refusal)


def test_the_words_a_refusal_names_are_translated(ukrainian: None) -> None:
    for words in (ACTION_WORDS, ROLE_NAMES, STATUS_NAMES):
        for english_words in words.values():
            assert _latin(i18n._(english_words)) == [], english_words
    assert set(ACTION_WORDS) == set(Action)  # every action has its words


def test_values_are_written_in_the_windows_formats(ukrainian: None) -> None:
    nbsp = "\xa0"
    text = shown(Refusal("more_than_available", {"amount": Money.of(Decimal("1234.5"), "UAH"),
                                                 "available": Money.of(Decimal("100"), "UAH")}))
    assert f"1{nbsp}234,50{nbsp}₴" in text
    assert f"100,00{nbsp}₴" in text
    # an amount with too many decimals keeps them, with a decimal comma
    assert "10,555" in shown(check_amount(Decimal("10.555"), "UAH")[0])
    assert "15.04.2025" in shown(Refusal("no_rate_to_value", {"currency": "PLN", "day": date(2025, 4, 15)}))


def test_the_command_line_keeps_its_english_wording_whatever_the_window_speaks(ukrainian: None) -> None:
    anna = Actor("anna", Role.MANAGER)
    role = role_refusal(anna, Action.CORRECT)
    assert role is not None
    assert english(role) == "anna (manager) may not correct balances: it needs the admin role"
    # hand-computed: 250.00 available, 300.00 asked
    pos = Position("USD", Decimal("250.00"), Decimal("0"))
    assert [english(r) for r in spend_refusals(pos, Decimal("300.00"))] == [
        "300.00 USD is more than the available balance 250.00 USD"]
    # -40.00 + (-20.00) would leave -60.00 available
    negative = Position("USD", Decimal("-40.00"), Decimal("0"))
    assert english(correction_refusals(negative, Decimal("-20.00"))[0]).startswith("a correction of -20.00 USD")
    assert english(check_amount(Decimal("1e13"), "USD")[0]) == (
        "the amount '10000000000000' has more than 12 integer digits")
    reasons = withdrawal_refusals(offer_accepted_on=None, available=Decimal("50.00"), currency="USD",
                                  rate=Decimal(1), today=date(2025, 4, 15))
    # $50.00 is not more than $100.00, and no offer was accepted
    assert [english(r) for r in reasons] == ["the partner offer has not been accepted",
                                             "the available balance is worth $50.00, not more than $100.00"]


def test_an_error_dialog_shows_a_refusal_in_the_windows_language(ukrainian: None) -> None:
    anna = Actor("anna", Role.MANAGER)
    role = role_refusal(anna, Action.WITHDRAW_APPROVE)
    assert role is not None
    error = Refused(role, prefix=Refusal("cannot_approve", {"request": 7}))
    assert str(error).startswith("withdrawal 7 cannot be approved: anna (manager) may not approve withdrawals")
    dialog = shown_error(error)
    assert _latin(dialog.replace("anna", "")) == [], dialog
    assert dialog.startswith(i18n._(TEMPLATES["cannot_approve"]).format(request=7))
