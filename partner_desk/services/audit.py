"""The audit trail: every change and every refused attempt, hash-chained so tampering shows.

Each record also stores the head of every chained table as it stood when the record was written
(`anchors`, see `store/chain.py`), and the value the clock was set to when the action ran under a
set clock (`clock`), both covered by its hash. Reading the trail and checking it: `audit_trail`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain import clock as product_clock
from partner_desk.domain.roles import Actor
from partner_desk.services import authority
from partner_desk.store import chain, signals
from partner_desk.store.engine import OWN_RECORDS
from partner_desk.store.models import AuditRecord
from partner_desk.store.types import utc_now

GENESIS = chain.GENESIS


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def record_hash(prev_hash: str, at: datetime, user: str | None, action: str, obj: str | None,
                outcome: str, message: str | None, before: str | None, after: str | None,
                anchors: str | None = None, clock: str | None = None, reason: str | None = None) -> str:
    """The hash of one record. Records written before anchors and the clock were kept hash without them,
    and a record with no typed reason (every record before reasons were kept) without it."""
    fields: list[Any] = [prev_hash, at.strftime("%Y-%m-%dT%H:%M:%S.%f"), user, action, obj, outcome, message,
                         before, after]
    if anchors is not None or clock is not None or reason is not None:
        fields += [anchors, clock]
    if reason is not None:
        fields.append(reason)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_hash(row: AuditRecord, prev_hash: str) -> str:
    """What a stored record's hash should be, after `prev_hash`."""
    return record_hash(prev_hash, row.at, row.user_name, row.action, row.object, row.outcome, row.message,
                       row.before, row.after, row.anchors, row.clock, row.reason)


def fit(text: str | None, column: Any) -> str | None:
    """`text` cut to what a VARCHAR column holds, its end marked with '…'."""
    length = getattr(column.type, "length", None)
    if text is None or length is None or len(text) <= length:
        return text
    return text[:length - 1] + "…"


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
    reason: str | None = None,
) -> AuditRecord:
    """Append one audit record in the caller's transaction.

    A change ("ok") by a signed-in user is confirmed here against the user's stored role and state,
    inside the change's own transaction: a user demoted or deactivated meanwhile is refused and the
    change rolls back.
    """
    if outcome == "ok":
        authority.confirm(session, actor, action)
    # a refused attempt may name what a person typed (a 5,000-character user name, say): it is kept
    # as far as its column holds, which PostgreSQL enforces
    user_name = fit(actor.name, AuditRecord.__table__.c.user_name)
    obj = fit(obj, AuditRecord.__table__.c.object)
    chain.lock(session)
    last = session.execute(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = utc_now()
    before_text, after_text = _canonical(before), _canonical(after)
    anchors = json.dumps(chain.anchors(session), separators=(",", ":"), default=str)
    clock = product_clock.fixed()
    entry = AuditRecord(
        at=at,
        user_name=user_name,
        action=action,
        object=obj,
        outcome=outcome,
        message=message,
        before=before_text,
        after=after_text,
        prev_hash=prev,
        hash=record_hash(prev, at, user_name, action, obj, outcome, message, before_text, after_text,
                         anchors, clock, reason),
        anchors=anchors,
        clock=clock,
    )
    if reason is not None:  # set only when there is one, as a record written before reasons were kept
        entry.reason = reason
    session.add(entry)
    session.flush()
    # every open window hears of it once the transaction commits (services/watch.py)
    signals.notify(session, entry.id)
    session.info.setdefault(OWN_RECORDS, []).append(entry.id)
    return entry


def _parsed(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _reason(value: str | None) -> Any:
    """A record's typed reason as stored; None when it has none or it is no JSON (the trail's check says
    a record was changed behind the product's back)."""
    try:
        return _parsed(value)
    except ValueError:
        return None


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
        # a refused attempt's reason, typed: its codes and values (none for a change, or an older record)
        "reason": _reason(row.reason),
        "before": _parsed(row.before),
        "after": _parsed(row.after),
        "clock": row.clock,
        "hash": row.hash,
    }
