"""The withdrawal queue as the window shows it: each request, and why the signed-in user may not move it on.

Reads only; the moves themselves are `services.withdrawals`. The reasons come from the same rules the
moves apply (the role table, `decider_refusal`, `move_refusal`, and on approval the withdrawal
conditions checked again), so a disabled button's tooltip says what clicking it would be refused for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.ledger import Position
from partner_desk.domain.periods import today_in
from partner_desk.domain.roles import Action, Actor, role_refusal
from partner_desk.domain.withdrawals import Move, Status, decider_refusal, move_refusal
from partner_desk.refusal_text import shown
from partner_desk.services.balances import positions
from partner_desk.services.withdrawals import WithdrawalView, approval_conditions, list_withdrawals
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency
from partner_desk.store.queries import company_tz


@dataclass(frozen=True)
class QueueRow:
    """One request with its agency's name and, per move, every reason the actor may not make it."""

    request: WithdrawalView
    agency_name: str
    refusals: dict[Move, list[str]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.request.id

    @property
    def status(self) -> Status:
        return self.request.status

    def allowed(self, move: Move) -> bool:
        return not self.refusals.get(move)


def _refusals(session: Session, actor: Actor, request: WithdrawalView, agency: Agency, pos: Position,
              today: date) -> dict[Move, list[str]]:
    result: dict[Move, list[str]] = {}
    for move in Move:
        reasons = [r for r in (role_refusal(actor, Action(move.value)),
                               decider_refusal(actor, move, request.requested_by, request.id),
                               move_refusal(move, request.status, request.id)) if r]
        if move is Move.APPROVE and request.status is Status.PENDING:
            reasons += approval_conditions(session, agency, pos, request.amount, today)
        result[move] = [shown(r) for r in reasons]
    return result


def queue(db: Database, actor: Actor, status: Status | str | None = None,
          as_of: date | None = None) -> list[QueueRow]:
    """Requests, newest first (optionally of one status), each with what `actor` may do with it."""
    requests = list_withdrawals(db, status)
    with db.read() as session:
        today = as_of or today_in(company_tz(session))
        codes = sorted({r.agency for r in requests})
        agencies = {a.code: a for a in session.scalars(select(Agency).where(Agency.code.in_(codes)))}
        found = positions(session, [a.id for a in agencies.values()]) if agencies else {}
        rows = []
        for request in requests:
            agency = agencies[request.agency]
            refusals = _refusals(session, actor, request, agency, found[agency.id], today)
            rows.append(QueueRow(request, agency.name, refusals))
    return rows


def counts(rows: list[QueueRow]) -> dict[Status, int]:
    """How many requests are in each state."""
    result = dict.fromkeys(Status, 0)
    for row in rows:
        result[row.status] += 1
    return result
