"""The PostgreSQL advisory locks that put writers in one order.

SQLite needs none of them: every write transaction holds the database's write lock from its
BEGIN IMMEDIATE. On PostgreSQL, writers that must not interleave take a transaction-level advisory
lock, always in this order, so that two writers never wait for each other in a circle:

1. `SCHEMA`: creating or upgrading the schema and its default rows (`init`), so that two first starts
   cannot race;
2. `POSTING`: posting a period, and every import (what a posting reads: payments, connections,
   rates, commission tables), taken first in their transaction, so an import lands wholly before or
   wholly after a posting, never in the middle of one;
3. `PAYOUT_BATCH`: exporting a payout batch, so two exports cannot take the same approved requests;
4. agency rows (SELECT ... FOR UPDATE), then withdrawal rows, by the actions that read an available
   balance and write to the ledger;
5. `CHAIN`: appending to the hash chains and the audit trail, which every change does last.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

SCHEMA = 7271003
POSTING = 7271002
PAYOUT_BATCH = 7271004
CHAIN = 7271001


def take(session: Session | Connection, lock: int) -> None:
    """Hold `lock` to the end of the current transaction (PostgreSQL; nothing to do on SQLite)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
