"""The audit trail: every change and every refused attempt, hash-chained so tampering shows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from partner_desk.domain.roles import Actor
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord
from partner_desk.store.types import utc_now

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def record_hash(prev_hash: str, at: datetime, user: str | None, action: str, obj: str | None,
                outcome: str, message: str | None, before: str | None, after: str | None) -> str:
    payload = json.dumps(
        [prev_hash, at.strftime("%Y-%m-%dT%H:%M:%S.%f"), user, action, obj, outcome, message, before, after],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    # SQLite transactions already hold the write lock (BEGIN IMMEDIATE); on PostgreSQL an advisory
    # lock held to the end of the transaction serialises appends to the chain.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7271001)"))


def record(
    session: Session,
    actor: Actor,
    action: str,
    obj: str | None = None,
    *,
    before: Any = None,
    after: Any = None,
    outcome: str = "ok",
    message: str | None = None,
) -> AuditRecord:
    """Append one audit record in the caller's transaction."""
    _lock_chain(session)
    last = session.execute(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = utc_now()
    before_text, after_text = _canonical(before), _canonical(after)
    entry = AuditRecord(
        at=at,
        user_name=actor.name,
        action=action,
        object=obj,
        outcome=outcome,
        message=message,
        before=before_text,
        after=after_text,
        prev_hash=prev,
        hash=record_hash(prev, at, actor.name, action, obj, outcome, message, before_text, after_text),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class ChainCheck:
    intact: bool
    records: int
    first_broken_id: int | None
    problem: str | None


def verify(session: Session) -> ChainCheck:
    """Recompute every hash in order; the first record that does not match breaks the chain."""
    prev = GENESIS
    count = 0
    rows = session.execute(select(AuditRecord).order_by(AuditRecord.id)).scalars()
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return ChainCheck(False, count, row.id, f"record {row.id} does not follow the record before it")
        expected = record_hash(
            prev, row.at, row.user_name, row.action, row.object, row.outcome, row.message,
            row.before, row.after,
        )
        if expected != row.hash:
            return ChainCheck(False, count, row.id, f"record {row.id} was altered")
        prev = row.hash
    return ChainCheck(True, count, None, None)


def check_chain(db: Database) -> ChainCheck:
    """Whether the whole audit trail is intact, read in one transaction."""
    with db.read() as session:
        return verify(session)


def _parsed(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def record_as_dict(row: AuditRecord) -> dict[str, Any]:
    """The `audit --json` shape of one record."""
    return {
        "id": row.id,
        "at": row.at.isoformat().replace("+00:00", "Z"),
        "user": row.user_name,
        "action": row.action,
        "object": row.object,
        "outcome": row.outcome,
        "message": row.message,
        "before": _parsed(row.before),
        "after": _parsed(row.after),
        "hash": row.hash,
    }


def records(db: Database, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit trail, newest first (all of it, or the newest `limit` records)."""
    with db.read() as session:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return [record_as_dict(row) for row in session.scalars(stmt)]
