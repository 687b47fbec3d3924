"""The tables `audit --verify` checks against the audit trail's story: accruals and their lines, withdrawals,
payout batches, users and balances (see `verify`, which also checks the chains)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.accrual import Candidate, Terms, price
from partner_desk.domain.ledger import Position
from partner_desk.domain.ledger import after as add_entry
from partner_desk.domain.money import format_amount, from_minor
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import role_text
from partner_desk.domain.withdrawals import ledger_trace
from partner_desk.services.authority import USER_ACTIONS, password_digest, replay
from partner_desk.store import chain
from partner_desk.store.models import (
    Accrual,
    AccrualLine,
    Agency,
    AuditRecord,
    LedgerEntry,
    Payment,
    PayoutBatch,
    PayoutBatchFile,
    PayoutBatchRequest,
    User,
    Withdrawal,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One difference: which table, which row, what differs."""

    table: str
    row: str
    what: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.what}"


def anchors_of(row: AuditRecord) -> dict[str, Any] | None:
    """The chain heads an audit record noted when it was written (None for records written before)."""
    if not row.anchors:
        return None
    try:
        found = json.loads(row.anchors)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


# accruals and their lines ----------------------------------------------------------------------
def _line_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    stmt = (select(AccrualLine.id, AccrualLine.accrual_id, AccrualLine.payment_id, AccrualLine.late,
                   AccrualLine.percent, AccrualLine.pay_rate, AccrualLine.partner_rate, AccrualLine.usd_amount,
                   AccrualLine.partner_amount, AccrualLine.commission_minor, Payment.project_id, Payment.paid_at,
                   Payment.local_date, Payment.period, Payment.service, Payment.amount_minor, Payment.currency,
                   Payment.refund_of)
            .join(Payment, Payment.payment_id == AccrualLine.payment_id, isouter=True)
            .order_by(AccrualLine.accrual_id, AccrualLine.id))
    yield from session.execute(stmt)


def _lines_against_payments(session: Session, accruals: dict[int, Accrual]
                            ) -> tuple[list[Problem], dict[int, tuple[int, int, list[str]]]]:
    """Each line priced again from its payment, rates and percent; per accrual, the lines' count, sum
    of commissions and texts for the digest."""
    problems: list[Problem] = []
    seen: dict[int, tuple[int, int, list[str]]] = {}
    for row in _line_rows(session):
        (line_id, accrual_id, payment_id, late, percent, pay_rate, partner_rate, usd, partner, commission,
         project_id, paid_at, local_day, period, service, amount_minor, currency, refund_of) = row
        accrual = accruals.get(accrual_id)
        if accrual is None:
            problems.append(Problem("accrual_lines", f"id {line_id}", f"belongs to no accrual ({accrual_id})"))
            continue
        count, total, parts = seen.get(accrual_id, (0, 0, []))
        terms = chain.terms_text(percent, pay_rate, partner_rate)
        parts.append(chain.line_text(payment_id, late, terms, commission))
        seen[accrual_id] = (count + 1, total + commission, parts)
        if currency is None:
            problems.append(Problem("accrual_lines", f"id {line_id}", f"payment {payment_id} does not exist"))
            continue
        candidate = Candidate(payment_id, project_id, paid_at, local_day, Period.parse(period), service,
                              from_minor(amount_minor, currency), currency, refund_of)
        expected = price(candidate, accrual.currency, Terms(percent, pay_rate, partner_rate), late=late)
        for field, value, wanted in (("usd_amount", usd, expected.usd_amount),
                                     ("partner_amount", partner, expected.partner_amount),
                                     ("commission", from_minor(commission, accrual.currency), expected.commission)):
            if value != wanted:
                problems.append(Problem("accrual_lines", f"id {line_id} (payment {payment_id})",
                                        f"{field} is {value}, its payment, rates and percent give {wanted}"))
    return problems, seen


def accrual_lines(session: Session) -> list[Problem]:
    codes = {aid: code for aid, code in session.execute(select(Agency.id, Agency.code))}
    accruals = {a.id: a for a in session.scalars(select(Accrual))}
    credited: dict[int, int] = defaultdict(int)
    for accrual_id, minor in session.execute(select(LedgerEntry.accrual_id, LedgerEntry.amount_minor)
                                             .where(LedgerEntry.accrual_id.is_not(None))):
        if accrual_id is not None:
            credited[accrual_id] += minor
    problems, seen = _lines_against_payments(session, accruals)
    for accrual_id, accrual in sorted(accruals.items()):
        where = f"id {accrual_id} ({codes.get(accrual.agency_id, accrual.agency_id)} {accrual.period})"
        problems += _accrual_totals(accrual, where, seen.get(accrual_id, (0, 0, [])), credited.get(accrual_id, 0))
    return problems


