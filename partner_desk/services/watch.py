"""Who changed what, told to an open window shortly after it happened.

A `Watcher` waits for a sign that the database changed (`store/signals.py`: PostgreSQL's
LISTEN/NOTIFY, SQLite's data_version), then reads the audit records written since it last looked:
every change writes one in the transaction that makes it, so the trail says who changed what, when,
and (`services/changes.py`) which areas of the window it touched. Records written by this process
are marked `mine`: the window that made them has reloaded already.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from partner_desk.services.changes import Area, areas_of
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord
from partner_desk.store.queries import company_tz
from partner_desk.store.signals import POLL_SECONDS, Listener

# the most records one look reads; more are read at the next look
BATCH = 1_000


@dataclass(frozen=True, slots=True)
class Change:
    """One audit record as news: who did what to which object, when (in the company's time zone)."""

    record_id: int
    at: datetime
    user: str | None
    action: str
    object: str | None
    outcome: str
    mine: bool

    @property
    def areas(self) -> frozenset[Area]:
        return areas_of(self.action, self.object, self.outcome)

    @property
    def refused(self) -> bool:
        return self.outcome != "ok"


def last_record_id(db: Database) -> int:
    """The id of the newest audit record (0 for an empty trail)."""
    with db.read() as session:
        return int(session.scalar(select(func.max(AuditRecord.id))) or 0)


def changes_since(db: Database, record_id: int, limit: int = BATCH) -> list[Change]:
    """The audit records after `record_id`, oldest first, at most `limit` of them."""
    with db.read() as session:
        zone: ZoneInfo = company_tz(session)
        rows = session.execute(
            select(AuditRecord.id, AuditRecord.at, AuditRecord.user_name, AuditRecord.action,
                   AuditRecord.object, AuditRecord.outcome)
            .where(AuditRecord.id > record_id).order_by(AuditRecord.id).limit(limit)).all()
    return [Change(rid, at.astimezone(zone), user, action, obj, outcome, db.written_here(rid))
            for rid, at, user, action, obj, outcome in rows]


class Watcher:
    """Tells what changed in the database since it last looked, starting from now (or `since`)."""

    def __init__(self, db: Database, since: int | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.last = last_record_id(db) if since is None else since
        self.listener = Listener(db, poll_seconds)

    def wait(self, timeout: float, stop: threading.Event | None = None) -> list[Change]:
        """Wait at most `timeout` seconds for a change; every change since the last look (or none).
        A lost connection raises; the next call connects again and misses nothing."""
        if not self.listener.wait(timeout, stop):
            return []
        return self.look()

    def look(self) -> list[Change]:
        """Every change since the last look, whatever the listener heard."""
        found: list[Change] = []
        while True:
            batch = changes_since(self.db, self.last)
            if batch:
                self.last = batch[-1].record_id
                found += batch
            if len(batch) < BATCH:
                return found

    def close(self) -> None:
        self.listener.close()
