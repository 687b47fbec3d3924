"""`audit --verify`: the audit trail's chain, and every protected table checked against it.

What is checked, each difference named by table, row and what differs:

- the audit trail: each record follows the one before it and matches its hash; with an expected head
  (`COUNT:HASH`, kept outside the database) the trail is at least that long and its COUNT-th record
  is the one expected, so records removed from the end, or a trail rewritten whole, show;
- the chained tables (ledger entries, accruals, posted periods): each row follows the row before it
  and matches its hash; the chain agrees with the head every audit record noted when it was written;
  no row was added after the last audit record;
- the accrual lines: each accrual has the lines it was posted with (their count and digest), each line
  is what its payment, rates and percent give, the lines sum to the accrual, and the ledger credits it;
- withdrawals: each request's state, amount and deciders are what the audit trail says happened, and
  its ledger entries are the ones its state has written;
- payout batches: each batch, its requests and its files (names, kinds, content hashes) are the ones
  the audit record of its export lists;
- users: each user's role, active flag and password hash are the ones the audit trail last recorded;
- balances: each agency's balance and held amount, replayed from the ledger, equal what every audit
  record of a money move says they were after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Code, Refusal
from partner_desk.services import audit
from partner_desk.services.verify_tables import (
    Problem,
    accrual_lines,
    anchors_of,
    balances,
    payout_batches,
    row_id,
    users,
    withdrawals,
)
from partner_desk.store import chain
from partner_desk.store.models import AuditRecord

__all__ = ["Head", "Problem", "Verification", "check"]


@dataclass(frozen=True, slots=True)
class Head:
    """The end of the audit chain: how many records it has, and the last one's hash."""

    count: int
    hash: str

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"


@dataclass(frozen=True)
class Verification:
    head: Head
    problems: list[Problem]

    @property
    def intact(self) -> bool:
        return not self.problems


def check(session: Session, expect: Head | None = None) -> Verification:
    """Every check, read in the caller's (read) transaction."""
    records = list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    problems = audit_chain(records, expect)
    problems += chains(session, records)
    problems += accrual_lines(session)
    problems += withdrawals(session, records)
    problems += payout_batches(session, records)
    problems += users(session, records)
    problems += balances(session, records)
    head = Head(len(records), records[-1].hash if records else chain.GENESIS)
    return Verification(head, problems)


# the audit trail -------------------------------------------------------------------------------
def audit_chain(records: list[AuditRecord], expect: Head | None) -> list[Problem]:
    problems = []
    prev = audit.GENESIS
    for row in records:
        if row.prev_hash != prev:
            problems.append(Problem("audit", _record(row.id), Refusal("record_out_of_chain")))
        if audit.row_hash(row, row.prev_hash) != row.hash:
            problems.append(Problem("audit", _record(row.id), Refusal("row_altered")))
        prev = row.hash
    if expect is not None:
        if len(records) < expect.count:
            problems.append(Problem("audit", _record(expect.count), Refusal("records_missing", {
                "found": len(records), "expected_records": expect.count})))
        elif expect.count > 0 and records[expect.count - 1].hash != expect.hash:
            problems.append(Problem("audit", _record(records[expect.count - 1].id),
                                    Refusal("trail_rewritten", {"position": expect.count})))
    return problems


# the chained tables ----------------------------------------------------------------------------
def _record(record: int) -> Refusal:
    return Refusal("row_record", {"record": record})


def _label(spec: chain.ChainSpec, key: Any) -> Refusal | str:
    return row_id(key) if spec.key == "id" else str(key)


def chains(session: Session, records: list[AuditRecord]) -> list[Problem]:
    problems: list[Problem] = []
    for spec in chain.CHAINS:
        stored: dict[Any, str | None] = {}
        keys: list[Any] = []
        prev = chain.GENESIS
        for values in session.execute(select(spec.table).order_by(spec.table.c[spec.key])).mappings():
            key = values[spec.key]
            key = str(key) if isinstance(key, Period) else key  # the audit records note a period as text
            keys.append(key)
            stored[key] = values["hash"]
            where = _label(spec, key)
            if values["hash"] is None:
                problems.append(Problem(spec.name, where, Refusal("no_hash")))
                continue
            if values["prev_hash"] != prev:
                problems.append(Problem(spec.name, where, Refusal("row_out_of_chain")))
            if chain.link_hash(values["prev_hash"], spec, dict(values)) != values["hash"]:
                problems.append(Problem(spec.name, where, Refusal("row_altered")))
            prev = values["hash"]
        problems += _anchored(spec, stored, keys, records)
    return problems


def _anchored(spec: chain.ChainSpec, stored: dict[Any, str | None], keys: list[Any],
              records: list[AuditRecord]) -> list[Problem]:
    """The chain against the heads the audit records noted; rows after the last noted head."""
    last_good: Any = None
    last_noted: Any = None
    noted_any = False
    for row in records:
        found = anchors_of(row)
        if found is None or spec.name not in found:
            continue
        noted_any = True
        noted = found[spec.name]
        if noted is None:
            continue
        key, digest = noted[0], noted[1]
        last_noted = key
        if stored.get(key) == digest:
            last_good = key
            continue
        noted_by = {"record": row.id, "audit_action": Code("action", row.action)}
        if key not in stored:
            if not keys or key > keys[-1]:
                end = _label(spec, keys[-1]) if keys else None
                what = Refusal("rows_missing", {**noted_by, "up_to": _label(spec, key),
                                                "end": end if end is not None else Refusal("nothing")})
                return [Problem(spec.name, Refusal("rows_after", {"row": end}) if end is not None
                                else Refusal("rows_after_start"), what)]
            return [Problem(spec.name, _label(spec, key), Refusal("noted_missing", noted_by))]
        rows = (Refusal("rows_between", {"row": _label(spec, last_good), "up_to": _label(spec, key)})
                if last_good is not None else Refusal("rows_up_to", {"up_to": _label(spec, key)}))
        return [Problem(spec.name, rows, Refusal("rows_rewritten", noted_by))]
    if noted_any:
        extra = [k for k in keys if last_noted is None or k > last_noted]
        if extra:
            return [Problem(spec.name, _label(spec, k), Refusal("row_unaccounted")) for k in extra]
    return []
