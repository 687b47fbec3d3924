"""Whether a signed-in user may act now: their role and state are read again for every action.

A role or a deactivation takes effect at the user's next action, even in a window opened before it.
A role, state or password that differs from what the audit trail last recorded for the user was
changed behind the product's back: it grants nothing (but reading and checking the audit trail, which
is how the change is found) until an admin sets it again through the product.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk import refusal_text
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import NEEDS, Action, Actor, Role, role_refusal, role_text
from partner_desk.refusal_text import english_action
from partner_desk.store.models import AuditRecord, User

# the audit records that set a user's role, state or password; each records them as they are after it
USER_ACTIONS = (Action.USERS_ADD, Action.USERS_ROLE, Action.USERS_ACTIVATE, Action.USERS_DEACTIVATE,
                Action.USERS_PASSWORD, Action.USERS_OWN_PASSWORD, Action.USERS_REHASH)

__all__ = ["Refused", "confirm", "refusal"]


class Refused(refusal_text.Refused):
    """The signed-in user's role or state does not allow the action (read again for every action)."""


def replay(afters: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A user's role, active flag and password digest as a series of audit records (oldest first) leave
    them; a record names only what it knows (a user added before digests were kept has none)."""
    state: dict[str, Any] = {"active": True}
    for after in afters:
        state.update({k: after[k] for k in ("role", "active", "password") if k in after})
    return state


def recorded(session: Session, name: str) -> dict[str, Any] | None:
    """What the audit trail last recorded about the user `name`; None when it records nothing."""
    rows = list(session.scalars(
        select(AuditRecord.after).where(AuditRecord.action.in_(USER_ACTIONS), AuditRecord.object == name,
                                        AuditRecord.outcome == "ok").order_by(AuditRecord.id)))
    if not rows:
        return None
    return replay(json.loads(text) for text in rows if text)


def _role_value(value: Role | str) -> Role | str:
    """A stored or recorded role as a refusal names it: the role, or a text that is no role as it is."""
    try:
        return Role.parse(value)
    except ValueError:
        return role_text(value)


def tampered(session: Session, user: User) -> Refusal | None:
    """What of the user's role and state differs from the audit trail (changed behind the product's
    back); None when they agree."""
    found = recorded(session, user.name)
    if found is None:
        return Refusal("tampered_account", {"user": user.name})
    if "role" in found and found["role"] != role_text(user.role):
        return Refusal("tampered_role", {"user": user.name, "role": _role_value(user.role),
                                         "needed": _role_value(str(found["role"]))})
    if found.get("active") is not None and bool(found["active"]) != bool(user.active):
        return Refusal("tampered_active" if user.active else "tampered_deactivated", {"user": user.name})
    if found.get("password") is not None and found["password"] != password_digest(user.password_hash):
        return Refusal("tampered_password", {"user": user.name})
    return None


def password_digest(password_hash: str) -> str:
    """What the audit trail keeps of a stored password hash: its SHA-256, so a hash replaced behind the
    product's back shows, while the trail never holds the hash itself."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


def standing(session: Session, name: str) -> tuple[Role, bool] | None:
    """A user's role and whether the account is active, as stored now; None for no such user."""
    row = session.execute(select(User.role, User.active).where(User.name == name)).first()
    if row is None:
        return None
    return Role.parse(row[0]), bool(row[1])


def refusal(session: Session, actor: Actor, action: Action | str) -> Refusal | None:
    """Why a signed-in `actor` may not do `action` now (their stored role and state); None if they may."""
    if not actor.signed_in:
        return None
    assert actor.name is not None
    user = session.scalar(select(User).where(User.name == actor.name))
    if user is None:
        if session.scalar(select(User.id).limit(1)) is not None:
            return Refusal("no_such_user", {"user": actor.name, "action": _named(action)})
        # set-up mode: no user is stored yet, so the role the actor carries is all there is
        assert actor.role is not None
        role, active = actor.role, True
    else:
        role, active = Role.parse(user.role), bool(user.active)
        changed = tampered(session, user)
        # reading and checking the trail stays open: it is how the change is found and named
        if changed is not None and action != Action.AUDIT_READ:
            return Refusal("tampered", {"user": actor.name, "action": _named(action), "problem": changed})
    if not active:
        return Refusal("deactivated", {"user": actor.name, "action": _named(action)})
    if action not in NEEDS:  # an action no role limits (recorded, but open to every signed-in user)
        return None
    return role_refusal(Actor(actor.name, role), Action(action))


def _named(action: Action | str) -> Action | str:
    """An action as a refusal names it: one of the product's, or a name given as it is."""
    return Action(action) if action in NEEDS else english_action(action)


def confirm(session: Session, actor: Actor, action: Action | str) -> None:
    """Raise Refused unless a signed-in `actor` may do `action` now, read in the caller's transaction."""
    problem = refusal(session, actor, action)
    if problem is not None:
        raise Refused(problem)
