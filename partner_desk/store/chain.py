"""Hash chains over the append-only tables, so a change made behind the product's back shows.

Each row of `ledger_entries`, `accruals` and `posted_periods` carries `prev_hash` (the hash of the row
before it, in key order) and `hash` = SHA-256 of the previous hash and the row's own values. The product
writes these rows only through `Chain`, which assigns the next key under the chain lock. An accrual's
row also carries `lines_hash`, the digest of its lines (payment, late mark, commission and the terms
they were priced on), so the million lines of a posting cost one chained row each.

Every audit record stores the head of each chain as it stood when the record was written
(`anchors`), and the audit trail is itself chained: `audit --verify` walks the tables against it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from partner_desk.domain.periods import Period
from partner_desk.store import locks
from partner_desk.store.models import Accrual, LedgerEntry, PostedPeriod
from partner_desk.store.types import utc_now

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainSpec:
    table: Table
    key: str  # the column that orders the chain
    fields: tuple[str, ...]  # the values each row's hash covers, in this order
    moments: tuple[str, ...]  # columns that default to the product's clock

    @property
    def name(self) -> str:
        return self.table.name


LEDGER = ChainSpec(
    LedgerEntry.__table__,  # type: ignore[arg-type]
    "id",
    ("id", "agency_id", "kind", "amount_minor", "currency", "created_at", "effective_on", "user_name",
     "accrual_id", "withdrawal_id", "project_id", "project_amount_minor", "project_currency", "reverses_id",
     "note"),
    ("created_at",),
)
ACCRUALS = ChainSpec(
    Accrual.__table__,  # type: ignore[arg-type]
    "id",
    ("id", "agency_id", "period", "currency", "turnover_usd", "percent", "amount_minor", "reward_usd",
     "reward_level_usd", "benefits", "tier_version_id", "lines", "late_lines", "posted_at", "lines_hash"),
    ("posted_at",),
)
POSTED = ChainSpec(
    PostedPeriod.__table__,  # type: ignore[arg-type]
    "period",
    ("period", "as_of", "posted_at", "posted_by"),
    ("posted_at",),
)
CHAINS: tuple[ChainSpec, ...] = (LEDGER, ACCRUALS, POSTED)


def canon(value: Any) -> Any:
    """A value as its hash sees it: the same before it is stored and after it is read back."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo is not None else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def link_hash(prev_hash: str, spec: ChainSpec, row: dict[str, Any]) -> str:
    payload = json.dumps([prev_hash, spec.name, [canon(row.get(f)) for f in spec.fields]],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lock(session: Session) -> None:
    """Serialise chain appends: SQLite write transactions already hold the database's write lock
    (BEGIN IMMEDIATE); PostgreSQL takes an advisory lock held to the end of the transaction."""
    locks.take(session, locks.CHAIN)


def head(session: Session, spec: ChainSpec) -> tuple[Any, str] | None:
    """The key and hash of the chain's last row; None while the table is empty."""
    key = spec.table.c[spec.key]
    row = session.execute(select(key, spec.table.c.hash).order_by(key.desc()).limit(1)).first()
    return None if row is None else (row[0], row[1] or GENESIS)


def anchors(session: Session) -> dict[str, list[Any] | None]:
    """The head of every chain, as an audit record stores it."""
    found = {}
    for spec in CHAINS:
        last = head(session, spec)
        found[spec.name] = None if last is None else [last[0], last[1]]
    return found


class Chain:
    """Appends rows to one chained table in the caller's transaction."""

    def __init__(self, session: Session, spec: ChainSpec) -> None:
        lock(session)
        self.session = session
        self.spec = spec
        last = head(session, spec)
        self.last_key: Any = None if last is None else last[0]
        self.prev = GENESIS if last is None else last[1]

    def next_key(self) -> int:
        """The id the next row of an id chain gets."""
        return int(self.last_key or 0) + 1

    def link(self, values: dict[str, Any]) -> dict[str, Any]:
        """`values` completed with the next key (for an id chain), the clock's moments and the hashes."""
        row = {f: values.get(f) for f in self.spec.fields}
        row.update(values)
        if self.spec.key == "id":
            row["id"] = self.next_key()
        for column in self.spec.moments:
            if row.get(column) is None:
                row[column] = utc_now()
        digest = link_hash(self.prev, self.spec, row)
        row["prev_hash"] = self.prev
        row["hash"] = digest
        self.prev = digest
        self.last_key = row[self.spec.key]
        return row

    def append(self, rows: Iterable[dict[str, Any]]) -> list[Any]:
        """Insert rows at the end of the chain; their keys, in order."""
        linked = [self.link(values) for values in rows]
        if linked:
            self.session.connection().execute(insert(self.spec.table), linked)
        return [row[self.spec.key] for row in linked]


def append(session: Session, spec: ChainSpec, rows: Sequence[dict[str, Any]]) -> list[Any]:
    return Chain(session, spec).append(rows)


def terms_text(percent: Decimal, pay_rate: Decimal, partner_rate: Decimal | None) -> str:
    """The pricing terms as the lines digest covers them."""
    return f"{percent:f}\x1f{pay_rate:f}\x1f{'' if partner_rate is None else format(partner_rate, 'f')}"


_LINE = "%s\x1f%d\x1f%s\x1f%d"  # payment id, late (1 or 0), terms_text, commission in minor units


def line_text(payment_id: str, late: bool, terms: str, commission_minor: int) -> str:
    return _LINE % (payment_id, late, terms, commission_minor)


def line_texts(payment_ids: Iterable[str], lates: Iterable[bool], terms: Iterable[str],
               commission_minors: Iterable[int]) -> list[str]:
    """`line_text` of many lines at once, column by column."""
    return list(map(_LINE.__mod__, zip(payment_ids, lates, terms, commission_minors, strict=True)))


def lines_digest(parts: list[str]) -> str:
    """The digest of an accrual's lines, each `line_text`, in payment id order."""
    parts.sort()
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()
