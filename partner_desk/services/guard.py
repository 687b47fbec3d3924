"""Role checks in the service layer, so the command line and the window obey the same rules.

A refusal is itself recorded: the audit record is written in a transaction of its own, after the
refused action's transaction has been rolled back.
"""

from __future__ import annotations

from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import NEEDS, Actor, describe
from partner_desk.services import audit
from partner_desk.store.engine import Database
from partner_desk.store.models import User


class Refused(UserError):
    """The signed-in user's role does not allow the action, or a rule forbids it."""


def refused(db: Database, actor: Actor, action: str, obj: str | None, error: Exception) -> None:
    """Record a refused attempt."""
    with db.write() as session:
        audit.record(session, actor, action, obj, outcome="refused", message=str(error).splitlines()[0])


def refuse(db: Database, actor: Actor, action: str, obj: str | None, message: str) -> Refused:
    """Record a refusal and return the error for the caller to raise."""
    error = Refused(message)
    refused(db, actor, action, obj, error)
    return error


def require(db: Database, actor: Actor, action: str, obj: str | None = None) -> None:
    """Refuse (and record the refusal) unless the actor's role allows `action`.

    The set-up actor acts only while the database has no users; once one exists, every change
    needs a signed-in user.
    """
    needed = NEEDS[action]
    what = describe(action)
    if actor.in_setup:
        with db.read() as session:
            has_users = session.scalar(select(User.id).limit(1)) is not None
        if not has_users:
            return
        raise refuse(db, actor, action, obj,
                     f"the database has users now: sign in (--user NAME) to {what}")
    if actor.role is None:
        raise refuse(db, actor, action, obj,
                     f"not signed in: to {what} sign in (--user NAME) as a user with the "
                     f"{needed.label} role")
    if actor.may(needed):
        return
    raise refuse(db, actor, action, obj, f"{actor.name} ({actor.role.label}) may not "
                 f"{what}: it needs the {needed.label} role")
