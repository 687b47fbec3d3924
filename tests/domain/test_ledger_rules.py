"""Ledger positions, withdrawal conditions, reward levels, roles, and the purity of the domain."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import partner_desk.domain as domain_package
from partner_desk.domain.ledger import position
from partner_desk.domain.rewards import RewardLevel, RewardSchedule
from partner_desk.domain.roles import NEEDS, SETUP, Actor, Role
from partner_desk.domain.withdrawals import withdrawal_refusals
from partner_desk.refusal_text import in_english


def test_position_sums_money_entries_and_earmarks_holds() -> None:
    pos = position("EUR", [
        ("accrual", Decimal("300.00")),
        ("project_payment", Decimal("-50.00")),
        ("withdrawal_hold", Decimal("-100.00")),
        ("correction", Decimal("5.00")),
    ])
    # balance = 300 - 50 + 5 = 255; held 100; available = 155
    assert pos.balance == Decimal("255.00")
    assert pos.held == Decimal("100.00")
    assert pos.available == Decimal("155.00")


def test_released_hold_frees_the_money_and_a_payout_spends_it() -> None:
    pos = position("USD", [
        ("accrual", Decimal("300.00")),
        ("withdrawal_hold", Decimal("-100.00")),
        ("withdrawal_hold", Decimal("-50.00")),
        ("hold_release", Decimal("50.00")),  # the second request was rejected
        ("hold_release", Decimal("100.00")),  # the first one was paid out:
        ("payout", Decimal("-100.00")),
    ])
    assert pos.balance == Decimal("200.00")
    assert pos.held == Decimal("0")
    assert pos.available == Decimal("200.00")


def test_refund_reversal_can_make_the_balance_negative() -> None:
    pos = position("USD", [("accrual", Decimal("10.00")), ("refund_reversal", Decimal("-25.00"))])
    assert pos.available == Decimal("-15.00")


def reasons(available: str, rate: str | None = "1", accepted: date | None = date(2026, 1, 1),
            currency: str = "USD") -> list[str]:
    return in_english(withdrawal_refusals(
        offer_accepted_on=accepted, available=Decimal(available), currency=currency,
        rate=Decimal(rate) if rate is not None else None, today=date(2026, 2, 1),
    ))


def test_withdrawal_needs_strictly_more_than_100_dollars() -> None:
    assert reasons("100.01") == []
    assert reasons("100.00") == ["the available balance is worth $100.00, not more than $100.00"]


def test_a_negative_available_balance_is_shown_with_its_sign_before_the_dollar() -> None:
    # -41.00 UAH at 41 per USD = -$1.00
    assert reasons("-41.00", "41", currency="UAH") == [
        "the available balance is worth -$1.00, not more than $100.00"
    ]


def test_withdrawal_threshold_is_valued_at_todays_rate() -> None:
    # 4100.00 UAH at 41 per USD = $100.00 exactly: not more than $100
    assert reasons("4100.00", "41", currency="UAH") == [
        "the available balance is worth $100.00, not more than $100.00"
    ]
    # 4100.41 UAH = $100.01
    assert reasons("4100.41", "41", currency="UAH") == []


def test_withdrawal_names_every_failing_condition() -> None:
    assert reasons("50.00", accepted=None) == [
        "the partner offer has not been accepted",
        "the available balance is worth $50.00, not more than $100.00",
    ]
    # an acceptance dated after today has not happened yet
    assert reasons("500.00", accepted=date(2026, 2, 2)) == ["the partner offer has not been accepted"]
    assert reasons("500.00", rate=None, currency="UAH") == [
        "no UAH exchange rate on or before 2026-02-01 to value the balance in USD"
    ]


def test_reward_levels_are_cumulative() -> None:
    schedule = RewardSchedule([
        RewardLevel(Decimal("3000"), ("events",)),
        RewardLevel(Decimal("200"), ("case study", "recommendation")),
    ])
    assert schedule.benefits(Decimal("199.99")) == []
    assert schedule.benefits(Decimal("200")) == ["case study", "recommendation"]
    assert schedule.benefits(Decimal("3000")) == ["case study", "recommendation", "events"]
    first = RewardLevel(Decimal("200"), ("case study", "recommendation"))
    assert schedule.next_level(Decimal("199.99")) == first
    assert schedule.next_level(Decimal("200")) == RewardLevel(Decimal("3000"), ("events",))
    assert schedule.next_level(Decimal("3000")) is None


def test_default_reward_levels_are_200_and_3000() -> None:
    schedule = RewardSchedule()
    assert [lv.min_reward_usd for lv in schedule.levels] == [Decimal("200"), Decimal("3000")]


def test_each_role_may_do_everything_the_one_before_may() -> None:
    manager, finance, admin = (Actor("m", Role.MANAGER), Actor("f", Role.FINANCE), Actor("a", Role.ADMIN))
    assert manager.may(NEEDS["pay_project"])
    assert manager.may(NEEDS["withdraw.request"])
    assert not manager.may(NEEDS["import"])
    assert not manager.may(NEEDS["accrue.post"])
    assert finance.may(NEEDS["withdraw.approve"])
    assert finance.may(NEEDS["pay_project"])
    assert not finance.may(NEEDS["correct"])
    assert not finance.may(NEEDS["users.add"])
    assert all(admin.may(needed) for needed in NEEDS.values())
    assert not Actor("nobody", None).may(Role.MANAGER)
    assert SETUP.in_setup
    assert SETUP.may(Role.ADMIN)


def test_role_parse() -> None:
    assert Role.parse(" Finance ") is Role.FINANCE
    with pytest.raises(ValueError, match="'boss' is not a role"):
        Role.parse("boss")


def test_the_domain_imports_no_qt_sqlalchemy_or_io_libraries() -> None:
    forbidden = {"PySide6", "sqlalchemy", "alembic", "openpyxl", "xlsxwriter", "sqlite3", "psycopg"}
    folder = Path(domain_package.__file__).parent
    offenders = []
    for source in sorted(folder.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{source.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert offenders == []
