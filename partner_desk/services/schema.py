"""Whether a database's schema is one this version works on (read without loading Alembic)."""

from __future__ import annotations

from partner_desk.domain.errors import UserError
from partner_desk.domain.refusals import Refusal
from partner_desk.refusal_text import Refused
from partner_desk.store import revisions
from partner_desk.store.engine import Database


def refuse_unknown(db: Database, revision: str | None) -> None:
    """A schema revision none of this version's migrations made (a newer version's, or a development
    build's whose migrations were renumbered) cannot be upgraded: say so rather than guess."""
    if revision is not None and not revisions.known(revision):
        raise Refused(Refusal("unknown_schema", {"url": str(db.url), "revision": revision}))


def ensure_current(db: Database) -> None:
    """Refuse to work on a database that `init` has not created or upgraded."""
    if not revisions.is_current(db.engine):
        refuse_unknown(db, revisions.current_revision(db.engine))
        raise UserError(f"the database {db.url} is not set up or is older than this version: "
                        "run 'partner-desk init' first")
