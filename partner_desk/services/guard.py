"""The guarded action: every change a user makes runs through `guarded`, so none can forget a step.

`guarded(db, actor, action, obj)`:

1. reads the actor's role and state again (`require`): a user demoted or deactivated meanwhile is
   refused at once, with the reason, and the refusal is recorded;
2. opens the action's write transaction and hands the service a `Guarded` (its session, and
   `record`, which writes the action's audit record in that transaction after `audit.record` has
   confirmed the role once more inside it);
3. on a refusal (a `UserError` from the body) rolls the transaction back and records the refused
   attempt in a transaction of its own, then lets the refusal go on to the caller.

The command line and the window obey the same rules because both call the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.errors import UserError
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import NEEDS, Action, Actor, role_refusal
from partner_desk.refusal_text import recorded
from partner_desk.services import audit, authority
from partner_desk.services.authority import Refused
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, User

__all__ = ["Guarded", "Refused", "guarded", "refuse", "refused", "require"]


def refused(db: Database, actor: Actor, action: str, obj: str | None, error: Exception) -> None:
    """Record a refused attempt, in a transaction of its own."""
    with db.write() as session:
        # the first line of the reason, and the same typed, so the window words it in its language
        audit.record(session, actor, action, obj, outcome="refused", message=str(error).splitlines()[0],
                     reason=recorded(error))


def refuse(db: Database, actor: Actor, action: Action, obj: str | None, reason: Refusal) -> Refused:
    """Record a refusal and return the error for the caller to raise."""
    error = Refused(reason)
    refused(db, actor, action, obj, error)
    return error


def require(db: Database, actor: Actor, action: Action, obj: str | None = None) -> None:
    """Refuse (and record the refusal) unless the actor may do `action` now.

    The set-up actor acts only while the database has no users; once one exists, every change
    needs a signed-in user, whose stored role and state are read again here.
    """
    if actor.in_setup:
        with db.read() as session:
            has_users = session.scalar(select(User.id).limit(1)) is not None
        if not has_users:
            return
        raise refuse(db, actor, action, obj, Refusal("setup_over", {"action": action}))
    if actor.role is None:  # a name without a role: nobody signed in
        problem = role_refusal(actor, action)
    else:  # the stored role and state, read again: a role changed meanwhile counts at once
        with db.read() as session:
            problem = authority.refusal(session, actor, action)
    if problem is not None:
        raise refuse(db, actor, action, obj, problem)


@dataclass
class Guarded:
    """A guarded action under way: its write transaction and its audit record."""

    session: Session
    actor: Actor
    action: Action
    obj: str | None

    def record(self, obj: str | None = None, *, before: Any = None, after: Any = None) -> AuditRecord:
        """Write the action's audit record (about `obj`, else the action's object) in its transaction."""
        return audit.record(self.session, self.actor, self.action, obj if obj is not None else self.obj,
                            before=before, after=after)


@contextmanager
def guarded(db: Database, actor: Actor, action: Action, obj: str | None = None, *,
            refused_as: Action | None = None) -> Iterator[Guarded]:
    """Run the body as `action` by `actor` on `obj`: role checked, one write transaction, the audit
    record written through `Guarded.record`; a refusal rolled back and recorded (as `refused_as`
    when the trail names the refused attempt otherwise) in a transaction of its own."""
    assert action in NEEDS
    require(db, actor, action, obj)
    try:
        with db.write() as session:
            yield Guarded(session, actor, action, obj)
    except UserError as exc:
        refused(db, actor, refused_as or action, obj, exc)
        raise


@contextmanager
def checked(db: Database, actor: Actor, action: Action, obj: str | None = None, *,
            refused_as: Action | None = None) -> Iterator[None]:
    """`guarded` for an action that opens its transactions itself (an import checks a file before it
    writes): role checked first, a refusal recorded in a transaction of its own."""
    require(db, actor, action, obj)
    try:
        yield
    except UserError as exc:
        refused(db, actor, refused_as or action, obj, exc)
        raise