def _accrual_totals(accrual: Accrual, where: str, seen: tuple[int, int, list[str]], credited: int) -> list[Problem]:
    """An accrual against its lines (their count, digest and sum) and against its ledger credits."""
    problems: list[Problem] = []
    count, total, parts = seen
    if count != accrual.lines:
        problems.append(Problem("accrual_lines", f"of accrual {where}", f"{count} lines, {accrual.lines} were posted"))
    elif chain.lines_digest(parts) != accrual.lines_hash:
        problems.append(Problem("accrual_lines", f"of accrual {where}",
                                "differ from the lines posted: their digest no longer matches"))
    cur = accrual.currency

    def shown(minor: int) -> str:
        return f"{format_amount(from_minor(minor, cur), cur)} {cur}"

    if total != accrual.amount_minor:
        problems.append(Problem("accruals", where, f"its lines sum to {shown(total)}, it says "
                                f"{shown(accrual.amount_minor)}"))
    if credited != accrual.amount_minor:
        problems.append(Problem("ledger_entries", f"credits of accrual {where}",
                                f"{shown(credited)}, the accrual is {shown(accrual.amount_minor)}"))
    return problems


def _after(row: AuditRecord) -> dict[str, Any]:
    if not row.after:
        return {}
    try:
        found = json.loads(row.after)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


# withdrawals -----------------------------------------------------------------------------------
WITHDRAWAL_FIELDS = ("agency", "amount", "currency", "status", "method", "details", "requested_by",
                     "decided_by", "reason", "paid_by", "paid_on", "payout_reference")


def withdrawals(session: Session, records: list[AuditRecord]) -> list[Problem]:
    expected: dict[int, tuple[dict[str, Any], int]] = {}
    for row in records:
        if row.outcome != "ok" or not row.action.startswith("withdraw."):
            continue
        after = _after(row)
        if isinstance(after.get("id"), int):
            expected[after["id"]] = ({**expected.get(after["id"], ({}, 0))[0], **after}, row.id)
    problems: list[Problem] = []
    codes = {aid: code for aid, code in session.execute(select(Agency.id, Agency.code))}
    trail: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for wid, kind, minor in session.execute(select(LedgerEntry.withdrawal_id, LedgerEntry.kind,
                                                   LedgerEntry.amount_minor)
                                            .where(LedgerEntry.withdrawal_id.is_not(None))
                                            .order_by(LedgerEntry.id)):
        if wid is not None:
            trail[wid].append((kind, minor))
    present = set()
    for w in session.scalars(select(Withdrawal).order_by(Withdrawal.id)):
        present.add(w.id)
        problems += _withdrawal(w, codes.get(w.agency_id), expected.get(w.id), trail.get(w.id, []))
    for wid, (_wanted, record_id) in sorted(expected.items()):
        if wid not in present:
            problems.append(Problem("withdrawals", f"id {wid}", f"is missing: audit record {record_id} records it"))
    return problems


def _withdrawal(w: Withdrawal, code: str | None, found: tuple[dict[str, Any], int] | None,
                trail: list[tuple[str, int]]) -> list[Problem]:
    """One request against what the audit trail last recorded of it, and its ledger entries against
    those its state has written."""
    problems: list[Problem] = []
    actual = {"agency": code, "amount": format_amount(from_minor(w.amount_minor, w.currency), w.currency),
              "currency": w.currency, "status": str(w.status), "method": str(w.method), "details": w.details,
              "requested_by": w.requested_by, "decided_by": w.decided_by, "reason": w.reason,
              "paid_by": w.paid_by, "paid_on": w.paid_on.isoformat() if w.paid_on else None,
              "payout_reference": w.payout_reference}
    if found is None:
        problems.append(Problem("withdrawals", f"id {w.id}", "is in no audit record: it was written behind "
                                "the product's back"))
    else:
        wanted, record_id = found
        for field in WITHDRAWAL_FIELDS:
            if field in wanted and wanted[field] != actual[field]:
                problems.append(Problem("withdrawals", f"id {w.id}", f"{field} is {actual[field]!r}, the "
                                        f"audit trail (record {record_id}) says {wanted[field]!r}"))
    entries = [(kind, from_minor(minor, w.currency)) for kind, minor in trail]
    due = ledger_trace(w.status, from_minor(w.amount_minor, w.currency))
    if sorted(entries) != sorted(due):
        problems.append(Problem("ledger_entries", f"of withdrawal {w.id}",
                                f"{_entries(entries, w.currency)}: {_article(w.status)} {w.status} request of "
                                f"{actual['amount']} "
                                f"{w.currency} has written {_entries(due, w.currency)}"))
    return problems


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _entries(entries: list[tuple[str, Decimal]], currency: str) -> str:
    if not entries:
        return "no entries"
    return ", ".join(f"{kind} {format_amount(amount, currency)}" for kind, amount in entries)


