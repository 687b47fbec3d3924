"""No lost update: an action checks that what it acts on is still what the window showed.

A window passes the version of what it showed (`expected`); the service compares it with the
stored one inside its own transaction, after taking its locks, and refuses with what changed, who
changed it and when, before any rule is asked. The command line passes none: it acts on the state
as it is (its contract, SPEC section 10).

- A withdrawal request's version is its state: a request changes only by moving on, and never moves
  back, so a state names exactly one content (the decider, the reference, the paid-on day).
- An agency's balance version is the id of its newest ledger entry (0 before the first): every
  credit, payment, hold, release, payout and correction appends one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partner_desk.domain.ledger import EntryKind
from partner_desk.domain.periods import today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.withdrawals import Status
from partner_desk.refusal_text import Refused
from partner_desk.store.models import Agency, LedgerEntry, Withdrawal
from partner_desk.store.queries import company_tz


class Stale(Refused):
    """What an action would act on changed since it was shown; nothing was changed (typed: the window
    says it in its language)."""


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """"09:14" for a moment of today in the company's time zone, "2026-11-19 09:14" for another day."""
    local = moment.astimezone(zone)
    if local.date() == today_in(zone):
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")





def request_moved(row: Withdrawal) -> tuple[str | None, datetime | None]:
    """Who moved a request to its state, and when."""
    if row.status == "paid":
        return row.paid_by, row.paid_at
    if row.status == "pending":
        return row.requested_by, row.requested_at
    return row.decided_by, row.decided_at


def check_request(session: Session, row: Withdrawal, expected: str | None) -> None:
    """Refuse when the request is no longer in the state the window showed."""
    if expected is None or row.status == expected:
        return
    who, when = request_moved(row)
    code = "request_paid_since" if row.status == Status.PAID else "request_moved"
    values = {"request": row.id, "status": Status(row.status), "user": who, "shown": Status(expected)}
    if when is not None:
        code, values = f"{code}_at", {**values, "moment": moment_text(when, company_tz(session))}
    raise Stale(Refusal(code, values))


def ledger_head(session: Session, agency_id: int) -> int:
    """The version of an agency's balance: the id of its newest ledger entry, 0 before the first."""
    return int(session.scalar(select(func.max(LedgerEntry.id)).where(LedgerEntry.agency_id == agency_id)) or 0)


def _entry_event(session: Session, entry: LedgerEntry) -> Refusal:
    who = entry.user_name
    if entry.kind in (EntryKind.ACCRUAL, EntryKind.REFUND_REVERSAL):
        period = (entry.note or "").split(" ", 1)[0]
        return Refusal("event_posted", {"user": who, "period": period})
    if entry.kind == EntryKind.PROJECT_PAYMENT:
        return Refusal("event_paid_project", {"user": who, "project": entry.project_id})
    if entry.kind == EntryKind.CORRECTION:
        return Refusal("event_corrected", {"user": who})
    if entry.kind == EntryKind.WITHDRAWAL_HOLD:
        return Refusal("event_requested", {"user": who, "request": entry.withdrawal_id})
    if entry.kind == EntryKind.PAYOUT:
        return Refusal("event_marked_paid", {"user": who, "request": entry.withdrawal_id})
    status = session.scalar(select(Withdrawal.status).where(Withdrawal.id == entry.withdrawal_id))
    code = "event_cancelled" if status == Status.CANCELLED else "event_rejected"
    return Refusal(code, {"user": who, "request": entry.withdrawal_id})


def check_balance(session: Session, agency: Agency, expected: int | None) -> None:
    """Refuse when the agency's ledger has moved on since the window showed its balance."""
    if expected is None:
        return
    newer = list(session.scalars(select(LedgerEntry).where(
        LedgerEntry.agency_id == agency.id, LedgerEntry.id > expected).order_by(LedgerEntry.id)))
    if not newer and ledger_head(session, agency.id) == expected:
        return
    if not newer:
        raise Stale(Refusal("balance_not_shown", {"agency": agency.code}))
    last = newer[-1]
    more = len({(e.user_name, e.withdrawal_id, e.accrual_id, e.created_at) for e in newer}) - 1
    code = "balance_changed" if more == 0 else "balance_changed_one_more" if more == 1 else "balance_changed_more"
    raise Stale(Refusal(code, {"agency": agency.code, "event": _entry_event(session, last),
                               "moment": moment_text(last.created_at, company_tz(session)), "n": more}))
