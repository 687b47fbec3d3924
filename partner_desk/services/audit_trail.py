"""Reading and checking the audit trail (finance, admin), and its head, which statements carry and
the window remembers, so a trail cut short shows outside the database too."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partner_desk.domain.bounds import MAX_ROW_ID
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Action, Actor
from partner_desk.services import audit
from partner_desk.services.guard import require
from partner_desk.services.verify import Head, Verification, check
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord

_EXPECT = re.compile(r"\s*([0-9]{1,19}):([0-9a-fA-F]{64})\s*")

__all__ = ["Head", "Verification", "head", "parse_head", "records", "verify"]


def records(db: Database, actor: Actor, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit trail, newest first (all of it, or the newest `limit` records); finance or admin."""
    require(db, actor, Action.AUDIT_READ)
    with db.read() as session:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return [audit.record_as_dict(row) for row in session.scalars(stmt)]


def head(db: Database) -> Head:
    """The audit chain's head: its number of records and its last record's hash."""
    with db.read() as session:
        return head_in(session)


def head_in(session: Session) -> Head:
    """The audit chain's head, read in the caller's transaction."""
    count = int(session.scalar(select(func.count()).select_from(AuditRecord)) or 0)
    last = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1))
    return Head(count, last or audit.GENESIS)


def record_hash_at(db: Database, position: int) -> str | None:
    """The hash of the audit trail's `position`-th record (1 is the first), None past its end."""
    if position <= 0:
        return audit.GENESIS
    with db.read() as session:
        return session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id).offset(position - 1).limit(1))


def parse_head(text: str) -> Head:
    """A head written `COUNT:HASH`, its count no larger than any table's row ids."""
    match = _EXPECT.fullmatch(text)
    if not match or int(match.group(1)) > MAX_ROW_ID:
        raise UserError(f"--expect: '{text}' is not COUNT:HASH (a record count, a colon, a 64-digit hash)")
    return Head(int(match.group(1)), match.group(2).lower())


def verify(db: Database, actor: Actor, expect: Head | None = None) -> Verification:
    """Check the audit chain and every protected table against it (finance or admin)."""
    require(db, actor, Action.AUDIT_READ)
    with db.read() as session:
        return check(session, expect)
