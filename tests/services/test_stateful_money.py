"""Random sequences of everything that moves money, by random users of every role.

Accrual credits and refund reversals come from the real posting service on tiny periods (one payment
or one refund each); project payments, withdrawal requests and their moves, and corrections come
from their services. After every step:

- the balance is the sum of the money entries (checked against the grouped SQL the screens use);
- the available balance is never made negative by a user: it only goes below zero through a refund
  reversal, and while it is below zero nothing can lower it further;
- each step wrote exactly the ledger entries its action promises, and nothing when refused;
- every request moved at most once per transition: one hold, at most one release, at most one payout,
  matching its status;
- every change and every refusal wrote exactly one audit record, with its action and outcome;
- the audit chain verifies, and at the end every table agrees with it (`audit --verify`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sqlalchemy import event, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.ledger import HOLD_KINDS
from partner_desk.domain.money import from_minor
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services import audit as audit_service
from partner_desk.services import ledger, withdrawals
from partner_desk.services.accruals import post_period
from partner_desk.services.balances import positions
from partner_desk.services.users import ANONYMOUS
from partner_desk.services.verify import check
from partner_desk.store.engine import Database, make_engine
from partner_desk.store.models import AuditRecord, LedgerEntry, Payment, Withdrawal
from tests.services.money_world import START, world

ACTORS = [Actor("a1", Role.ADMIN), Actor("f1", Role.FINANCE), Actor("f2", Role.FINANCE),
          Actor("m1", Role.MANAGER), Actor("m2", Role.MANAGER), ANONYMOUS, SETUP]
# agency -> (project it is paid through, project currency); AG02 never accepted the offer
AGENCIES = {"AG01": ("P-EUR", "EUR"), "AG02": ("P-USD", "USD"), "AG03": None}
SPENDING = {"AG01": "P-UAH", "AG02": "P-USD", "AG03": None}
AGENCY_IDS = {"AG01": 1, "AG02": 2, "AG03": 3}  # as the world creates them
METHODS = ["bank", "card", "paypal", "other", "bank-transfer", "crypto"]
codes = st.sampled_from(["AG01", "AG01", "AG01", "AG02", "AG03"])  # AG01 is the one that may withdraw
ENTRY_COLUMNS = (LedgerEntry.id, LedgerEntry.agency_id, LedgerEntry.kind, LedgerEntry.amount_minor,
                 LedgerEntry.withdrawal_id)
_base: dict[str, Any] = {}


# posted in the base database (2025-01), so that every example starts with money to move:
# AG01 2,000.00 EUR = $2,500 -> 20% -> 400.00 EUR; AG02 3,000.00 USD -> 20% -> 600.00 USD
BASE_PAYMENTS = [("BASE1", "P-EUR", "EUR", 200_000), ("BASE2", "P-USD", "USD", 300_000)]


def _base_file() -> Path:
    if "path" not in _base:
        folder = Path(tempfile.mkdtemp(prefix="partner-desk-stateful-"))
        database = world(folder)
        moment = datetime(2025, 1, 10, 12, tzinfo=UTC)
        with database.write() as s:
            for pid, project, currency, minor in BASE_PAYMENTS:
                s.add(Payment(payment_id=pid, project_id=project, paid_at=moment, local_date=moment.date(),
                              period="2025-01", service="subscription", amount_minor=minor, currency=currency))
        post_period(database, Actor("f1", Role.FINANCE), "2025-01")
        # and one pending request, so that every example has something to decide
        withdrawals.request_withdrawal(database, Actor("m1", Role.MANAGER), "AG01", "120.00", "card", "card 1")
        with database.read() as s:
            last = s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).one()
            _base["audit"] = (last.id, last.hash)
            _base["entry"] = s.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id.desc()).limit(1)).one()
            found = positions(s)
            _base["available"] = {code: found[aid].available for code, aid in AGENCY_IDS.items()}
        database.dispose()
        _base["path"] = folder / "world.db"
    return Path(_base["path"])


def _scratch_dir() -> str | None:
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


# the roles that may act come up more often than those that may not, so most steps change something
actors = st.sampled_from([*ACTORS[:5], *ACTORS[:5], *ACTORS])
cents = st.integers(min_value=1, max_value=60_000).map(lambda n: Decimal(n).scaleb(-2))
shares = st.integers(min_value=1, max_value=110)  # percent of the available balance; above 100 overdraws


def spend(available: Decimal, share: int, fallback: Decimal) -> Decimal:
    """An amount to spend: a share of the available balance, or any amount when there is none."""
    if available <= 0:
        return fallback
    return max(Decimal("0.01"), (available * share / 100).quantize(Decimal("0.01")))


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(dir=_scratch_dir()))
        self.db: Database | None = None

    @initialize()
    def open_world(self) -> None:
        target = self.folder / "world.db"
        shutil.copyfile(_base_file(), target)
        engine = make_engine(f"sqlite:///{target}")

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA synchronous=OFF")  # a scratch copy: no need to survive power loss

        self.db = Database(engine=engine)
        self.agency_ids = AGENCY_IDS
        self.period = Period(2025, 2)
        self.payments = 0
        # (payment id, project, refundable minor units)
        self.originals: list[tuple[str, str, int]] = [(p, project, m) for p, project, _, m in BASE_PAYMENTS]
        self.requests: dict[int, str] = {1: "pending"}  # id -> status the model expects
        self.audit_seen, self.last_hash = _base["audit"]
        self.last_entry = _base["entry"]
        self.available = dict(_base["available"])
        # 400.00 credited, 120.00 held by the pending request
        assert self.available == {"AG01": Decimal("280.00"), "AG02": Decimal("600.00"), "AG03": Decimal("0.00")}

    def teardown(self) -> None:
        if self.db is not None:
            with self.db.read() as s:
                problems = check(s).problems
            self.db.dispose()
            # the chains are whole, and the ledger, withdrawals, users and balances agree with the trail
            assert problems == []
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the step protocol: run an action, then check what it wrote ---------------------------

    def act(self, action: str, run: Any, then: Any = None) -> tuple[bool, list[Any]]:
        """Run one action; `then(ok, result, entries)` checks what it wrote and updates the model;
        then everything the module docstring promises is checked, in one read."""
        assert self.db is not None
        before = dict(self.available)
        result: Any = None
        try:
            result = run()
            ok = True
        except UserError:
            ok = False
        with self.db.read() as s:
            records = list(s.scalars(select(AuditRecord).where(AuditRecord.id > self.audit_seen)))
            rows = list(s.execute(select(*ENTRY_COLUMNS).order_by(LedgerEntry.id)))
            requests = list(s.execute(select(Withdrawal.id, Withdrawal.status, Withdrawal.requested_by,
                                             Withdrawal.decided_by)))
            grouped = positions(s)
        assert [(r.action, r.outcome) for r in records] == [(action, "ok" if ok else "refused")]
        note_event(f"{action} {'ok' if ok else 'refused'}")  # shown by --hypothesis-show-statistics
        self.check_chain(records)
        entries = [e for e in rows if e.id > self.last_entry]
        if rows:
            self.last_entry = rows[-1].id
        if not ok:
            assert entries == [], f"a refused {action} wrote ledger entries"
        if then is not None:
            then(ok, result, entries)
        self.check_books(rows, requests, grouped)
        self.available = {code: grouped[self.agency_ids[code]].available for code in AGENCIES}
        for code, now in self.available.items():
            if now < 0:
                note_event("an available balance is negative after a refund reversal")
            if now < 0 and now < before[code]:
                assert action == "accrue.post", f"{action} made {code}'s available balance negative ({now})"
                assert any(e.kind == "refund_reversal" for e in entries), (
                    f"{action} made {code}'s available balance negative ({now})")
        return ok, entries

    def check_chain(self, records: list[AuditRecord]) -> None:
        """The new records extend the verified chain (the whole chain is verified again at the end)."""
        for r in records:
            assert r.prev_hash == self.last_hash
            assert r.hash == audit_service.row_hash(r, r.prev_hash)
            self.last_hash = r.hash
            self.audit_seen = r.id

    def check_books(self, rows: list[Any], requests: list[Any], grouped: dict[int, Any]) -> None:
        """The balance is the sum of money entries; held is what pending requests hold; each request
        has exactly the entries its status promises, once."""
        for aid in self.agency_ids.values():
            mine = [e for e in rows if e.agency_id == aid]
            currency = grouped[aid].currency
            money = sum((from_minor(e.amount_minor, currency) for e in mine if e.kind not in HOLD_KINDS),
                        Decimal(0))
            held = -sum((from_minor(e.amount_minor, currency) for e in mine if e.kind in HOLD_KINDS),
                        Decimal(0))
            assert (grouped[aid].balance, grouped[aid].held) == (money, held)
        for row in requests:
            assert row.status == self.requests[row.id]
            kinds = sorted(e.kind for e in rows if e.withdrawal_id == row.id)
            assert kinds == {
                "pending": ["withdrawal_hold"], "approved": ["withdrawal_hold"],
                "rejected": ["hold_release", "withdrawal_hold"], "cancelled": ["hold_release", "withdrawal_hold"],
                "paid": ["hold_release", "payout", "withdrawal_hold"],
            }[row.status]
            if row.status in ("approved", "paid", "rejected"):
                assert row.decided_by is not None
                assert row.decided_by != row.requested_by

    # -- money in ------------------------------------------------------------------------------

    def _post(self, actor: Actor) -> tuple[bool, list[Any]]:
        assert self.db is not None
        db = self.db
        ok, entries = self.act("accrue.post", lambda: post_period(db, actor, self.period))
        if ok:
            self.period = self.period.next()
            assert all(e.kind in ("accrual", "refund_reversal") for e in entries)
            assert all(e.amount_minor >= 0 for e in entries if e.kind == "accrual")
            assert all(e.amount_minor < 0 for e in entries if e.kind == "refund_reversal")
        return ok, entries

    def _insert_payment(self, project: str, currency: str, minor: int, refund_of: str | None) -> str:
        assert self.db is not None
        self.payments += 1
        pid = f"PAY{self.payments}"
        moment = datetime(self.period.year, self.period.month, 10, 12, tzinfo=UTC)
        assert moment > START
        with self.db.write() as s:
            s.add(Payment(payment_id=pid, project_id=project, paid_at=moment, local_date=moment.date(),
                          period=str(self.period), service="subscription", amount_minor=minor,
                          currency=currency, refund_of=refund_of))
        return pid

    @rule(code=st.sampled_from(["AG01", "AG02"]), units=st.integers(100, 6000), actor=actors)
    def accrue(self, code: str, units: int, actor: Actor) -> None:
        found = AGENCIES[code]
        assert found is not None
        project, currency = found
        pid = self._insert_payment(project, currency, units * 100, None)
        self.originals.append((pid, project, units * 100))
        self._post(actor)

    @precondition(lambda self: any(left > 0 for _, _, left in self.originals))
    @rule(pick=st.integers(0, 1000), share=st.integers(1, 100), actor=actors)
    def refund(self, pick: int, share: int, actor: Actor) -> None:
        open_ones = [i for i, (_, _, left) in enumerate(self.originals) if left > 0]
        index = open_ones[pick % len(open_ones)]
        pid, project, left = self.originals[index]
        minor = max(1, left * share // 100)
        self.originals[index] = (pid, project, left - minor)
        currency = "EUR" if project == "P-EUR" else "USD"
        self._insert_payment(project, currency, -minor, pid)
        self._post(actor)

    # -- money out -----------------------------------------------------------------------------

    @rule(code=codes, share=shares, fallback=cents, actor=actors)
    def pay_project(self, code: str, share: int, fallback: Decimal, actor: Actor) -> None:
        assert self.db is not None
        db = self.db
        project = SPENDING[code] or "P-EUR"
        available = self.available[code]
        amount = spend(available, share, fallback)
        ok, entries = self.act("pay_project", lambda: ledger.pay_project(db, actor, code, project, amount))
        if ok:
            assert amount <= available
            assert [(e.kind, e.amount_minor) for e in entries] == [("project_payment", -int(amount * 100))]

    @rule(code=codes, share=shares, fallback=cents, method=st.sampled_from(METHODS),
          actor=actors)
    def request(self, code: str, share: int, fallback: Decimal, method: str, actor: Actor) -> None:
        assert self.db is not None
        db = self.db
        available = self.available[code]
        amount = spend(available, share, fallback)

        def then(ok: bool, view: Any, entries: list[Any]) -> None:
            if ok:
                assert amount <= available
                assert code != "AG02"
                assert method != "crypto"
                assert [(e.kind, e.amount_minor, e.withdrawal_id) for e in entries] == [
                    ("withdrawal_hold", -int(amount * 100), view.id)]
                self.requests[view.id] = "pending"

        self.act("withdraw.request",
                 lambda: withdrawals.request_withdrawal(db, actor, code, amount, method, "details"), then)

    def _move(self, action: str, pick: int, actor: Actor, run: Any) -> None:
        ids = sorted(self.requests)
        expected_from = "approved" if action == "withdraw.paid" else "pending"
        movable = [i for i in ids if self.requests[i] == expected_from]
        if pick % 10 == 0:
            wid = 10_000  # one that does not exist
        elif movable and pick % 3:
            wid = movable[pick % len(movable)]  # mostly one that can move
        else:
            wid = ids[pick % len(ids)]
        status = self.requests.get(wid)
        if action == "withdraw.approve":
            expected_to, expected_kinds = "approved", []
        elif action == "withdraw.paid":
            expected_to, expected_kinds = "paid", ["hold_release", "payout"]
        else:
            expected_to = "rejected" if action == "withdraw.reject" else "cancelled"
            expected_kinds = ["hold_release"]

        def then(ok: bool, _view: Any, entries: list[Any]) -> None:
            if ok:
                assert status == expected_from, f"{action} moved a {status} request"
                assert actor.may(Role.FINANCE) or action == "withdraw.cancel"
                assert [e.kind for e in entries] == expected_kinds
                self.requests[wid] = expected_to

        self.act(action, lambda: run(wid), then)

    @rule(pick=st.integers(0, 1000), actor=actors)
    def approve(self, pick: int, actor: Actor) -> None:
        db = self.db
        self._move("withdraw.approve", pick, actor, lambda wid: withdrawals.approve(db, actor, wid))

    @rule(pick=st.integers(0, 1000), actor=actors, reason=st.sampled_from(["", "wrong account"]))
    def reject(self, pick: int, actor: Actor, reason: str) -> None:
        db = self.db
        self._move("withdraw.reject", pick, actor, lambda wid: withdrawals.reject(db, actor, wid, reason))

    @rule(pick=st.integers(0, 1000), actor=actors)
    def cancel(self, pick: int, actor: Actor) -> None:
        db = self.db
        self._move("withdraw.cancel", pick, actor, lambda wid: withdrawals.cancel(db, actor, wid))

    @rule(pick=st.integers(0, 1000), actor=actors)
    def paid(self, pick: int, actor: Actor) -> None:
        db = self.db
        self._move("withdraw.paid", pick, actor, lambda wid: withdrawals.mark_paid(db, actor, wid, "REF"))

    @rule(code=codes, share=shares, fallback=cents, negative=st.booleans(),
          actor=actors, reason=st.sampled_from(["", "fix", "fix"]))
    def correct(self, code: str, share: int, fallback: Decimal, negative: bool, actor: Actor,
                reason: str) -> None:
        assert self.db is not None
        db = self.db
        available = self.available[code]
        amount = spend(available, share, fallback)
        value = -amount if negative else amount
        ok, entries = self.act("correct", lambda: ledger.correct(db, actor, code, value, reason))
        if ok:
            assert actor.role is Role.ADMIN
            assert reason
            # adding money is always allowed (it may lift a balance a refund made negative);
            # taking money away may not leave the available balance below zero
            assert value > 0 or available + value >= 0
            assert [(e.kind, e.amount_minor) for e in entries] == [("correction", int(value * 100))]


def _runs(examples: int) -> settings:
    return settings(max_examples=examples, stateful_step_count=5, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# `make test` explores 100 random runs; `make test-deep` the full thousand (the slow one below)
class TestMoneyMachine(MoneyMachine.TestCase):
    settings = _runs(int(os.environ.get("PARTNER_DESK_STATEFUL_EXAMPLES", "100")))


@pytest.mark.slow
class TestMoneyMachineInFull(MoneyMachine.TestCase):
    settings = _runs(1_000)
