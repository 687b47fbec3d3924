"""Users, sign-in and set-up mode (SPEC section 8). Passwords are stored only as Argon2id hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services import audit
from partner_desk.services.guard import Refused, refused, require
from partner_desk.store.engine import Database
from partner_desk.store.models import User

SETUP_ACTOR = SETUP
ANONYMOUS = Actor("(not signed in)", None)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()  # Argon2id with argon2-cffi's recommended cost
_dummy_hash: list[str] = []


@dataclass(frozen=True, slots=True)
class UserView:
    name: str
    role: Role
    active: bool
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.label, "active": self.active,
                "created_at": self.created_at.isoformat().replace("+00:00", "Z")}


def in_setup_mode(db: Database) -> bool:
    with db.read() as session:
        return session.scalar(select(User.id).limit(1)) is None


def sign_in(db: Database, name: str, password: str) -> Actor:
    """The actor for a name and password; a failed sign-in is refused and recorded.

    An unknown name costs one hash check too, so the answer's timing does not tell which names exist.
    """
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == name))
    ok = False
    stored = user.password_hash if user is not None and user.active else _dummy()
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        error = Refused(f"sign-in failed for '{name}': unknown user or wrong password")
        refused(db, Actor(name, None), "sign_in", name, error)
        raise error
    return Actor(user.name, Role.parse(user.role))


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("not a password of anyone"))
    return _dummy_hash[0]


def add_user(db: Database, actor: Actor, name: str, role: Role | str, password: str) -> Actor:
    """Add a user (admin only). In set-up mode the first user must be an admin."""
    require(db, actor, "users.add", name)  # the set-up actor passes only while there are no users
    try:
        role = role if isinstance(role, Role) else _role(role)
        if not _NAME.match(name):
            raise UserError(f"'{name}' is not a user name (letters, digits, '.', '_', '-', '@'; up to 64)")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"the password is too short: at least {MIN_PASSWORD} characters")
        if actor.in_setup and role is not Role.ADMIN:
            raise UserError("the database has no users yet: the first user must be an admin")
        hashed = _hasher.hash(password)
        with db.write() as session:
            # set-up mode ends with the first user: re-check inside the write transaction
            if actor.in_setup and session.scalar(select(User.id).limit(1)) is not None:
                raise Refused("the database already has users: sign in as an admin to add one")
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise UserError(f"user '{name}' already exists")
            session.add(User(name=name, role=role.label, password_hash=hashed))
            audit.record(session, actor, "users.add", name, after={"name": name, "role": role.label})
    except UserError as exc:
        refused(db, actor, "users.add", name, exc)
        raise
    return Actor(name, role)


def list_users(db: Database) -> list[UserView]:
    """Every user, by name; never a password hash."""
    with db.read() as session:
        return [UserView(u.name, Role.parse(u.role), u.active, u.created_at)
                for u in session.scalars(select(User).order_by(User.name))]


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None