# payout batches --------------------------------------------------------------------------------
def payout_batches(session: Session, records: list[AuditRecord]) -> list[Problem]:
    """Each batch, its requests and its files, against the audit record of the export that made it."""
    expected: dict[int, tuple[dict[str, Any], int]] = {}
    for row in records:
        if row.outcome == "ok" and row.action == "withdraw.export":
            after = _after(row)
            if isinstance(after.get("batch"), int):
                expected[after["batch"]] = (after, row.id)
    members: dict[int, list[int]] = defaultdict(list)
    for batch_id, withdrawal_id in session.execute(select(PayoutBatchRequest.batch_id,
                                                          PayoutBatchRequest.withdrawal_id)):
        members[batch_id].append(withdrawal_id)
    files: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in session.scalars(select(PayoutBatchFile).order_by(PayoutBatchFile.id)):
        files[f.batch_id].append({"name": f.name, "kind": f.kind, "currency": f.currency, "sha256": f.sha256,
                                  "requests": f.request_ids})
    problems: list[Problem] = []
    present = set()
    for batch in session.scalars(select(PayoutBatch).order_by(PayoutBatch.id)):
        present.add(batch.id)
        found = expected.get(batch.id)
        if found is None:
            problems.append(Problem("payout_batches", f"id {batch.id}", "is in no audit record: it was written "
                                    "behind the product's back"))
            continue
        problems += _batch(batch, found, members.get(batch.id, []), files.get(batch.id, []))
    for batch_id, (_wanted, record_id) in sorted(expected.items()):
        if batch_id not in present:
            problems.append(Problem("payout_batches", f"id {batch_id}",
                                    f"is missing: audit record {record_id} records it"))
    return problems


def _batch(batch: PayoutBatch, found: tuple[dict[str, Any], int], members: list[int],
           files: list[dict[str, Any]]) -> list[Problem]:
    """A batch, its requests and its files against the audit record of its export."""
    problems: list[Problem] = []
    where = f"id {batch.id}"
    wanted, record_id = found
    actual: dict[str, Any] = {"method": str(batch.method), "made_on": batch.made_on.isoformat(),
                              "created_by": batch.created_by, "audit_head": batch.audit_head}
    for key, value in actual.items():
        if key in wanted and wanted[key] != value:
            problems.append(Problem("payout_batches", where, f"{key} is {value!r}, the audit trail (record "
                                    f"{record_id}) says {wanted[key]!r}"))
    held = sorted(members)
    if "requests" in wanted and held != sorted(wanted["requests"]):
        problems.append(Problem("payout_batch_requests", f"of batch {batch.id}",
                                f"requests {_listed(held)}, the audit trail (record {record_id}) says "
                                f"{_listed(sorted(wanted['requests']))}"))
    if "batch_files" in wanted:
        problems += _batch_files(batch.id, record_id, files, wanted["batch_files"])
    return problems


