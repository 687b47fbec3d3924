"""What a change touched, told from its audit record."""

from __future__ import annotations

from partner_desk.services.changes import EVERYTHING, Area, areas_of


def test_a_posting_touches_accruals_ledger_and_agencies() -> None:
    assert areas_of("accrue.post", "2026-11") == {Area.ACCRUALS, Area.LEDGER, Area.AGENCIES, Area.PAYMENTS,
                                                 Area.AUDIT}


def test_an_import_touches_what_its_kind_holds() -> None:
    assert areas_of("import", "rates:rates.csv") == {Area.RATES, Area.AGENCIES, Area.ACCRUALS, Area.WITHDRAWALS,
                                                    Area.AUDIT}
    assert areas_of("import", "agencies:a.xlsx") == {Area.AGENCIES, Area.AUDIT}


def test_a_refusal_changes_only_the_trail() -> None:
    assert areas_of("withdraw.approve", "withdrawal:3", outcome="refused") == {Area.AUDIT}


def test_user_changes_touch_users() -> None:
    assert areas_of("users.role", "olena") == {Area.USERS, Area.AUDIT}


def test_an_unknown_action_touches_everything() -> None:
    assert areas_of("something.new") == EVERYTHING
