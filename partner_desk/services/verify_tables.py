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
from partner_desk.domain.money import Money, format_amount, from_minor
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Code, Figure, Refusal, Stored
from partner_desk.domain.roles import role_text
from partner_desk.domain.withdrawals import ledger_trace
from partner_desk.refusal_text import english, listed, problem_english, problem_shown
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
    """One difference: which table, which row (a refusal naming it, or its key as it is), what differs
    (a typed refusal: English on the command line, the window's language on the Audit page)."""

    table: str
    row: Refusal | str
    what: Refusal

    def __str__(self) -> str:
        return problem_english(self.table, self.row, self.what)

    @property
    def row_text(self) -> str:
        """The row, as the command line names it."""
        return english(self.row) if isinstance(self.row, Refusal) else self.row

    @property
    def what_text(self) -> str:
        """What differs, as the command line says it."""
        return english(self.what)

    def shown(self) -> str:
        """The problem in the window's language."""
        return problem_shown(self.table, self.row, self.what)


def row_id(key: Any) -> Refusal:
    """A row named by its id: "id 7"."""
    return Refusal("row_id", {"id": key})


def _recorded(record: int) -> Refusal:
    return Refusal("missing_recorded", {"record": record})


WRITTEN_BEHIND = Refusal("written_behind")


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
            problems.append(Problem("accrual_lines", row_id(line_id),
                                    Refusal("line_no_accrual", {"accrual": accrual_id})))
            continue
        count, total, parts = seen.get(accrual_id, (0, 0, []))
        terms = chain.terms_text(percent, pay_rate, partner_rate)
        parts.append(chain.line_text(payment_id, late, terms, commission))
        seen[accrual_id] = (count + 1, total + commission, parts)
        if currency is None:
            problems.append(Problem("accrual_lines", row_id(line_id),
                                    Refusal("line_no_payment", {"payment": payment_id})))
            continue
        candidate = Candidate(payment_id, project_id, paid_at, local_day, Period.parse(period), service,
                              from_minor(amount_minor, currency), currency, refund_of)
        expected = price(candidate, accrual.currency, Terms(percent, pay_rate, partner_rate), late=late)
        for field, value, wanted in (("usd_amount", usd, expected.usd_amount),
                                     ("partner_amount", partner, expected.partner_amount),
                                     ("commission", from_minor(commission, accrual.currency), expected.commission)):
            if value != wanted:
                problems.append(Problem("accrual_lines", Refusal("row_line", {"id": line_id, "payment": payment_id}),
                                        Refusal("line_differs", {"field": Code("field", field), "found": value,
                                                                 "expected": wanted})))
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
        where = Refusal("row_accrual", {"id": accrual_id, "agency": codes.get(accrual.agency_id, accrual.agency_id),
                                        "period": accrual.period})
        problems += _accrual_totals(accrual, where, seen.get(accrual_id, (0, 0, [])), credited.get(accrual_id, 0))
    return problems


def _accrual_totals(accrual: Accrual, where: Refusal, seen: tuple[int, int, list[str]], credited: int) -> list[Problem]:
    """An accrual against its lines (their count, digest and sum) and against its ledger credits."""
    problems: list[Problem] = []
    count, total, parts = seen
    if count != accrual.lines:
        problems.append(Problem("accrual_lines", Refusal("of_accrual", {"accrual": where}),
                                Refusal("lines_count", {"found": count, "posted": accrual.lines})))
    elif chain.lines_digest(parts) != accrual.lines_hash:
        problems.append(Problem("accrual_lines", Refusal("of_accrual", {"accrual": where}), Refusal("lines_digest")))
    cur = accrual.currency

    def money(minor: int) -> Money:
        return Money(from_minor(minor, cur), cur)

    if total != accrual.amount_minor:
        problems.append(Problem("accruals", where, Refusal("accrual_sum", {"total": money(total),
                                                                           "amount": money(accrual.amount_minor)})))
    if credited != accrual.amount_minor:
        problems.append(Problem("ledger_entries", Refusal("credits_of_accrual", {"accrual": where}),
                                Refusal("credits_differ", {"total": money(credited),
                                                           "amount": money(accrual.amount_minor)})))
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
            problems.append(Problem("withdrawals", row_id(wid), _recorded(record_id)))
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
        problems.append(Problem("withdrawals", row_id(w.id), WRITTEN_BEHIND))
    else:
        wanted, record_id = found
        for field in WITHDRAWAL_FIELDS:
            if field in wanted and wanted[field] != actual[field]:
                problems.append(Problem("withdrawals", row_id(w.id), differs(field, actual[field], record_id,
                                                                            wanted[field])))
    entries = [(kind, from_minor(minor, w.currency)) for kind, minor in trail]
    due = ledger_trace(w.status, from_minor(w.amount_minor, w.currency))
    if sorted(entries) != sorted(due):
        code = "withdrawal_entries_an" if str(w.status)[:1] in "aeiou" else "withdrawal_entries"
        problems.append(Problem("ledger_entries", Refusal("of_withdrawal", {"request": w.id}),
                                Refusal(code, {"entries": _entries(entries, w.currency), "status": w.status,
                                               "amount": Money(from_minor(w.amount_minor, w.currency), w.currency),
                                               "due": _entries(due, w.currency)})))
    return problems


