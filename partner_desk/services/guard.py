"""Role checks in the service layer, so the command line and the window obey the same rules.

`require` reads the actor's role and state again before every action, so a user demoted or
deactivated meanwhile is refused at once, with the reason; `audit.record` confirms it once more
inside the action's own write transaction (`authority.confirm`).

A refusal is itself recorded: the audit record is written in a transaction of its own, after the
refused action's transaction has been rolled back.
"""

from __future__ import annotations

from sqlalchemy import select

from partner_desk.domain.roles import NEEDS, Actor, describe
from partner_desk.services import audit, authority
from partner_desk.services.authority import Refused
from partner_desk.store.engine import Database
from partner_desk.store.models import User

__all__ = ["Refused", "refuse", "refused", "require"]


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
    """Refuse (and record the refusal) unless the actor may do `action` now.

    The set-up actor acts only while the database has no users; once one exists, every change
    needs a signed-in user, whose stored role and state are read again here.
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
    with db.read() as session:
        problem = authority.refusal(session, actor, action)
    if problem is not None:
        raise refuse(db, actor, action, obj, problem)
