"""Role checks in the service layer, so the command line and the window obey the same rules.

A refusal is itself recorded: the audit record is written in a transaction of its own, after the
refused action's transaction has been rolled back.
"""

from __future__ import annotations

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import NEEDS, Actor
from partner_desk.services import audit
from partner_desk.store.engine import Database


class Refused(UserError):
    """The signed-in user's role does not allow the action, or a rule forbids it."""


def refused(db: Database, actor: Actor, action: str, obj: str | None, error: Exception) -> None:
    """Record a refused attempt."""
    with db.write() as session:
        audit.record(session, actor, action, obj, outcome="refused", message=str(error).splitlines()[0])


def require(db: Database, actor: Actor, action: str, obj: str | None = None) -> None:
    """Refuse (and record the refusal) unless the actor's role allows `action`."""
    needed = NEEDS[action]
    if actor.may(needed):
        return
    error = Refused(
        f"{actor.name} ({actor.role.label if actor.role else 'no role'}) may not {action.replace('.', ' ')}: "
        f"it needs the {needed.label} role"
    )
    refused(db, actor, action, obj, error)
    raise error
