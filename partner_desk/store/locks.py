"""The PostgreSQL advisory locks writers take, by name, and the one way to take them.

SQLite needs none of them: every write transaction holds the database's write lock from its
BEGIN IMMEDIATE, so writers are serial. On PostgreSQL each is held to the end of the transaction that
takes it, and writers take them in this order:

1. `POSTING`: posting a period, and exporting a payout batch, so two exports cannot both take the same
   approved requests and two postings cannot both post a period;
2. `CHAIN`: appending to the hash chains (the ledger, accruals, posted periods), one at a time, so each
   row's link names the row before it (store/chain.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

CHAIN = 7271001
POSTING = 7271002


def take(session: Session | Connection, lock: int) -> None:
    """Hold `lock` to the end of the current transaction (PostgreSQL; nothing to do on SQLite)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
