"""The demo data set's people and money moves: every role signs in, every withdrawal state is there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor, Role
from partner_desk.services.balances import balances
from partner_desk.services.demo import build_demo
from partner_desk.services.demo_money import add_people_and_money, demo_password
from partner_desk.services.setup import init_database
from partner_desk.services.users import list_users, sign_in
from partner_desk.services.verify import check
from partner_desk.services.withdrawals import list_withdrawals
from partner_desk.store.engine import Database
from partner_desk.store.models import LedgerEntry
from tests.fixed_clock import clock_at

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('demo_money') / 'demo.db'}")
    init_database(database)
    with clock_at("2026-11-28T09:00"):
        summary = build_demo(database)
    yield database, summary
    database.dispose()


def test_every_role_signs_in_with_its_demo_password(demo: tuple[Database, str]) -> None:
    db, _ = demo
    for name, role in (("admin", Role.ADMIN), ("finance", Role.FINANCE), ("olena", Role.MANAGER),
                       ("petro", Role.MANAGER)):
        assert sign_in(db, name, demo_password(name)) == Actor(name, role)
    assert demo_password("olena") == "partner-demo"


def test_the_demo_people_have_display_names(demo: tuple[Database, str]) -> None:
    db, _ = demo
    shown = {view.name: view.display_name for view in list_users(db, Actor("admin", Role.ADMIN))}
    assert shown == {"admin": "Taras Bondarenko", "finance": "Oksana Melnyk", "olena": "Olena Kovalenko",
                     "petro": "Petro Shevchuk"}


def test_withdrawals_in_every_state_decided_by_someone_else(demo: tuple[Database, str]) -> None:
    db, summary = demo
    found = list_withdrawals(db)
    assert sorted(v.status for v in found) == ["approved", "cancelled", "paid", "pending", "rejected"]
    for view in found:
        assert view.requested_by in ("olena", "petro")
        if view.status in ("approved", "paid", "rejected"):
            assert view.decided_by == "finance"
        if view.status == "paid":
            assert view.paid_by == "admin"
            assert view.payout_reference
            assert view.paid_on == TODAY
    assert "5 withdrawals (paid, approved, pending, rejected, cancelled)" in summary


def test_project_payments_and_a_correction_went_through_the_ledger(demo: tuple[Database, str]) -> None:
    db, summary = demo
    with db.read() as s:
        paid = list(s.scalars(select(LedgerEntry).where(LedgerEntry.kind == "project_payment")))
        corrections = list(s.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction")))
    assert len(paid) == 3
    assert "3 project payments" in summary
    for entry in paid:
        assert entry.amount_minor < 0
        assert entry.project_id
        assert entry.project_amount_minor
        assert entry.user_name in ("olena", "petro")
    assert [(c.user_name, c.note) for c in corrections] == [("admin", "goodwill credit for a late statement")]
    # nothing the demo did left an available balance below zero, and the trail is intact
    assert all(b.position.available >= 0 for b in balances(db, as_of=TODAY))
    with db.read() as session:
        result = check(session)
    assert result.problems == []
    assert result.head.count > 0


def test_the_people_go_only_into_a_database_without_users(demo: tuple[Database, str]) -> None:
    db, _ = demo
    with pytest.raises(UserError, match="the demo users go only into a database without users"):
        add_people_and_money(db, TODAY)
