"""Unexpected failures in the audit trail: an action that broke off with an error nobody foresaw
is recorded, for a signed-in user, as a refused attempt naming the log of its details."""

from __future__ import annotations

from partner_desk.domain.roles import Actor
from partner_desk.services import audit
from partner_desk.store.engine import Database


def record_failure(db: Database, actor: Actor, action: str, obj: str | None, message: str) -> None:
    """Record that `action` of a signed-in user failed unexpectedly; nothing for anyone else."""
    if not actor.signed_in:
        return
    with db.write() as session:
        audit.record(session, actor, action, obj, outcome="refused", message=message)