# the fields whose stored values are codes with names, or amounts ("figure")
_FIELD_KINDS = {"status": "status", "method": "method", "role": "role", "amount": "figure"}


def differs(field: str, found: Any, record: int, recorded: Any) -> Refusal:
    """A field whose stored value is not the one the audit trail (record `record`) last recorded."""
    kind = _FIELD_KINDS.get(field)
    return Refusal("field_differs", {"field": Code("field", field), "found": Stored(found, kind), "record": record,
                                     "recorded": Stored(recorded, kind)})


def _entries(entries: list[tuple[str, Decimal]], currency: str) -> Any:
    return listed((Refusal("entry", {"kind": Code("entry", kind), "figure": Figure(amount, currency)})
                   for kind, amount in entries), empty=Refusal("no_entries"))


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
            problems.append(Problem("payout_batches", row_id(batch.id), WRITTEN_BEHIND))
            continue
        problems += _batch(batch, found, members.get(batch.id, []), files.get(batch.id, []))
    for batch_id, (_wanted, record_id) in sorted(expected.items()):
        if batch_id not in present:
            problems.append(Problem("payout_batches", row_id(batch_id), _recorded(record_id)))
    return problems


def _batch(batch: PayoutBatch, found: tuple[dict[str, Any], int], members: list[int],
           files: list[dict[str, Any]]) -> list[Problem]:
    """A batch, its requests and its files against the audit record of its export."""
    problems: list[Problem] = []
    where = row_id(batch.id)
    wanted, record_id = found
    actual: dict[str, Any] = {"method": str(batch.method), "made_on": batch.made_on.isoformat(),
                              "created_by": batch.created_by, "audit_head": batch.audit_head}
    for key, value in actual.items():
        if key in wanted and wanted[key] != value:
            problems.append(Problem("payout_batches", where, differs(key, value, record_id, wanted[key])))
    held = sorted(members)
    if "requests" in wanted and held != sorted(wanted["requests"]):
        problems.append(Problem("payout_batch_requests", Refusal("of_batch", {"batch": batch.id}),
                                Refusal("requests_differ", {"found": _ids(held), "record": record_id,
                                                            "recorded": _ids(sorted(wanted["requests"]))})))
    if "batch_files" in wanted:
        problems += _batch_files(batch.id, record_id, files, wanted["batch_files"])
    return problems


def _batch_files(batch_id: int, record_id: int, files: list[dict[str, Any]], recorded: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    have = {f["name"]: f for f in files}
    want = {f["name"]: f for f in recorded if isinstance(f, dict)}
    for name in sorted(set(have) | set(want)):
        if name not in have:
            what = _recorded(record_id)
        elif name not in want:
            what = Refusal("file_unlisted", {"record": record_id})
        elif have[name] != want[name]:
            fields = [Code("field", k) for k in ("kind", "currency", "sha256", "requests")
                      if have[name][k] != want[name][k]]
            what = Refusal("file_fields_differ", {"fields": listed(fields), "record": record_id})
        else:
            continue
        problems.append(Problem("payout_batch_files", Refusal("batch_file", {"file": name, "batch": batch_id}), what))
    return problems


def _ids(ids: list[int]) -> Any:
    return ", ".join(str(i) for i in ids) if ids else Refusal("no_ids")


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
            problems.append(Problem("users", user.name, Refusal("user_behind")))
            continue
        wanted = replay(afters[user.name])
        actual = {"role": role_text(user.role), "active": bool(user.active),
                  "password": password_digest(user.password_hash)}
        for field in ("role", "active", "password"):
            if field in wanted and wanted[field] != actual[field]:
                problems.append(Problem("users", user.name, Refusal("password_changed") if field == "password"
                                        else differs(field, actual[field], last[user.name], wanted[field])))
    for name in sorted(afters):
        if name not in present:
            problems.append(Problem("users", name, Refusal("user_missing", {"record": last[name]})))
    return problems


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
        said = after[field]
        if format_amount(value, currency) != said:
            return Problem("ledger_entries", Refusal("of_agency", {"agency": code}),
                           Refusal(f"{field}_differs", {"record": row.id, "audit_action": Code("action", row.action),
                                                        "found": Money(value, currency),
                                                        "recorded": _as_recorded(said, currency)}))
    return None


def _as_recorded(said: Any, currency: str) -> Any:
    """An amount an audit record wrote (as text, "1,234.50"), with its currency: as money when it reads
    back as the text it was, else the text as it is."""
    try:
        amount = Decimal(str(said).replace(",", ""))
        if amount.is_finite() and format_amount(amount, currency) == said:
            return Money(amount, currency)
    except (ArithmeticError, ValueError):
        pass
    return f"{said} {currency}"