def _batch_files(batch_id: int, record_id: int, files: list[dict[str, Any]], recorded: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    have = {f["name"]: f for f in files}
    want = {f["name"]: f for f in recorded if isinstance(f, dict)}
    for name in sorted(set(have) | set(want)):
        if name not in have:
            what = f"is missing: audit record {record_id} records it"
        elif name not in want:
            what = f"is in no audit record (record {record_id} lists the batch's files)"
        elif have[name] != want[name]:
            fields = [k for k in ("kind", "currency", "sha256", "requests") if have[name][k] != want[name][k]]
            what = f"{', '.join(fields)} differ from audit record {record_id}"
        else:
            continue
        problems.append(Problem("payout_batch_files", f"{name} (batch {batch_id})", what))
    return problems


def _listed(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) if ids else "none"


# users -----------------------------------------------------------------------------------------
def users(session: Session, records: list[AuditRecord]) -> list[Problem]:
    afters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    last: dict[str, int] = {}
    for row in records:
        if row.outcome != "ok" or row.action not in USER_ACTIONS or row.object is None:
            continue
        afters[row.object].append(_after(row))
        last[row.object] = row.id
    problems: list[Problem] = []
    present = set()
    for user in session.scalars(select(User).order_by(User.name)):
        present.add(user.name)
        if user.name not in afters:
            problems.append(Problem("users", user.name, "is in no audit record: the user was added behind "
                                    "the product's back"))
            continue
        wanted = replay(afters[user.name])
        actual = {"role": role_text(user.role), "active": bool(user.active),
                  "password": password_digest(user.password_hash)}
        for field in ("role", "active", "password"):
            if field in wanted and wanted[field] != actual[field]:
                shown = ("was changed" if field == "password" else
                         f"is {actual[field]!r}, the audit trail (record {last[user.name]}) says {wanted[field]!r}")
                problems.append(Problem("users", user.name, f"{field} {shown}"))
    for name in sorted(afters):
        if name not in present:
            problems.append(Problem("users", name, f"is missing: audit record {last[name]} records the user"))
    return problems


WORDS = {"balance": "balance", "held": "amount held"}


# balances --------------------------------------------------------------------------------------
def balances(session: Session, records: list[AuditRecord]) -> list[Problem]:
    """Each agency's balance and held amount, replayed along the ledger chain, against what the audit
    records of money moves say they were after each move."""
    checkpoints = _checkpoints(records)
    if not checkpoints:
        return []
    agencies = {a.id: (a.code, a.currency) for a in session.scalars(select(Agency))}
    currencies = dict(agencies.values())
    # the positions as the domain's rule adds entries up (domain/ledger.py)
    positions = {code: Position(cur, Decimal(0), Decimal(0)) for code, cur in agencies.values()}
    entries = session.execute(select(LedgerEntry.id, LedgerEntry.agency_id, LedgerEntry.kind,
                                     LedgerEntry.amount_minor).order_by(LedgerEntry.id))
    pending = iter(entries)
    upcoming = next(pending, None)
    problems: list[Problem] = []
    wrong: set[str] = set()
    for up_to, code, after, row in checkpoints:
        while upcoming is not None and upcoming[0] <= up_to:
            _id, agency_id, kind, minor = upcoming
            own = agencies.get(agency_id)
            if own is not None:
                positions[own[0]] = add_entry(positions[own[0]], kind, from_minor(minor, own[1]))
            upcoming = next(pending, None)
        if code not in currencies or code in wrong:
            continue
        found = _position_against(positions[code], code, after, row)
        if found is not None:
            wrong.add(code)
            problems.append(found)
    return problems


def _checkpoints(records: list[AuditRecord]) -> list[tuple[int, str, dict[str, Any], AuditRecord]]:
    """The audit records that say an agency's balance and held amount after a money move, with the
    last ledger entry id they had seen."""
    checkpoints: list[tuple[int, str, dict[str, Any], AuditRecord]] = []
    for row in records:
        if row.outcome != "ok":
            continue
        after = _after(row)
        anchors = anchors_of(row)
        noted = anchors.get(chain.LEDGER.name) if anchors else None
        if noted is None or "balance" not in after or "held" not in after:
            continue
        code = after.get("agency") or row.object
        if isinstance(code, str):
            checkpoints.append((int(noted[0]), code, after, row))
    return checkpoints


def _position_against(pos: Position, code: str, after: dict[str, Any], row: AuditRecord) -> Problem | None:
    currency = pos.currency
    for field, value in (("balance", pos.balance), ("held", pos.held)):
        actual = format_amount(value, currency)
        if actual != after[field]:
            return Problem("ledger_entries", f"of agency {code}",
                           f"the {WORDS[field]} they give after audit record {row.id} ({row.action}) is "
                           f"{actual} {currency}; the audit trail says {after[field]} {currency}")
    return None
