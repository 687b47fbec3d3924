"""Passwords: Argon2id with its parameters inside the hash, made again when the parameters change;
the rules a new password follows; a role or deactivation counts at the user's next action."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services import ledger, sign_in, users
from partner_desk.services.audit_trail import records
from partner_desk.services.guard import Refused
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from partner_desk.store.models import User
from tests.services.money_world import credit, populate


def stored_hash(db: Database, name: str) -> str:
    with db.read() as s:
        found = s.scalar(select(User.password_hash).where(User.name == name))
    assert found is not None
    return found


def test_the_products_own_cost_is_argon2id_with_its_parameters_in_the_hash(db: Database,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sign_in, "HASHER", PasswordHasher())  # what the product uses outside the tests
    users.add_user(db, SETUP, "root", Role.ADMIN, "a long pass phrase")
    stored = stored_hash(db, "root")
    # RFC 9106's second recommendation, as argon2-cffi applies it: 64 MiB, 3 passes, 4 lanes
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert users.sign_in(db, "root", "a long pass phrase") == Actor("root", Role.ADMIN)


def test_a_hash_made_with_older_parameters_is_made_again_at_sign_in(db: Database,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    users.add_user(db, SETUP, "root", Role.ADMIN, "a long pass phrase")  # made at the cheap test cost
    old = stored_hash(db, "root")
    assert old.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(sign_in, "HASHER", stronger)
    assert users.sign_in(db, "root", "a long pass phrase") == Actor("root", Role.ADMIN)
    new = stored_hash(db, "root")
    assert new.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert new != old
    trail = records(db, Actor("root", Role.ADMIN))
    assert (trail[0]["action"], trail[0]["after"]["password"]) == ("users.rehash", sign_in.password_digest(new))
    # signing in again changes nothing: the hash is current
    users.sign_in(db, "root", "a long pass phrase")
    assert stored_hash(db, "root") == new
    assert len(records(db, Actor("root", Role.ADMIN))) == len(trail)
    with db.read() as s:
        assert check(s).problems == []


@pytest.mark.parametrize(("name", "password", "message"), [
    ("olena", "short", "the password is too short: at least 8 characters"),
    ("olena", "Olena-2026!", "the password is the user name 'olena' with digits or signs: choose another"),
    ("olena", "12-OLENA-34", "the password is the user name 'olena' with digits or signs: choose another"),
])
def test_a_new_password_is_long_enough_and_more_than_the_name(db: Database, name: str, password: str,
                                                                     message: str) -> None:
    root = users.add_user(db, SETUP, "root", Role.ADMIN, "a long pass phrase")
    with pytest.raises(UserError, match=message):
        users.add_user(db, root, name, Role.MANAGER, password)
    users.add_user(db, root, name, Role.MANAGER, "kyiv-in-spring")
    with pytest.raises(UserError, match=message):
        users.change_password(db, root, name, password)


def test_ones_own_password_needs_the_current_one(db: Database) -> None:
    root = users.add_user(db, SETUP, "root", Role.ADMIN, "a long pass phrase")
    olena = users.add_user(db, root, "olena", Role.MANAGER, "kyiv-in-spring")
    with pytest.raises(UserError, match="the current password is wrong: the password was not changed"):
        users.change_password(db, olena, "olena", "lviv-in-autumn", "not it")
    users.change_password(db, olena, "olena", "lviv-in-autumn", "kyiv-in-spring")
    assert users.sign_in(db, "olena", "lviv-in-autumn") == olena
    with pytest.raises(Refused, match=r"olena \(manager\) may not set other users' passwords"):
        users.change_password(db, olena, "root", "lviv-in-autumn")


def test_an_open_window_follows_a_new_role_and_a_deactivation_at_its_next_action(db: Database) -> None:

    populate(db)  # a1, a2 admins; m1 a manager ... (tests/services/money_world.py)
    credit(db, "AG01", "100.00")
    a1 = Actor("a1", Role.ADMIN)
    window = Actor("a2", Role.ADMIN)  # a2 signed in as an admin, the window still says so
    users.set_role(db, a1, "a2", Role.MANAGER)
    with pytest.raises(Refused, match=r"a2 \(manager\) may not correct balances: it needs the admin role"):
        ledger.correct(db, window, "AG01", "1.00", "still admin?")
    assert users.current(db, window) == Actor("a2", Role.MANAGER)
    users.deactivate(db, a1, "m1")
    with pytest.raises(Refused, match="m1 may not pay projects: the account is deactivated"):
        ledger.pay_project(db, Actor("m1", Role.MANAGER), "AG01", "P-EUR", "1.00")
    assert users.current(db, Actor("m1", Role.MANAGER)) is None
