"""Users (SPEC section 8): set-up mode, adding, deactivating and activating users, roles, passwords,
unlocking; the last active admin stays. Signing in: `sign_in`.

Each change writes its audit record with the user's role, state and a digest of the password hash
as they are after it, so `audit --verify` can tell a change made behind the product's back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partner_desk import refusal_text
from partner_desk.domain.accounts import admin_change_refusal, name_refusal, password_refusal
from partner_desk.domain.bounds import text_problem
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import SETUP, Action, Actor, Role, role_text
from partner_desk.refusal_text import read
from partner_desk.services import audit
from partner_desk.services.authority import password_digest, standing
from partner_desk.services.guard import Refused, checked, guarded, require
from partner_desk.services.sign_in import check_password, hash_password, lock_state, sign_in
from partner_desk.store.engine import Database
from partner_desk.store.models import User
from partner_desk.store.types import utc_now

__all__ = ["ANONYMOUS", "SETUP_ACTOR", "UserView", "activate", "add_user", "change_password", "current",
           "deactivate", "in_setup_mode", "list_users", "set_role", "sign_in", "unlock"]

SETUP_ACTOR = SETUP
ANONYMOUS = Actor("(not signed in)", None)


@dataclass(frozen=True, slots=True)
class UserView:
    name: str
    role: Role
    active: bool
    created_at: datetime
    locked_until: datetime | None = None
    display_name: str | None = None  # the window's; `users list` keeps its shape

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.label, "active": self.active,
                "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
                "locked_until": None if self.locked_until is None
                else self.locked_until.isoformat().replace("+00:00", "Z")}


def display_problem(display_name: str) -> Refusal | None:
    """Why a display name cannot be: too long or holding a control character."""
    problem = text_problem(display_name)
    return Refusal("display_name", {"problem": problem}) if problem else None


def in_setup_mode(db: Database) -> bool:
    with db.read() as session:
        return session.scalar(select(User.id).limit(1)) is None


def state(user: User) -> dict[str, Any]:
    """A user as the audit trail records it (the display name when there is one)."""
    found = {"name": user.name, "role": role_text(user.role), "active": bool(user.active),
             "password": password_digest(user.password_hash)}
    if user.display_name:
        found["display_name"] = user.display_name
    return found


def add_user(db: Database, actor: Actor, name: str, role: Role | str, password: str,
             display_name: str | None = None) -> Actor:
    """Add a user (admin only), with the name the window shows for them if given. In set-up mode the
    first user must be an admin."""
    # the set-up actor passes only while there are no users; the password is hashed before the write
    # transaction opens, so the database is not held while Argon2 works
    with checked(db, actor, Action.USERS_ADD, name):
        role = role if isinstance(role, Role) else _role(role)
        display_name = (display_name or "").strip() or None
        problem = name_refusal(name) or password_refusal(name, password) or (
            display_problem(display_name) if display_name is not None else None)
        if problem:
            raise refusal_text.Refused(problem)
        if actor.in_setup and role is not Role.ADMIN:
            raise refusal_text.Refused(Refusal("first_user_admin"))
        hashed = hash_password(password)
        with db.write() as session:
            # set-up mode ends with the first user: re-check inside the write transaction
            if actor.in_setup and session.scalar(select(User.id).limit(1)) is not None:
                raise Refused(Refusal("has_users"))
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise refusal_text.Refused(Refusal("user_exists", {"user": name}))
            user = User(name=name, role=role.label, password_hash=hashed, active=True, created_at=utc_now(),
                        display_name=display_name)
            audit.record(session, actor, Action.USERS_ADD, name, after=state(user))
            session.add(user)
    return Actor(name, role)


# validates a change to a user and returns the columns it sets
Change = Callable[[Session, User], dict[str, Any]]


def _change(db: Database, actor: Actor, action: Action, name: str, apply: Change) -> UserView:
    """One change to one user, in one transaction, recorded with the user's state before and after."""
    with guarded(db, actor, action, name) as act:
        session = act.session
        user = session.scalar(select(User).where(User.name == name).with_for_update())
        if user is None:
            raise refusal_text.Refused(Refusal("no_user", {"user": name}))
        before = state(user)
        changes = apply(session, user)
        after = {**before, **{k: v for k, v in changes.items() if k in ("role", "active")}}
        if "password_hash" in changes:
            after["password"] = password_digest(changes["password_hash"])
        # recorded before it is stored: a change to oneself (a role, the account) is allowed by the
        # state the action began in
        act.record(before=before, after=after)
        for key, value in changes.items():
            setattr(user, key, value)
        session.flush()
        return _view(session, user)


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)
                              .where(User.role == Role.ADMIN, User.active.is_(True))) or 0)


