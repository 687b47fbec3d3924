"""The audit page names every action the product records in words, in English and in Ukrainian."""

from __future__ import annotations

from partner_desk import i18n
from partner_desk.gui.labels import ACTIONS, label
from partner_desk.services import changes
from partner_desk.services.authority import USER_ACTIONS


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
