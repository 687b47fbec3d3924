"""Who may do what: role x action x own-or-other request (SPEC sections 7 and 8).

Each case runs the real service on a fresh copy of the small world; a refusal must leave the
ledger and the requests as they were and add exactly one audit record, marked refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor
from partner_desk.services import ledger, users, withdrawals
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, LedgerEntry, User, Withdrawal
from tests.services.money_world import ACTORS, CLOCK, TODAY, credit, world

ANON = users.ANONYMOUS


@pytest.fixture
def wdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)
    database = world(tmp_path)
    credit(database, "AG01", "1000.00")
    yield database
    database.dispose()


def prepare(db: Database, creator: str, state: str) -> int:
    """A request of AG01 created by `creator`, pending or approved (approved by a1, or a2 when a1 made it)."""
    wid = withdrawals.request_withdrawal(db, ACTORS[creator], "AG01", "150.00", "card", "card 4242",
                                         as_of=TODAY).id
    if state == "approved":
        approver = ACTORS["a2"] if creator == "a1" else ACTORS["a1"]
        withdrawals.approve(db, approver, wid, as_of=TODAY)
    return wid


Action = Callable[[Database, Actor, int], object]
MOVES: dict[str, tuple[str, Action]] = {
    "approve": ("pending", lambda db, who, wid: withdrawals.approve(db, who, wid, as_of=TODAY)),
    "reject": ("pending", lambda db, who, wid: withdrawals.reject(db, who, wid, "details are wrong")),
    "cancel": ("pending", lambda db, who, wid: withdrawals.cancel(db, who, wid)),
    "paid": ("approved", lambda db, who, wid: withdrawals.mark_paid(db, who, wid, "REF-9")),
}

# expected outcome for (actor, move, whose request): True = allowed
EXPECTED: dict[tuple[str, str, str], bool] = {}
for move in ("approve", "reject", "paid"):
    for who, allowed_other in (("m1", False), ("f1", True), ("a1", True)):
        EXPECTED[(who, move, "own")] = False  # nobody decides their own request
        EXPECTED[(who, move, "other")] = allowed_other
for who, own, other in (("m1", True, False), ("f1", True, True), ("a1", True, True)):
    EXPECTED[(who, "cancel", "own")] = own
    EXPECTED[(who, "cancel", "other")] = other

REFUSAL = {
    ("m1", "approve", "other"): "m1 (manager) may not approve withdrawals: it needs the finance role",
    ("m1", "paid", "other"): "m1 (manager) may not mark withdrawals paid: it needs the finance role",
    ("m1", "cancel", "other"): "only the user who requested it (m2) or the finance role may",
    ("f1", "approve", "own"): "f1 may not approve withdrawal",
    ("a1", "paid", "own"): "a1 may not mark paid withdrawal",
}


def snapshot(db: Database) -> tuple[int, int, list[str]]:
    with db.read() as s:
        entries = int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
        records = int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)
        states = [w.status for w in s.scalars(select(Withdrawal).order_by(Withdrawal.id))]
    return entries, records, states


def last_audit(db: Database) -> AuditRecord:
    with db.read() as s:
        found = s.scalar(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1))
        assert found is not None
        return found


@pytest.mark.parametrize(("who", "move", "whose"), sorted(EXPECTED))
def test_move_matrix(wdb: Database, who: str, move: str, whose: str) -> None:
    state, action = MOVES[move]
    creator = who if whose == "own" else "m2"
    wid = prepare(wdb, creator, state)
    entries, records, states = snapshot(wdb)
    if EXPECTED[(who, move, whose)]:
        view = action(wdb, ACTORS[who], wid)
        assert view.status in ("approved", "rejected", "cancelled", "paid")
        assert last_audit(wdb).outcome == "ok"
        assert snapshot(wdb)[1] == records + 1
        return
    with pytest.raises(UserError) as caught:
        action(wdb, ACTORS[who], wid)
    expected = REFUSAL.get((who, move, whose))
    if expected:
        assert expected in str(caught.value)
    record = last_audit(wdb)
    assert (record.user_name, record.action, record.outcome) == (who, f"withdraw.{move}", "refused")
    assert snapshot(wdb) == (entries, records + 1, states)


@pytest.mark.parametrize("move", sorted(MOVES))
def test_nobody_signed_in_may_move_a_request(wdb: Database, move: str) -> None:
    state, action = MOVES[move]
    wid = prepare(wdb, "m2", state)
    entries, records, states = snapshot(wdb)
    with pytest.raises(UserError, match="not signed in"):
        action(wdb, ANON, wid)
    assert snapshot(wdb) == (entries, records + 1, states)


SIMPLE: dict[str, tuple[Callable[[Database, Actor], object], set[str]]] = {
    "request": (lambda db, who: withdrawals.request_withdrawal(db, who, "AG01", "150.00", "card", "c",
                                                               as_of=TODAY), {"m1", "f1", "a1"}),
    "pay_project": (lambda db, who: ledger.pay_project(db, who, "AG01", "P-EUR", "10.00"),
                    {"m1", "f1", "a1"}),
    "correct": (lambda db, who: ledger.correct(db, who, "AG01", "5.00", "rounding"), {"a1"}),
    "users.add": (lambda db, who: users.add_user(db, who, "newbie", "manager", "long password"), {"a1"}),
}


@pytest.mark.parametrize(("action", "who"),
                         [(a, w) for a in sorted(SIMPLE) for w in ("m1", "f1", "a1", "anonymous", "setup")])
def test_action_matrix(wdb: Database, action: str, who: str) -> None:
    run, allowed = SIMPLE[action]
    actor = {"anonymous": ANON, "setup": SETUP}.get(who) or ACTORS[who]
    entries, records, states = snapshot(wdb)
    if who in allowed:
        run(wdb, actor)
        assert last_audit(wdb).outcome == "ok"
        return
    with pytest.raises(UserError) as caught:
        run(wdb, actor)
    if who == "anonymous":
        assert "not signed in" in str(caught.value)
    elif who == "setup":
        assert "the database has users now" in str(caught.value) or "already has users" in str(caught.value)
    else:
        assert "may not" in str(caught.value)
    assert snapshot(wdb) == (entries, records + 1, states)
    with wdb.read() as s:
        assert s.scalar(select(User.id).where(User.name == "newbie")) is None
