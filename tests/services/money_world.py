"""A small world for balance, withdrawal and role tests: agencies, projects, rates, users, credits.

    AG01  EUR  offer accepted 2025-01-01   projects P-EUR (EUR), P-UAH (UAH), P-PLN (PLN, no rate)
    AG02  USD  no offer                     project  P-USD (USD); P-MOVED was AG01's until 2025-06-01
    AG03  UAH  offer accepted 2025-01-01    no project
    rates: EUR 0.8 and UAH 41.5 per USD from 2025-01-01

Users (password "password-1" for everyone): m1, m2 managers; f1, f2 finance; a1, a2 admins, added
through the product (a1 first, in set-up mode), so the audit trail starts with their six records.
Creating the database once and copying its file per test keeps the tests fast.
"""

from __future__ import annotations

import io
import shutil
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from partner_desk.cli import main
from partner_desk.domain.money import to_minor
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services import audit
from partner_desk.services.setup import init_database
from partner_desk.services.users import add_user
from partner_desk.store import chain
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, AuditRecord, Connection, Project, Rate

PASSWORD = "password-1"
START = datetime(2025, 1, 1, tzinfo=UTC)
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CLOCK = "2026-11-20T10:00:00Z"  # NOW, as the tests set the product's clock (PARTNER_DESK_NOW)
WORLD_ACTIONS = ("users.add", "test.credit")  # the audit records the world itself writes
USERS = {"m1": Role.MANAGER, "m2": Role.MANAGER, "f1": Role.FINANCE, "f2": Role.FINANCE,
         "a1": Role.ADMIN, "a2": Role.ADMIN}
ACTORS = {name: Actor(name, role) for name, role in USERS.items()}
_template: dict[str, Path] = {}


def _build(path: Path) -> None:
    db = Database(f"sqlite:///{path}")
    populate(db)
    db.dispose()


def populate(db: Database) -> None:
    """Create the world in an empty database (any dialect)."""
    init_database(db)
    admin = add_user(db, SETUP, "a1", Role.ADMIN, PASSWORD)
    for name, role in USERS.items():
        if name != "a1":
            add_user(db, admin, name, role, PASSWORD)
    with db.write() as s:
        s.add_all([
            Agency(code="AG01", name="Alpha", currency="EUR", offer_accepted_at=START),
            Agency(code="AG02", name="Beta", currency="USD"),
            Agency(code="AG03", name="Gamma", currency="UAH", offer_accepted_at=START),
            Project(project_id="P-EUR", name="Shop EUR", currency="EUR"),
            Project(project_id="P-UAH", name="Shop UAH", currency="UAH"),
            Project(project_id="P-PLN", name="Shop PLN", currency="PLN"),
            Project(project_id="P-USD", name="Shop USD", currency="USD"),
            Project(project_id="P-MOVED", name="Shop moved", currency="USD"),
            Rate(currency="EUR", day=date(2025, 1, 1), per_usd=Decimal("0.8")),
            Rate(currency="UAH", day=date(2025, 1, 1), per_usd=Decimal("41.5")),
        ])
        s.flush()
        ids = {a.code: a.id for a in s.scalars(select(Agency))}
        moved = datetime(2025, 6, 1, tzinfo=UTC)
        for project, code, since, until in [
            ("P-EUR", "AG01", START, None), ("P-UAH", "AG01", START, None), ("P-PLN", "AG01", START, None),
            ("P-USD", "AG02", START, None), ("P-MOVED", "AG01", START, moved), ("P-MOVED", "AG02", moved, None),
        ]:
            s.add(Connection(project_id=project, agency_id=ids[code], connected_at=since, disconnected_at=until))


def world(tmp_path: Path) -> Database:
    """A fresh copy of the world in `tmp_path`."""
    if "path" not in _template:
        folder = Path(__import__("tempfile").mkdtemp(prefix="partner-desk-world-"))
        _build(folder / "world.db")
        _template["path"] = folder / "world.db"
    target = tmp_path / "world.db"
    shutil.copyfile(_template["path"], target)
    return Database(f"sqlite:///{target}")


def credit(db: Database, code: str, amount: str, kind: str = "accrual") -> None:
    """Put money on an agency's ledger as a posting would (a credit, or a refund reversal), with the
    audit record of it, so the ledger chain and the trail agree."""
    with db.write() as s:
        agency = s.scalar(select(Agency).where(Agency.code == code))
        assert agency is not None
        minor = to_minor(Decimal(amount), agency.currency)
        chain.append(s, chain.LEDGER, [dict(agency_id=agency.id, kind=kind, amount_minor=minor,
                                            currency=agency.currency, effective_on=date(2026, 10, 31),
                                            user_name=None, note="test credit")])
        audit.record(s, SETUP, "test.credit", code, after={"agency": code, "kind": kind, "amount": amount})


def actions(db: Database) -> list[AuditRecord]:
    """The audit records of what a test did: the world's own (its users, its credits) left out."""
    with db.read() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action.not_in(WORLD_ACTIONS))
                              .order_by(AuditRecord.id)))


def add_rate(db: Database, currency: str, day: date, per_usd: str) -> None:
    with db.write() as s:
        s.add(Rate(currency=currency, day=day, per_usd=Decimal(per_usd)))


class Cli:
    """Runs `partner-desk --db URL [--user NAME] ARGS...` in-process: (exit code, stdout, stderr)."""

    def __init__(self, url: str, capsys: Any, monkeypatch: Any) -> None:
        self.url, self.capsys, self.monkeypatch = url, capsys, monkeypatch

    def __call__(self, *args: str, user: str | None = None, password: str | None = PASSWORD,
                 stdin: str | None = None) -> tuple[int, str, str]:

        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        if password is None:
            self.monkeypatch.delenv("PARTNER_DESK_PASSWORD", raising=False)
        else:
            self.monkeypatch.setenv("PARTNER_DESK_PASSWORD", password)
        signed = ["--user", user] if user else []
        code = main(["--db", self.url, *signed, *args])
        out, err = self.capsys.readouterr()
        return code, out, err
