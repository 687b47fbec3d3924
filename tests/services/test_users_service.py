"""Users, set-up mode and sign-in (SPEC section 8)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.guard import Refused
from partner_desk.services.users import ANONYMOUS, add_user, deactivate, in_setup_mode, list_users, sign_in
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, User


def records(db: Database) -> list[tuple[str | None, str, str | None, str, str | None]]:
    with db.read() as s:
        return [(r.user_name, r.action, r.object, r.outcome, r.message)
                for r in s.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_the_first_user_must_be_an_admin(db: Database) -> None:
    assert in_setup_mode(db)
    with pytest.raises(UserError, match="the database has no users yet: the first user must be an admin"):
        add_user(db, SETUP, "olena", "manager", "long enough")
    assert in_setup_mode(db)
    admin = add_user(db, SETUP, "root", "admin", "long enough")
    assert admin == Actor("root", Role.ADMIN)
    assert not in_setup_mode(db)
    assert records(db) == [
        (None, "users.add", "olena", "refused", "the database has no users yet: the first user must be an admin"),
        (None, "users.add", "root", "ok", None),
    ]


def test_set_up_mode_ends_with_the_first_user(db: Database) -> None:
    add_user(db, SETUP, "root", "admin", "long enough")
    with pytest.raises(Refused, match=r"the database has users now: sign in \(--user NAME\) to add users"):
        add_user(db, SETUP, "second", "admin", "long enough")


def test_only_admins_add_users(db: Database) -> None:
    root = add_user(db, SETUP, "root", "admin", "long enough")
    fin = add_user(db, root, "fin", "finance", "long enough")
    with pytest.raises(Refused, match=r"fin \(finance\) may not add users: it needs the admin role"):
        add_user(db, fin, "petro", "manager", "long enough")
    with pytest.raises(Refused, match="not signed in"):
        add_user(db, ANONYMOUS, "petro", "manager", "long enough")
    assert [u.name for u in list_users(db, root)] == ["fin", "root"]


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("bad name", "manager", "long enough", "'bad name' is not a user name"),
        ("petro", "boss", "long enough", "'boss' is not a role (manager, finance or admin)"),
        ("petro", "manager", "short", "the password is too short: at least 8 characters"),
        ("root", "manager", "long enough", "user 'root' already exists"),
    ],
)
def test_bad_users_are_refused_and_recorded(db: Database, name: str, role: str, password: str,
                                            message: str) -> None:
    root = add_user(db, SETUP, "root", "admin", "long enough")
    with pytest.raises(UserError) as caught:
        add_user(db, root, name, role, password)
    assert message in str(caught.value)
    assert [u.name for u in list_users(db, root)] == ["root"]
    assert records(db)[-1][:4] == ("root", "users.add", name, "refused")
    assert len(records(db)) == 2


def test_passwords_are_stored_only_as_argon2id_hashes(db: Database) -> None:
    add_user(db, SETUP, "root", "admin", "s3cret password")
    with db.read() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "s3cret" not in stored


def test_sign_in(db: Database) -> None:
    add_user(db, SETUP, "root", "admin", "s3cret password")
    assert sign_in(db, "root", "s3cret password") == Actor("root", Role.ADMIN)
    for name, password in (("root", "wrong password"), ("nobody", "s3cret password")):
        with pytest.raises(Refused, match=f"sign-in failed for '{name}': unknown user or wrong password"):
            sign_in(db, name, password)
    assert [r[:4] for r in records(db)[1:]] == [("root", "sign_in", "root", "refused"),
                                                ("nobody", "sign_in", "nobody", "refused")]


def test_an_inactive_user_cannot_sign_in(db: Database) -> None:
    root = add_user(db, SETUP, "root", "admin", "s3cret password")
    add_user(db, root, "olena", "manager", "another password")
    deactivate(db, root, "olena")
    with pytest.raises(Refused, match="sign-in refused: the account 'olena' is deactivated"):
        sign_in(db, "olena", "another password")
    # with a wrong password it says no more than for anyone else
    with pytest.raises(Refused, match="sign-in failed for 'olena': unknown user or wrong password"):
        sign_in(db, "olena", "wrong password")
