"""Payout batches: export the approved requests of one method as payout files, and mark a whole batch
paid at once (SPEC section 7).

Exporting changes no request: it records the batch (its requests and files, with each file's hash)
and an audit record. A request already in an earlier batch is left out of the next export of its
method unless asked for again, so one payout is not sent twice by accident.

Marking a batch paid runs in one transaction: every request gets the ledger entries that marking it
paid alone writes (`withdrawals.pay_in`), with the one reference and date, or nothing is written. The
release of each hold and each payout are dated that day, which obeys the bounds of a chosen date (not
after today, not in a posted month) and comes no earlier than any request's hold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk import refusal_text
from partner_desk.domain.bounds import MAX_ROW_ID
from partner_desk.domain.errors import UserError
from partner_desk.domain.money import format_amount, from_minor, per_currency
from partner_desk.domain.payouts import (
    BankRow,
    FileKind,
    PayoutRequest,
    PayPalRow,
    PlannedFile,
    bank_rows,
    batch_method,
    paypal_currency_notes,
    paypal_rows,
    plan_paypal,
    sepa_left_out,
)
from partner_desk.domain.periods import local_date, today_in
from partner_desk.domain.refusals import Refusal, Said
from partner_desk.domain.roles import Action, Actor
from partner_desk.domain.withdrawals import Method, Move, Status, decider_refusal, move_refusal
from partner_desk.files import payouts as payout_files
from partner_desk.files.atomic import atomic_path
from partner_desk.refusal_text import english, read
from partner_desk.services import audit
from partner_desk.services.audit_trail import head_in
from partner_desk.services.guard import Refused, guarded
from partner_desk.services.ledger import open_day
from partner_desk.services.payout_accounts import debtor
from partner_desk.services.withdrawals import WithdrawalView, list_withdrawals, pay_in
from partner_desk.store import locks
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, PayoutBatch, PayoutBatchFile, PayoutBatchRequest, Withdrawal
from partner_desk.store.queries import company_tz

_IDS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*,?\s*$")
METHOD_WORDS = {Method.PAYPAL: "PayPal", Method.BANK_TRANSFER: "bank transfer"}


class BatchRefused(Refused):
    """A batch that cannot be made or marked paid, with every request that stops it."""

    def __init__(self, message: str, problems: list[str], reasons: Sequence[Refusal] = (),
                 prefix: Refusal | None = None) -> None:
        if reasons:  # typed: the window words them in its language; `message` is their English
            super().__init__(*reasons, prefix=prefix)
        else:
            super().__init__(message)
        self.problems = problems


def _not_made(word: str, reasons: list[Refusal]) -> BatchRefused:
    """The batch of `word` (PayPal, bank transfer) refused, with every request that stops it."""
    prefix = Refusal("batch_not_made", {"method": Said(word)})
    problems = [english(r) for r in reasons]
    return BatchRefused(f"{english(prefix)}: " + "; ".join(problems), problems, reasons, prefix)


@dataclass(frozen=True)
class BatchExport:
    """What an export wrote."""

    batch_id: int
    method: Method
    request_ids: list[int]
    files: list[Path]
    totals: dict[str, Decimal]
    notices: list[Refusal] = field(default_factory=list)  # worded by refusal_text
    left_out: dict[int, int] = field(default_factory=dict)  # request id -> the earlier batch holding it
    audit_head: str | None = None  # COUNT:HASH of the audit trail when the batch was made

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id, "method": self.method.value, "requests": self.request_ids,
            "files": [str(p) for p in self.files],
            "totals": {cur: format_amount(amount, cur) for cur, amount in self.totals.items()},
            "notices": [english(n) for n in self.notices],
            "left_out": [{"request": rid, "batch": bid} for rid, bid in sorted(self.left_out.items())],
            "audit_head": self.audit_head,
        }


@dataclass(frozen=True)
class BatchPreview:
    """The requests a batch file (or a list of ids) names, as they stand, before marking them paid."""

    batch_id: int | None
    requests: list[WithdrawalView]
    totals: dict[str, Decimal]


@dataclass(frozen=True)
class BatchPaid:
    batch_id: int | None
    requests: list[WithdrawalView]
    totals: dict[str, Decimal]
    reference: str
    paid_on: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id, "requests": [r.id for r in self.requests], "reference": self.reference,
            "paid_on": self.paid_on.isoformat(),
            "totals": {cur: format_amount(amount, cur) for cur, amount in self.totals.items()},
        }


# exporting ------------------------------------------------------------------------------------------

def export_batch(db: Database, actor: Actor, method: Method | str, folder: Path | str,
                 ids: Sequence[int] | None = None, *, include_exported: bool = False) -> BatchExport:
    """Write a payout batch of approved requests paid by `method` (PayPal or bank transfer) into
    `folder` and record it (finance). Without `ids`, every approved request of the method that no
    earlier batch holds; with `ids`, exactly those requests. Refused, with every request that stops
    it and nothing written, when a request cannot be paid from its details."""
    obj = f"{method}"
    written: list[Path] = []
    try:
        with guarded(db, actor, Action.WITHDRAW_EXPORT, obj) as act:
            chosen = read(batch_method, str(method))
            return _export(act.session, actor, chosen, Path(folder), ids, include_exported, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _export(session: Session, actor: Actor, method: Method, folder: Path, ids: Sequence[int] | None,
            include_exported: bool, written: list[Path]) -> BatchExport:
    # two exports at once would both take the same approved requests
    locks.take(session, locks.PAYOUT_BATCH)
    tz = company_tz(session)
    day = today_in(tz)  # the product's today: the batch is made, and its SEPA transfers executed, on it
    requests, left_out = _batch_requests(session, method, ids, include_exported)
    word = METHOD_WORDS[method]
    if not requests:
        if left_out:
            raise refusal_text.Refused(Refusal("nothing_to_export_left", {"method": Said(word),
                                                                          "ids": _ids(left_out)}))
        raise refusal_text.Refused(Refusal("nothing_to_export", {"method": Said(word)}))
    paypal: list[PayPalRow] = []
    bank: list[BankRow] = []
    if method is Method.PAYPAL:
        paypal, problems = paypal_rows(requests)
    else:
        bank, problems = bank_rows(requests)
    if problems:
        raise _not_made(word, problems)
    if folder.exists() and not folder.is_dir():
        raise refusal_text.Refused(Refusal("not_a_folder", {"path": str(folder)}))
    head = str(head_in(session))  # the trail as it stood before this batch: its files carry it
    batch = PayoutBatch(method=method.value, made_on=day, created_by=actor.name, folder=str(folder.resolve()),
                        audit_head=head)
    session.add(batch)
    session.flush()
    files, notices = _planned_files(session, method, batch.id, day, head, paypal if method is Method.PAYPAL else bank)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for planned, content in files:
            target = folder / planned.name(batch.id)
            with atomic_path(target) as temporary:
                temporary.write_bytes(content)
            written.append(target)
    except OSError as exc:
        raise refusal_text.Refused(Refusal("cannot_write_payouts", {
            "path": str(folder), "detail": Said(str(exc.strerror or exc))})) from None
    recorded = [PayoutBatchFile(batch_id=batch.id, name=planned.name(batch.id), kind=planned.kind.value,
                                currency=planned.currency, sha256=hashlib.sha256(content).hexdigest(),
                                request_ids=_ids(planned.request_ids)) for planned, content in files]
    session.add_all(recorded)
    request_ids = sorted(r.id for r in requests)
    session.add_all(PayoutBatchRequest(batch_id=batch.id, withdrawal_id=rid) for rid in request_ids)
    summed = per_currency((r.amount, r.currency) for r in requests)
    result = BatchExport(batch.id, method, request_ids, written[:], summed, notices, left_out, head)
    # the record says what the batch tables hold, so `audit --verify` can check them against it
    audit.record(session, actor, Action.WITHDRAW_EXPORT, f"batch:{batch.id}",
                 after={**result.as_dict(), "made_on": day.isoformat(), "created_by": actor.name,
                        "batch_files": [batch_file_record(f) for f in recorded]})
    return result


def _planned_files(session: Session, method: Method, batch_id: int, day: date, head: str,
                   rows: Sequence[PayPalRow] | Sequence[BankRow]
                   ) -> tuple[list[tuple[PlannedFile, bytes]], list[Refusal]]:
    """The files of a batch and their contents, and what the person exporting it should know."""
    files: list[tuple[PlannedFile, bytes]] = []
    notices: list[Refusal] = []
    if method is Method.PAYPAL:
        paypal = [r for r in rows if isinstance(r, PayPalRow)]
        files = [(planned, payout_files.paypal_csv(chunk)) for planned, chunk in plan_paypal(paypal)]
        notices += paypal_currency_notes(paypal)
        return files, notices
    bank = [r for r in rows if isinstance(r, BankRow)]
    account = debtor(session)
    ids_all = tuple(r.request_id for r in bank)
    files.append((PlannedFile(FileKind.REGISTER, None, 1, 1, ids_all),
                  payout_files.register_xlsx(batch_id, day, bank, account, head)))
    sepa = [r for r in bank if r.in_sepa]
    notices += sepa_left_out(bank)
    if sepa and account is None:
        notices.append(Refusal("sepa_not_written"))
    elif sepa and account is not None:
        files.append((PlannedFile(FileKind.SEPA, "EUR", 1, 1, tuple(r.request_id for r in sepa)),
                      payout_files.sepa_xml(sepa, account, day, head)))
    return files, notices


def batch_file_record(row: PayoutBatchFile) -> dict[str, Any]:
    """A batch file as the audit record of its export keeps it."""
    return {"name": row.name, "kind": row.kind, "currency": row.currency, "sha256": row.sha256,
            "requests": row.request_ids}


def _batch_requests(session: Session, method: Method, ids: Sequence[int] | None,
                    include_exported: bool) -> tuple[list[PayoutRequest], dict[int, int]]:
    """The requests of the batch, and those left out because an earlier batch holds them."""
    tz = company_tz(session)
    stmt = select(Withdrawal, Agency).join(Agency, Agency.id == Withdrawal.agency_id)
    if ids is None:
        stmt = stmt.where(Withdrawal.status == Status.APPROVED.value, Withdrawal.method == method.value)
    else:
        stmt = stmt.where(Withdrawal.id.in_(set(ids)))
    found = {w.id: (w, a) for w, a in session.execute(stmt.order_by(Withdrawal.id))}
    earlier = _earlier_batches(session, list(found))
    problems: list[Refusal] = []
    if ids is not None:
        for rid in sorted(set(ids)):
            if rid not in found:
                problems.append(Refusal("no_such_withdrawal", {"request": rid}))
                continue
            w, _agency = found[rid]
            if w.status != Status.APPROVED.value:
                problems.append(Refusal("batch_not_approved", {"request": rid, "status": Status(w.status)}))
            elif w.method != method.value:
                problems.append(Refusal("batch_other_method", {"request": rid, "method": Said(w.method),
                                                               "wanted": Said(method.value)}))
            elif rid in earlier and not include_exported:
                problems.append(Refusal("batch_already", {"request": rid, "batch": earlier[rid]}))
        if problems:
            raise _not_made(METHOD_WORDS[method], problems)
    left_out = {} if include_exported else {rid: earlier[rid] for rid in found if rid in earlier}
    requests = [
        PayoutRequest(w.id, a.code, a.name, from_minor(w.amount_minor, w.currency), w.currency, w.method,
                      w.details, local_date(w.requested_at, tz))
        for rid, (w, a) in found.items() if rid not in left_out
    ]
    return requests, left_out


def _earlier_batches(session: Session, request_ids: list[int]) -> dict[int, int]:
    """The newest batch that holds each of the requests, for those any batch holds."""
    if not request_ids:
        return {}
    rows = session.execute(select(PayoutBatchRequest.withdrawal_id, PayoutBatchRequest.batch_id)
                           .where(PayoutBatchRequest.withdrawal_id.in_(request_ids))
                           .order_by(PayoutBatchRequest.batch_id))
    return {int(rid): int(bid) for rid, bid in rows}


def _ids(values: Sequence[int] | dict[int, int]) -> str:
    return ",".join(str(v) for v in sorted(values))


# marking a batch paid --------------------------------------------------------------------------------

def parse_target(text: str) -> Path | list[int]:
    """What `withdraw paid-batch` was given: an existing file, or request ids such as "12,13,14"."""
    path = Path(text)
    try:
        if path.is_file():
            return path
        exists = path.exists()
    except OSError as exc:  # a name too long for the file system, say
        raise UserError(f"{text}: {exc.strerror or exc}") from None
    if _IDS.match(text):
        ids = sorted({int(part) for part in text.split(",") if part.strip()})
        if ids and ids[-1] > MAX_ROW_ID:
            raise UserError(f"'{ids[-1]}' is not a request id")
        return ids
    if exists:
        raise UserError(f"{text} is not a file")
    raise UserError(f"{text}: no such file (give a file of a payout batch, or request ids such as 12,13,14)")


def _describe(target: Path | Sequence[int]) -> str:
    return f"file {target.name}" if isinstance(target, Path) else f"withdrawals:{_ids(list(target))}"


def _resolve(session: Session, target: Path | Sequence[int]) -> tuple[int | None, list[int]]:
    """The batch a file belongs to and all its requests; or the ids as given (and no batch)."""
    if not isinstance(target, Path):
        if not target:
            raise UserError("no request ids were given")
        return None, sorted(set(target))
    try:
        content = target.read_bytes()
    except OSError as exc:
        raise refusal_text.Refused(Refusal("cannot_read", {"path": str(target),
                                                           "detail": Said(str(exc.strerror or exc))})) from None
    digest = hashlib.sha256(content).hexdigest()
    batch_id = session.scalar(select(PayoutBatchFile.batch_id).where(PayoutBatchFile.sha256 == digest)
                              .order_by(PayoutBatchFile.batch_id.desc()).limit(1))
    if batch_id is None:
        batch_id = _batch_by_content(session, target)
    members = sorted(session.scalars(select(PayoutBatchRequest.withdrawal_id)
                                     .where(PayoutBatchRequest.batch_id == batch_id)))
    return batch_id, members


def _batch_by_content(session: Session, path: Path) -> int:
    """A file that was saved again (a spreadsheet does that) still names its requests: the batch whose
    file holds exactly those requests."""
    listed = payout_files.request_ids(path)
    wanted = _ids(sorted(set(listed)))
    if not listed:
        raise refusal_text.Refused(Refusal("no_requests_in_file", {"file": path.name}))
    candidates = session.execute(
        select(PayoutBatchFile.batch_id, PayoutBatchFile.request_ids)
        .join(PayoutBatchRequest, PayoutBatchRequest.batch_id == PayoutBatchFile.batch_id)
        .where(PayoutBatchRequest.withdrawal_id == listed[0])
        .order_by(PayoutBatchFile.batch_id.desc())
    )
    for batch_id, recorded in candidates:
        if _ids(sorted({int(x) for x in recorded.split(",")})) == wanted:
            return batch_id
    raise refusal_text.Refused(Refusal("not_a_batch_file", {"file": path.name, "ids": wanted}))


def preview_batch(db: Database, target: Path | Sequence[int]) -> BatchPreview:
    """The requests a batch file (or a list of ids) names, as they stand, with totals per currency."""
    with db.read() as session:
        batch_id, ids = _resolve(session, target)
    wanted = set(ids)
    views = sorted((v for v in list_withdrawals(db) if v.id in wanted), key=lambda v: v.id)
    missing = wanted - {v.id for v in views}
    if missing:
        listed = ", ".join(str(i) for i in sorted(missing))
        raise refusal_text.Refused(Refusal("no_such_withdrawal", {"request": listed}))
    return BatchPreview(batch_id, views, per_currency((v.amount, v.currency) for v in views))


def mark_batch_paid(db: Database, actor: Actor, target: Path | Sequence[int], reference: str,
                    paid_on: date) -> BatchPaid:
    """Mark every request of a batch (named by any of its files) or of a list of ids paid, in one
    transaction, with one reference and date (finance; nobody marks their own request). Refused as a
    whole, naming every request that stops it, when any is not approved or was paid already."""
    obj = _describe(target)
    with guarded(db, actor, Action.WITHDRAW_PAID_BATCH, obj) as act:
        session = act.session
        return _mark(session, actor, target, reference, paid_on)


def _mark(session: Session, actor: Actor, target: Path | Sequence[int], reference: str,
          paid_on: date) -> BatchPaid:
    batch_id, ids = _resolve(session, target)
    what = f"payout batch {batch_id}" if batch_id is not None else f"requests {_ids(ids)}"
    ref = reference.strip()
    if not ref:
        raise refusal_text.Refused(Refusal("batch_reference", {"batch": batch_id}) if batch_id is not None
                                   else Refusal("requests_reference", {"ids": _ids(ids)}))
    rows = {w.id: w for w in session.scalars(select(Withdrawal).where(Withdrawal.id.in_(ids)))}
    if rows and all(w.status == Status.PAID.value for w in rows.values()) and len(rows) == len(ids):
        paid = sorted({(w.paid_on, w.payout_reference or "") for w in rows.values()}, key=str)
        when = "; ".join(f"on {d} with reference {r}" for d, r in paid)
        raise Refused(f"{what} was already marked paid ({when}): nothing was changed")
    # the date bounds every request shares: not after today, not in a posted month (its books are closed)
    open_day(session, paid_on, "the payout date")
    reasons: list[Refusal] = []
    for rid in ids:
        row = rows.get(rid)
        if row is None:
            reasons.append(Refusal("no_such_withdrawal", {"request": rid}))
            continue
        problem = decider_refusal(actor, Move.PAID, row.requested_by, rid)
        if problem is None and row.status == Status.PAID.value:
            problem = Refusal("paid_already", {"request": rid, "day": row.paid_on,
                                               "reference": row.payout_reference})
        problem = problem or move_refusal(Move.PAID, row.status, rid)
        if problem is not None:
            reasons.append(problem)
    if reasons:
        prefix = (Refusal("batch_not_paid", {"batch": batch_id}) if batch_id is not None
                  else Refusal("requests_not_paid", {"ids": _ids(ids)}))
        problems = [english(r) for r in reasons]
        raise BatchRefused(f"{english(prefix)}: " + "; ".join(problems), problems, reasons, prefix)
    # one lock order for every writer: every agency row first (before the first payout takes the chain's
    # lock), then requests
    locks.agencies(session, {w.agency_id for w in rows.values()})
    views = [pay_in(session, actor, w.id, ref, paid_on)
             for w in sorted(rows.values(), key=lambda w: (w.agency_id, w.id))]
    views.sort(key=lambda v: v.id)
    result = BatchPaid(batch_id, views, per_currency((v.amount, v.currency) for v in views), ref, paid_on)
    audit.record(session, actor, Action.WITHDRAW_PAID_BATCH,
                 f"batch:{batch_id}" if batch_id is not None else f"withdrawals:{_ids(ids)}",
                 after=result.as_dict())
    return result
