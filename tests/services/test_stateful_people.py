"""Random sequences of people changing (roles, deactivation, failed sign-ins and locks, unlocks, time
passing) and acting with whatever role their open window still shows. After every step:

- no action succeeds for a user who may not do it at that moment (their stored role, their state);
- an action the user may do is never refused for their role or state;
- a sign-in succeeds exactly when the account exists, is active, is not locked and the password is right;
- five failed sign-ins within fifteen minutes lock the account for fifteen minutes; an admin may unlock it;
- the last active admin is never deactivated nor given another role;
- every attempt wrote exactly one audit record (a lock, one more), and at the end the tables agree with
  the trail (`audit --verify`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlalchemy import func, select

from partner_desk.domain.clock import ENV_NOW
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import NEEDS, Actor, Role
from partner_desk.services import audit_trail, ledger, users, withdrawals
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord
from tests.services.money_world import PASSWORD, USERS, credit, world

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NAMES = sorted(USERS)
names = st.sampled_from(NAMES)
roles = st.sampled_from(list(Role))
_base: dict[str, Path] = {}


def _base_file() -> Path:
    if "path" not in _base:
        folder = Path(tempfile.mkdtemp(prefix="partner-desk-people-"))
        os.environ[ENV_NOW] = START.isoformat()
        try:
            db = world(folder)
            credit(db, "AG01", "5000.00")
            db.dispose()
        finally:
            os.environ.pop(ENV_NOW, None)
        _base["path"] = folder / "world.db"
    return _base["path"]


class PeopleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.db: Database | None = None

    @initialize()
    def open_world(self) -> None:
        shutil.copyfile(_base_file(), self.folder / "world.db")
        self.db = Database(f"sqlite:///{self.folder / 'world.db'}")
        self.now = START
        os.environ[ENV_NOW] = self.now.isoformat()
        self.role = dict(USERS)
        self.active = dict.fromkeys(USERS, True)
        self.failures: dict[str, list[datetime]] = {n: [] for n in USERS}
        self.locked: dict[str, datetime | None] = dict.fromkeys(USERS, None)
        self.pending: list[tuple[int, str]] = []  # requests the model expects pending: (id, requested by)
        self.records = self._records()

    def teardown(self) -> None:
        if self.db is not None:
            with self.db.read() as session:
                problems = check(session).problems
            self.db.dispose()
            assert problems == []
        os.environ.pop(ENV_NOW, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the model ---------------------------------------------------------------------------------
    def may(self, name: str, action: str) -> bool:
        return self.active[name] and self.role[name] >= NEEDS[action]

    def is_locked(self, name: str) -> bool:
        until = self.locked[name]
        return until is not None and until > self.now

    def _records(self) -> int:
        assert self.db is not None
        with self.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(AuditRecord)) or 0)

    def wrote(self, count: int) -> None:
        now = self._records()
        assert now - self.records == count, f"{now - self.records} audit records, {count} expected"
        self.records = now

    def attempt(self, name: str, action: str, run: Any) -> tuple[bool, Any]:
        """Run an action of `name`; check it succeeded only if they may, and was never refused for their
        role or state when they may."""
        refused: UserError | None = None
        try:
            result = run()
        except UserError as exc:
            refused = exc
        if refused is not None:
            exc = refused
            allowed = self.may(name, action)
            message = str(exc)
            about_authority = (message.startswith(f"{name} ") and " may not " in message
                               and ("needs the" in message or "deactivated" in message))
            assert about_authority != allowed, f"{action} by {name}: {exc} (model: allowed={allowed})"
            self.wrote(1)
            return False, exc
        assert self.may(name, action), f"{action} by {name} succeeded, the model says they may not"
        self.wrote(1)
        return True, result

    def window(self, name: str, shown: Role) -> Actor:
        """The actor of a window opened earlier: the role it shows may be out of date."""
        return Actor(name, shown)

    # -- people ------------------------------------------------------------------------------------
    @rule(who=names, whom=names, role=roles)
    def set_role(self, who: str, whom: str, role: Role) -> None:
        assert self.db is not None
        db = self.db
        last_admin = (self.role[whom] is Role.ADMIN and self.active[whom] and role is not Role.ADMIN
                      and sum(1 for n in USERS if self.role[n] is Role.ADMIN and self.active[n]) == 1)
        ok, error = self.attempt(who, "users.role",
                                 lambda: users.set_role(db, self.window(who, Role.ADMIN), whom, role))
        if ok:
            note_event("a role changed")
            assert role is not self.role[whom]
            assert not last_admin
            self.role[whom] = role
        elif self.may(who, "users.role"):
            if last_admin:
                note_event("the last active admin kept the role")
            assert role is self.role[whom] or (last_admin and "last active admin" in str(error))

    @rule(who=names, whom=names, active=st.booleans())
    def set_active(self, who: str, whom: str, active: bool) -> None:
        assert self.db is not None
        db = self.db
        last_admin = (not active and self.role[whom] is Role.ADMIN and self.active[whom]
                      and sum(1 for n in USERS if self.role[n] is Role.ADMIN and self.active[n]) == 1)
        change = users.activate if active else users.deactivate
        action = "users.activate" if active else "users.deactivate"
        ok, error = self.attempt(who, action, lambda: change(db, self.window(who, Role.ADMIN), whom))
        if ok:
            note_event("deactivated" if not active else "activated")
            assert self.active[whom] is not active
            assert not last_admin
            self.active[whom] = active
        elif self.may(who, action):
            assert self.active[whom] is active or (last_admin and "last active admin" in str(error))

    @rule(whom=names, times=st.integers(1, 5))
    def guessing(self, whom: str, times: int) -> None:
        """Someone tries passwords for an account, several times in a row."""
        for _attempt in range(times):
            self.sign_in(whom, False)

    @rule(whom=names, right=st.booleans())
    def sign_in(self, whom: str, right: bool) -> None:
        assert self.db is not None
        refused: UserError | None = None
        try:
            actor = users.sign_in(self.db, whom, PASSWORD if right else "not the password")
        except UserError as exc:
            refused = exc
        if refused is not None:
            exc = refused
            expected = 1
            if self.is_locked(whom):
                note_event("a locked account refused")
                assert "is locked until" in str(exc)
            elif not right:
                self.failures[whom].append(self.now)
                recent = [t for t in self.failures[whom] if t > self.now - timedelta(minutes=15)]
                if len(recent) >= 5:
                    assert "the account is now locked" in str(exc)
                    note_event("an account locked")
                    self.locked[whom] = recent[-1] + timedelta(minutes=15)
                    self.failures[whom] = []
                    expected = 2  # the refusal and the lock
            else:
                assert not self.active[whom]
                assert "deactivated" in str(exc)
            self.wrote(expected)
            return
        assert right
        assert self.active[whom]
        assert not self.is_locked(whom)
        assert actor == Actor(whom, self.role[whom])
        self.wrote(0)

    @rule(who=names, whom=names)
    def unlock(self, who: str, whom: str) -> None:
        assert self.db is not None
        db = self.db
        ok, _ = self.attempt(who, "users.unlock", lambda: users.unlock(db, self.window(who, Role.ADMIN), whom))
        if ok:
            note_event("an account unlocked")
            assert self.is_locked(whom)
            self.locked[whom] = None
            self.failures[whom] = []
        elif self.may(who, "users.unlock"):
            assert not self.is_locked(whom)

    @rule(minutes=st.sampled_from([1, 4, 15, 16]))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        os.environ[ENV_NOW] = self.now.isoformat()

    # -- acting with the role an open window shows ---------------------------------------------------
    @rule(who=names, shown=roles)
    def pay(self, who: str, shown: Role) -> None:
        assert self.db is not None
        db = self.db
        self.attempt(who, "pay_project",
                     lambda: ledger.pay_project(db, self.window(who, shown), "AG01", "P-EUR", Decimal("1.00")))

    @rule(who=names, shown=roles)
    def correct(self, who: str, shown: Role) -> None:
        assert self.db is not None
        db = self.db
        self.attempt(who, "correct",
                     lambda: ledger.correct(db, self.window(who, shown), "AG01", Decimal("1.00"), "fix"))

    @rule(who=names, shown=roles)
    def request(self, who: str, shown: Role) -> None:
        assert self.db is not None
        db = self.db
        ok, view = self.attempt(who, "withdraw.request", lambda: withdrawals.request_withdrawal(
            db, self.window(who, shown), "AG01", Decimal("150.00"), "card", "card 4242"))
        if ok:
            self.pending.append((view.id, who))

    @rule(who=names, shown=roles, pick=st.integers(0, 100))
    def approve(self, who: str, shown: Role, pick: int) -> None:
        assert self.db is not None
        if not self.pending:
            return
        db = self.db
        wid, creator = self.pending[pick % len(self.pending)]
        try:
            withdrawals.approve(db, self.window(who, shown), wid)
        except UserError as exc:
            message = str(exc)
            if not self.may(who, "withdraw.approve"):
                assert message.startswith(f"{who} ")
                assert " may not approve withdrawals" in message
            else:
                assert who == creator
                assert "nobody decides a request they created" in message
            self.wrote(1)
            return
        assert self.may(who, "withdraw.approve")
        assert who != creator
        self.pending.remove((wid, creator))
        self.wrote(1)

    @rule(who=names, shown=roles)
    def read_trail(self, who: str, shown: Role) -> None:
        assert self.db is not None
        db = self.db
        try:
            audit_trail.records(db, self.window(who, shown), limit=1)
        except UserError:
            assert not self.may(who, "audit.read")
            self.wrote(1)
            return
        assert self.may(who, "audit.read")
        self.wrote(0)


PeopleMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("PARTNER_DESK_STATEFUL_EXAMPLES", "100")),
    stateful_step_count=16,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestPeopleMachine = PeopleMachine.TestCase
