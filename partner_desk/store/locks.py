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
4. agency rows, in id order: FOR UPDATE by the actions that read an available balance and write to
   the ledger (one agency, or every agency of a payout batch), then withdrawal rows; a posting takes
   FOR KEY SHARE on every agency (its accruals and credits refer to them, and it must not wait for a
   balance's lock while holding the chain's);
5. `CHAIN`: appending to the hash chains and the audit trail, which every change does last.

A writer that held `CHAIN` and then waited for an agency row would deadlock against one that holds
the row and waits for `CHAIN`: hence rows before the chain, always.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from partner_desk.store.models import Agency

SCHEMA = 7271003
POSTING = 7271002
PAYOUT_BATCH = 7271004
CHAIN = 7271001


def agencies(session: Session, ids: Iterable[int] | None = None, *, key_share: bool = False) -> None:
    """Lock agency rows in id order (all of them, or `ids`): FOR UPDATE, or FOR KEY SHARE, which only
    keeps them from being locked for update meanwhile (PostgreSQL; SQLite writers are serial already)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    stmt = select(Agency.id).order_by(Agency.id).with_for_update(key_share=key_share)
    if ids is not None:
        stmt = stmt.where(Agency.id.in_(sorted(set(ids))))
    session.execute(stmt).all()


def take(session: Session | Connection, lock: int) -> None:
    """Hold `lock` to the end of the current transaction (PostgreSQL; nothing to do on SQLite)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
