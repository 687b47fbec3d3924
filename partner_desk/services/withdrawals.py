"""Withdrawal requests and their moves: request, approve, reject, cancel, mark paid (SPEC section 7).

Every step runs in one write transaction that first locks the agency row (then the request row), so
two people acting on one agency or one request at once are served one after the other; the state
change itself is a guarded UPDATE (`... WHERE id = ? AND status = 'pending'`) whose row count must be
one, so each transition happens at most once whatever the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from partner_desk import refusal_text
from partner_desk.domain.errors import UserError
from partner_desk.domain.ledger import (
    Entry,
    EntryKind,
    Position,
    check_amount,
    hold_entries,
    payout_entries,
    release_entries,
)
from partner_desk.domain.ledger import spend_refusals as _spend_refusals
from partner_desk.domain.money import Money, format_amount, from_minor, to_minor
from partner_desk.domain.payout_details import iban_refusals
from partner_desk.domain.periods import today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor
from partner_desk.domain.withdrawals import (
    MOVES,
    Method,
    Move,
    Status,
    decider_refusal,
    ledger_trace,
    move_refusal,
)
from partner_desk.refusal_text import raise_refusals, read
from partner_desk.services import audit, versions
from partner_desk.services.balances import agency_position, eligibility, locked_agency
from partner_desk.services.guard import Refused, guarded
from partner_desk.services.ledger import amount_in, entry_list, open_day
from partner_desk.store import chain
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, LedgerEntry, Withdrawal
from partner_desk.store.queries import company_tz
from partner_desk.store.types import utc_now


class WithdrawalRefused(Refused):
    """A request that may not be made (or approved), with every reason."""

    def __init__(self, prefix: Refusal, reasons: list[Refusal]) -> None:
        super().__init__(*reasons, prefix=prefix)


@dataclass(frozen=True, slots=True)
class WithdrawalView:
    id: int
    agency: str
    amount: Decimal
    currency: str
    status: Status
    method: str
    details: str
    requested_by: str | None
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    paid_by: str | None
    paid_on: date | None
    payout_reference: str | None

    def list_dict(self) -> dict[str, Any]:
        """The `withdraw list --json` shape (SPEC section 10)."""
        return {
            "id": self.id,
            "agency": self.agency,
            "amount": format_amount(self.amount, self.currency),
            "currency": self.currency,
            "status": self.status.value,
            "method": self.method,
            "requested_by": self.requested_by,
            "decided_by": self.decided_by,
        }

    def as_dict(self) -> dict[str, Any]:
        """The whole request, as `withdraw request --json` prints it."""
        return {
            **self.list_dict(),
            "details": self.details,
            "requested_at": _iso(self.requested_at),
            "decided_at": _iso(self.decided_at),
            "reason": self.reason,
            "paid_by": self.paid_by,
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "payout_reference": self.payout_reference,
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _view(row: Withdrawal, code: str) -> WithdrawalView:
    return WithdrawalView(
        row.id, code, from_minor(row.amount_minor, row.currency), row.currency, Status(row.status), row.method,
        row.details, row.requested_by, row.requested_at, row.decided_by, row.decided_at, row.reason,
        row.paid_by, row.paid_on, row.payout_reference,
    )


def _write_entries(session: Session, actor: Actor, agency: Agency, withdrawal_id: int, entries: list[Entry],
                   day: date, note: str) -> list[list[Any]]:
    """Append the entries to the ledger, dated `day`; the list the audit record keeps of them."""
    rows = [dict(agency_id=agency.id, kind=kind.value, amount_minor=to_minor(amount, agency.currency),
                 currency=agency.currency, effective_on=day, user_name=actor.name, withdrawal_id=withdrawal_id,
                 note=note) for kind, amount in entries]
    return entry_list(chain.append(session, chain.LEDGER, rows), rows)


def request_withdrawal(db: Database, actor: Actor, code: str, amount: Decimal | str, method: Method | str,
                       details: str, as_of: date | None = None, expected: int | None = None) -> WithdrawalView:
    """Request a payout of `amount` and hold it. Refused, with every failing condition, unless the
    offer is accepted, the available balance is worth more than $100 today and covers the amount.
    With `expected` (the balance's version the window showed), refused when the balance changed since."""
    with guarded(db, actor, Action.WITHDRAW_REQUEST, code) as act:
        session = act.session
        return _request(session, actor, code, amount, method, details, as_of, expected)


def _request(session: Session, actor: Actor, code: str, value: Decimal | str, method_text: Method | str,
             details: str, as_of: date | None, expected: int | None = None) -> WithdrawalView:
    agency = locked_agency(session, code)
    versions.check_balance(session, agency, expected)
    cur = agency.currency
    amount = amount_in(value, cur)
    raise_refusals(check_amount(amount, cur)[:1], Refusal("cannot_request", {"agency": code}))
    method = read(Method.parse, method_text)
    if method is Method.BANK_TRANSFER and (wrong := iban_refusals(details)):
        raise refusal_text.Refused(wrong[0], prefix=Refusal("cannot_request", {"agency": code}))
    text = details.strip()
    if not text:
        raise refusal_text.Refused(Refusal("payout_details"))
    # the request is judged today, at today's rate; a chosen date only dates its hold
    today = today_in(company_tz(session))
    day = as_of or today
    open_day(session, day)
    pos = agency_position(session, agency)
    reasons = eligibility(session, agency, pos.available, today)
    reasons += [r for r in _spend_refusals(pos, amount) if r not in reasons]
    if reasons:
        raise WithdrawalRefused(Refusal("cannot_withdraw", {"agency": code, "amount": Money.of(amount, cur)}),
                                reasons)
    row = Withdrawal(agency_id=agency.id, amount_minor=to_minor(amount, cur), currency=cur,
                     method=method.value, details=text, status=Status.PENDING.value,
                     requested_by=actor.name, requested_at=utc_now())
    session.add(row)
    session.flush()
    written = _write_entries(session, actor, agency, row.id, hold_entries(amount), day, f"withdrawal {row.id} held")
    view = _view(row, code)
    after = Position(cur, pos.balance, pos.held + amount)
    audit.record(session, actor, Action.WITHDRAW_REQUEST, code, before=pos.as_dict(),
                 after={**view.as_dict(), **after.as_dict(), "entries": written, "dated": day.isoformat()})
    return view


# Each move takes `expected`: the request's state as the window showed it (services/versions.py).
def approve(db: Database, actor: Actor, withdrawal_id: int, as_of: date | None = None,
            expected: Status | str | None = None) -> WithdrawalView:
    """Approve a pending request (finance; not one's own). The withdrawal conditions are checked again."""
    return _move(db, actor, withdrawal_id, Move.APPROVE, as_of=as_of, expected=expected)


def reject(db: Database, actor: Actor, withdrawal_id: int, reason: str,
           expected: Status | str | None = None) -> WithdrawalView:
    """Reject a pending request (finance; not one's own), with a reason; its hold is released."""
    return _move(db, actor, withdrawal_id, Move.REJECT, reason=reason, expected=expected)


def cancel(db: Database, actor: Actor, withdrawal_id: int, expected: Status | str | None = None) -> WithdrawalView:
    """Cancel a pending request (its creator, or finance); its hold is released."""
    return _move(db, actor, withdrawal_id, Move.CANCEL, expected=expected)


def mark_paid(db: Database, actor: Actor, withdrawal_id: int, reference: str,
              paid_on: date | None = None, expected: Status | str | None = None) -> WithdrawalView:
    """Record that an approved request was paid out (finance; not one's own): the payout reference and
    date; the hold is released and the amount leaves the balance."""
    return _move(db, actor, withdrawal_id, Move.PAID, reference=reference, paid_on=paid_on, expected=expected)


def _move(db: Database, actor: Actor, withdrawal_id: int, move: Move, *, as_of: date | None = None,
          reason: str | None = None, reference: str | None = None, paid_on: date | None = None,
          expected: Status | str | None = None) -> WithdrawalView:
    obj = f"withdrawal:{withdrawal_id}"
    shown = None if expected is None else str(Status(expected).value)
    with guarded(db, actor, Action(move.value), obj) as act:
        session = act.session
        return _apply(session, actor, withdrawal_id, move, as_of, reason, reference, paid_on, shown)


def _locked_request(session: Session, withdrawal_id: int) -> tuple[Withdrawal, Agency]:
    found = session.get(Withdrawal, withdrawal_id)
    if found is None:
        raise refusal_text.Refused(Refusal("no_such_withdrawal", {"request": withdrawal_id}))
    owner = session.get(Agency, found.agency_id)
    assert owner is not None
    agency = locked_agency(session, owner.code)  # agency row first, then the request: one lock order
    row = session.scalar(
        select(Withdrawal).where(Withdrawal.id == withdrawal_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row, agency


def approval_conditions(session: Session, agency: Agency, pos: Position, amount: Decimal,
                        today: date) -> list[Refusal]:
    """Every condition that stops a pending request of `amount` from being approved on `today`.

    They are checked as if the request held nothing: its own hold must not count against it.
    """
    without = Position(pos.currency, pos.balance, pos.held - amount)
    reasons = eligibility(session, agency, without.available, today)
    return reasons + [r for r in _spend_refusals(without, amount) if r not in reasons]


def _apply(session: Session, actor: Actor, withdrawal_id: int, move: Move, as_of: date | None,
           reason: str | None, reference: str | None, paid_on: date | None,
           expected: str | None = None) -> WithdrawalView:
    row, agency = _locked_request(session, withdrawal_id)
    versions.check_request(session, row, expected)
    problem = decider_refusal(actor, move, row.requested_by, row.id) or move_refusal(move, row.status, row.id)
    if problem:
        raise Refused(problem)
    start, end = MOVES[move]
    cur = agency.currency
    amount = from_minor(row.amount_minor, cur)
    _refuse_a_changed_request(session, row, amount)
    # the conditions are judged today, at today's rate; a chosen date only dates what is written
    today = today_in(company_tz(session))
    day = today
    if as_of is not None:
        open_day(session, as_of)
        day = as_of
    pos = agency_position(session, agency)
    values: dict[str, Any] = {"status": end.value}
    entries: list[Entry] = []
    if move is Move.APPROVE:
        reasons = approval_conditions(session, agency, pos, amount, today)
        if reasons:
            raise WithdrawalRefused(Refusal("cannot_approve", {"request": row.id}), reasons)
        values.update(decided_by=actor.name, decided_at=utc_now())
    elif move in (Move.REJECT, Move.CANCEL):
        values.update(_decided(actor, row, move, reason))
        entries = release_entries(amount)
    else:
        day = paid_on or today
        values.update(_paid(session, actor, row, reference, day))
        entries = payout_entries(amount)
    changed = session.execute(
        update(Withdrawal).where(Withdrawal.id == row.id, Withdrawal.status == start.value).values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(Refusal("moved_meanwhile", {"request": row.id}))
    if entries:
        open_day(session, day)
    note = f"withdrawal {row.id} {end.value}"
    if move is Move.PAID:
        # a payout recorded as made before its request was held releases the hold on the day it was held,
        # so the ledger never shows a release before its hold, nor the money held after it was paid out
        release_day = max(day, _requested_on(session, row.id) or day)
        release = [e for e in entries if e[0] is EntryKind.HOLD_RELEASE]
        written = _write_entries(session, actor, agency, row.id, release, release_day, note)
        written += _write_entries(session, actor, agency, row.id, [e for e in entries if e not in release], day,
                                  note)
    else:
        written = _write_entries(session, actor, agency, row.id, entries, day, note)
    session.flush()
    fresh = session.scalar(
        select(Withdrawal).where(Withdrawal.id == row.id).execution_options(populate_existing=True)
    )
    assert fresh is not None
    view = _view(fresh, agency.code)
    after = _after_position(pos, move, amount)
    audit.record(session, actor, move.value, f"withdrawal:{row.id}",
                 before={"status": start.value, **pos.as_dict()},
                 after={**view.as_dict(), **after.as_dict(), "entries": written, "dated": day.isoformat()})
    return view


def _decided(actor: Actor, row: Withdrawal, move: Move, reason: str | None) -> dict[str, Any]:
    """What a rejection or a cancellation records: who, when, and why (a rejection needs a reason)."""
    why = (reason or "").strip()
    if move is Move.REJECT and not why:
        raise refusal_text.Refused(Refusal("reject_reason", {"request": row.id}))
    return {"decided_by": actor.name, "decided_at": utc_now(), "reason": why or None}


def _paid(session: Session, actor: Actor, row: Withdrawal, reference: str | None, day: date) -> dict[str, Any]:
    """What marking a request paid records: the payout reference and the day it was paid, which is a
    day that may date a write."""
    ref = (reference or "").strip()
    if not ref:
        raise refusal_text.Refused(Refusal("paid_reference", {"request": row.id}))
    open_day(session, day, "the payout date")
    return {"paid_by": actor.name, "paid_at": utc_now(), "paid_on": day, "payout_reference": ref}


def _refuse_a_changed_request(session: Session, row: Withdrawal, amount: Decimal) -> None:
    """A request whose ledger entries are not those its state has written was changed behind the
    product's back (set back from paid, say): it moves no further, so nothing is paid twice."""
    written = sorted((kind, from_minor(minor, row.currency)) for kind, minor in session.execute(
        select(LedgerEntry.kind, LedgerEntry.amount_minor).where(LedgerEntry.withdrawal_id == row.id)))
    if written != sorted(ledger_trace(row.status, amount)):
        code = "request_tampered_an" if row.status[:1] in "aeiou" else "request_tampered"
        raise Refused(Refusal(code, {"request": row.id, "status": Status(row.status)}))


def _requested_on(session: Session, withdrawal_id: int) -> date | None:
    """The day a request's hold is dated."""
    return session.scalar(select(LedgerEntry.effective_on).where(
        LedgerEntry.withdrawal_id == withdrawal_id, LedgerEntry.kind == EntryKind.WITHDRAWAL_HOLD.value))


def _after_position(pos: Position, move: Move, amount: Decimal) -> Position:
    if move in (Move.REJECT, Move.CANCEL):
        return Position(pos.currency, pos.balance, pos.held - amount)
    if move is Move.PAID:
        return Position(pos.currency, pos.balance - amount, pos.held - amount)
    return pos


def list_withdrawals(db: Database, status: Status | str | None = None,
                     code: str | None = None) -> list[WithdrawalView]:
    """Requests, newest first; optionally of one status or one agency."""
    wanted: Status | None = None
    if status is not None:
        try:
            wanted = Status(str(status).strip().lower())
        except ValueError:
            raise UserError(f"'{status}' is not a withdrawal status "
                            f"({', '.join(s.value for s in Status)})") from None
    with db.read() as session:
        stmt = select(Withdrawal, Agency.code).join(Agency, Agency.id == Withdrawal.agency_id)
        if wanted is not None:
            stmt = stmt.where(Withdrawal.status == wanted.value)
        if code is not None:
            stmt = stmt.where(Agency.code == code)
        rows = session.execute(stmt.order_by(Withdrawal.id.desc()))
        return [_view(row, agency_code) for row, agency_code in rows]


def get_withdrawal(db: Database, withdrawal_id: int) -> WithdrawalView:
    with db.read() as session:
        row = session.get(Withdrawal, withdrawal_id)
        if row is None:
            raise refusal_text.Refused(Refusal("no_such_withdrawal", {"request": withdrawal_id}))
        agency = session.get(Agency, row.agency_id)
        assert agency is not None
        return _view(row, agency.code)


def pay_in(session: Session, actor: Actor, withdrawal_id: int, reference: str, paid_on: date) -> WithdrawalView:
    """Mark one approved request paid inside the caller's transaction, exactly as `mark_paid` does
    (the caller has checked the role); a payout batch marks each of its requests with it."""
    return _apply(session, actor, withdrawal_id, Move.PAID, None, None, reference, paid_on)