def _guard_admins(session: Session, user: User, new_role: Role | None, new_active: bool | None) -> None:
    problem = admin_change_refusal(user.name, Role.parse(user.role), bool(user.active), new_role, new_active,
                                   _active_admins(session))
    if problem:
        raise refusal_text.Refused(problem)


def deactivate(db: Database, actor: Actor, name: str) -> UserView:
    """Deactivate a user (admin): they can no longer sign in, and an open window of theirs is
    refused at its next action. The last active admin stays."""
    def apply(session: Session, user: User) -> dict[str, Any]:
        if not user.active:
            raise refusal_text.Refused(Refusal("deactivated_already", {"user": name}))
        _guard_admins(session, user, None, False)
        return {"active": False}

    return _change(db, actor, Action.USERS_DEACTIVATE, name, apply)


def activate(db: Database, actor: Actor, name: str) -> UserView:
    """Let a deactivated user sign in again (admin)."""
    def apply(_session: Session, user: User) -> dict[str, Any]:
        if user.active:
            raise refusal_text.Refused(Refusal("active_already", {"user": name}))
        return {"active": True}

    return _change(db, actor, Action.USERS_ACTIVATE, name, apply)


def set_role(db: Database, actor: Actor, name: str, role: Role | str) -> UserView:
    """Give a user another role (admin); it counts from their next action. The last active admin stays."""
    wanted = role if isinstance(role, Role) else _role(role)

    def apply(session: Session, user: User) -> dict[str, Any]:
        if user.role is wanted:
            raise refusal_text.Refused(Refusal("role_already", {"user": name, "role": wanted}))
        _guard_admins(session, user, wanted, None)
        return {"role": wanted.label}

    return _change(db, actor, Action.USERS_ROLE, name, apply)


def change_password(db: Database, actor: Actor, name: str, new_password: str,
                    old_password: str | None = None) -> UserView:
    """A new password: anyone for themselves, with their current password; an admin for anyone else."""
    own = actor.signed_in and actor.name == name
    action = Action.USERS_OWN_PASSWORD if own else Action.USERS_PASSWORD
    problem = password_refusal(name, new_password)
    hashed = hash_password(new_password) if problem is None else ""

    def apply(_session: Session, user: User) -> dict[str, Any]:
        if own and (old_password is None or not check_password(user.password_hash, old_password)):
            raise refusal_text.Refused(Refusal("wrong_current_password"))
        if problem:
            raise refusal_text.Refused(problem)
        return {"password_hash": hashed}

    return _change(db, actor, action, name, apply)


def unlock(db: Database, actor: Actor, name: str) -> UserView:
    """Lift the lock that repeated failed sign-ins put on an account (admin)."""
    def apply(session: Session, user: User) -> dict[str, Any]:
        if lock_state(session, name, utc_now())[0] is None:
            raise refusal_text.Refused(Refusal("not_locked", {"user": name}))
        return {}

    return _change(db, actor, Action.USERS_UNLOCK, name, apply)


def _view(session: Session, user: User) -> UserView:
    until = lock_state(session, user.name, utc_now())[0]
    return UserView(user.name, Role.parse(user.role), bool(user.active), user.created_at, until, user.display_name)


def list_users(db: Database, actor: Actor) -> list[UserView]:
    """Every user, by name, with whether the account is locked; never a password hash (finance, admin)."""
    require(db, actor, Action.USERS_LIST)
    with db.read() as session:
        return [_view(session, u) for u in session.scalars(select(User).order_by(User.name))]


def current(db: Database, actor: Actor) -> Actor | None:
    """The signed-in user as stored now (their role may have changed); None when they may no longer
    act (deactivated, or gone)."""
    if not actor.signed_in or actor.name is None:
        return actor
    with db.read() as session:
        found = standing(session, actor.name)
        setting_up = found is None and session.scalar(select(User.id).limit(1)) is None
    if setting_up:
        return actor
    if found is None or not found[1]:
        return None
    return Actor(actor.name, found[0])


def _role(text: str) -> Role:
    return read(Role.parse, text)
