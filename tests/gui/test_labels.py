"""The audit page names every action the product records, and what a record names, in words, in English
and in Ukrainian."""

from __future__ import annotations

from partner_desk import i18n
from partner_desk.gui.labels import ACTIONS, audit_object, label
from partner_desk.services import changes
from partner_desk.services.authority import USER_ACTIONS
from partner_desk.services.payout_accounts import SETTING
from partner_desk.store.queries import REPORTING_CURRENCY_KEY, STATEMENT_LANGUAGE_KEY, TIME_ZONE_KEY


def test_every_recorded_action_has_a_word() -> None:
    recorded = set(changes._TOUCHES) | set(USER_ACTIONS) | {"import", "sign_in", "statement"}
    assert sorted(a for a in recorded if a not in ACTIONS) == []
    locale = i18n.current_locale()
    try:
        i18n.setup("uk_UA")
        assert label(ACTIONS, "withdraw.paid_batch") == "пакет виплат позначено виплаченим"
        assert all(label(ACTIONS, a) != ACTIONS[a] for a in recorded), "an action without a Ukrainian word"
    finally:
        i18n.setup(locale)


def test_what_an_audit_record_names_reads_in_the_windows_words(ukrainian: None) -> None:
    assert audit_object("withdraw.approve", "withdrawal:12") == "заявка на виведення № 12"
    assert audit_object("import", "payments:march.csv") == "Платежі: march.csv"
    assert [audit_object("settings", key) for key in (SETTING, TIME_ZONE_KEY, STATEMENT_LANGUAGE_KEY,
                                                       REPORTING_CURRENCY_KEY)] == [
        "рахунок компанії для виплат", "часовий пояс компанії", "типова мова виписок", "валюта звітності"]
    # codes, periods and user names as stored; nothing as nothing
    assert [audit_object(a, o) for a, o in (("correct", "AG01"), ("accrue.post", "2026-10"),
                                            ("pay_project", "AG01:PRJ-1"), ("users.add", "olena"),
                                            ("sign_in", None))] == ["AG01", "2026-10", "AG01:PRJ-1", "olena", ""]


def test_an_audit_records_object_in_english(ukrainian: None) -> None:
    i18n.setup("en_US")
    assert audit_object("withdraw.cancel", "withdrawal:5") == "withdrawal 5"
    assert audit_object("import", "rates:rates.csv") == "Exchange rates: rates.csv"
    assert audit_object("settings", "payout account") == "the company's payout account"
