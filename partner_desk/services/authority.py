"""Whether a signed-in user may act now: their role and state are read again for every action.

A role or a deactivation takes effect at the user's next action, even in a window opened before it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import NEEDS, Actor, Role, describe
from partner_desk.store.models import User


class Refused(UserError):
    """The signed-in user's role does not allow the action, or a rule forbids it."""


def standing(session: Session, name: str) -> tuple[Role, bool] | None:
    """A user's role and whether the account is active, as stored now; None for no such user."""
    row = session.execute(select(User.role, User.active).where(User.name == name)).first()
    if row is None:
        return None
    return Role.parse(row[0]), bool(row[1])


def refusal(session: Session, actor: Actor, action: str) -> str | None:
    """Why a signed-in `actor` may not do `action` now (their stored role and state); None if they may."""
    if not actor.signed_in:
        return None
    assert actor.name is not None
    what = describe(action)
    found = standing(session, actor.name)
    if found is None:
        if session.scalar(select(User.id).limit(1)) is not None:
            return f"{actor.name} may not {what}: there is no such user"
        # set-up mode: no user is stored yet, so the role the actor carries is all there is
        assert actor.role is not None
        found = (actor.role, True)
    role, active = found
    if not active:
        return f"{actor.name} may not {what}: the account is deactivated"
    needed = NEEDS.get(action)
    if needed is not None and role < needed:
        return f"{actor.name} ({role.label}) may not {what}: it needs the {needed.label} role"
    return None


def confirm(session: Session, actor: Actor, action: str) -> None:
    """Raise Refused unless a signed-in `actor` may do `action` now, read in the caller's transaction."""
    problem = refusal(session, actor, action)
    if problem is not None:
        raise Refused(problem)
