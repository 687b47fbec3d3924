"""The database the fuzzed files are imported into, and the check of each import's outcome.

A template database (agencies, projects, rates, a few payments) is built once; every example
imports into a fresh copy of it. An import ends in exactly one of two ways:

- accepted, and what the database holds equals what the file shows (read independently, see
  oracle.py), row for row;
- refused with a UserError naming at least one `row N: column: problem` (or one file-level reason),
  and the database the same as before, byte for byte in every table, its triggers included; the audit
  trail aside, which gains exactly one record: the refusal.

Imports are made by signed-in users (finance, and an admin for commission tables), so the role checks
and the hash chains run as in use; after every import the audit trail and the tables verify intact.

Anything else (a traceback, a silently dropped row, a value read otherwise than shown) fails.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import from_minor
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.files.table import FileRejected
from partner_desk.services.imports import KINDS, ImportSummary, import_file
from partner_desk.services.setup import init_database
from partner_desk.services.users import add_user
from partner_desk.services.verify import check as verify
from partner_desk.store.engine import Database
from partner_desk.store.models import (
    Agency,
    AuditRecord,
    Connection,
    Payment,
    Project,
    Rate,
    TierLevel,
    TierVersion,
)
from tests.fuzz.oracle import Shown

KYIV = ZoneInfo("Europe/Kyiv")
BASE = {
    "agencies": "code,name,currency,offer_accepted_at,manager\nAG01,Alpha,USD,2025-06-01,olena\n"
                "AG02,Beta,EUR,,\nAG03,Gamma,JPY,2024-01-01T10:00:00+02:00,petro\nAG04,Delta,KWD,,\n",
    "projects": "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                "P1,Shop,USD,AG01,2020-01-01,\nP2,Clinic,EUR,AG02,2020-01-01,\nP3,Ramen,JPY,AG03,2020-01-01,\n"
                "P4,Souq,KWD,AG04,2020-01-01,2026-06-01\n",
    "rates": "date,currency,per_usd\n2020-01-01,EUR,0.9\n2020-01-01,JPY,150\n2020-01-01,KWD,0.3\n"
             "2020-01-01,UAH,40\n",
    "payments": "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
                "B1,P1,2026-01-05T10:00,subscription,1000.00,USD,\nB2,P2,2026-02-05T10:00,subscription,500.00,EUR,\n",
}
PROJECT_CURRENCY = {"P1": "USD", "P2": "EUR", "P3": "JPY", "P4": "KWD"}
# who imports each kind: finance imports data, an admin the commission tables
ADMIN = Actor("root", Role.ADMIN)
FINANCE = Actor("fin", Role.FINANCE)
IMPORTER = {"tiers": ADMIN}


def build_template(folder: Path) -> Path:
    """The template database file, every transaction checkpointed into it."""
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    try:
        init_database(db)
        for kind, text in BASE.items():
            source = folder / f"base-{kind}.csv"
            source.write_text(text, encoding="utf-8")
            import_file(db, SETUP, kind, source)
        add_user(db, SETUP, ADMIN.name or "", "admin", "slate-harbour-9")
        add_user(db, ADMIN, FINANCE.name or "", "finance", "copper-meadow-4")
    finally:
        db.dispose()
    return path


def fresh_copy(template: Path, folder: Path) -> Path:
    target = folder / "desk.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def dump(path: Path) -> list[str]:
    """Every table but the audit trail, and the schema with its triggers, as SQL text."""
    connection = sqlite3.connect(path)
    try:
        return [line for line in connection.iterdump() if not line.startswith('INSERT INTO "audit"')]
    finally:
        connection.close()


def trail(path: Path) -> list[tuple[object, ...]]:
    """The audit trail's records, in order, as stored."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT * FROM audit ORDER BY id").fetchall()
    finally:
        connection.close()


def check_trail(db_path: Path, before: list[tuple[object, ...]], outcome: str) -> None:
    """The trail kept every record it had and gained exactly one, of this outcome; and the audit
    trail, the chained tables and everything checked against them verify intact."""
    after = trail(db_path)
    assert after[:len(before)] == before, "an import changed the audit trail's earlier records"
    assert len(after) == len(before) + 1, f"{len(after) - len(before)} audit records for one import"
    db = Database(f"sqlite:///{db_path}")
    try:
        with db.read() as session:
            newest = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).one()
            assert (newest.action, newest.outcome) in {("import", outcome), ("tiers", outcome)}, newest.action
            verification = verify(session)
        assert verification.intact, [str(p) for p in verification.problems]
    finally:
        db.dispose()


@dataclass
class Outcome:
    summary: ImportSummary | None
    error: UserError | None


def run_import(db_path: Path, kind: str, file: Path) -> Outcome:
    """Import `file`; any exception but a UserError escapes (and fails the test)."""
    db = Database(f"sqlite:///{db_path}")
    try:
        return Outcome(import_file(db, IMPORTER.get(kind, FINANCE), kind, file), None)
    except UserError as exc:
        return Outcome(None, exc)
    finally:
        db.dispose()


def check_refusal(error: UserError) -> None:
    """A refusal says what and where: a FileRejected lists problems with their rows (or one
    file-level reason); any other refusal is one line."""
    text = str(error)
    assert text.strip(), "a refusal without a reason"
    assert "Traceback" not in text
    if isinstance(error, FileRejected):
        assert error.problems, "a refused file without a problem"
        assert error.total >= len(error.problems)
        for problem in error.problems:
            assert problem.row >= 0
            assert problem.message
            assert problem.row > 0 or not problem.column, problem
    else:
        assert "\n" not in text, text


def moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=KYIV)
    return parsed.astimezone(UTC)


def day(text: str) -> date:
    return datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)


def _agencies(db: Database, rows: list[dict[str, str]]) -> None:
    with db.read() as session:
        stored = {a.code: a for a in session.scalars(select(Agency))}
    for row in rows:
        agency = stored[row["code"]]
        assert (agency.name, agency.currency) == (row["name"], row["currency"]), row
        if row.get("offer_accepted_at"):
            assert agency.offer_accepted_at == moment(row["offer_accepted_at"]), row
        if row.get("manager"):
            assert agency.manager == row["manager"], row


def _projects(db: Database, rows: list[dict[str, str]]) -> None:
    with db.read() as session:
        projects = {p.project_id: p for p in session.scalars(select(Project))}
        codes = {a.id: a.code for a in session.scalars(select(Agency))}
        spans = {(c.project_id, c.connected_at): c for c in session.scalars(select(Connection))}
    for row in rows:
        project = projects[row["project_id"]]
        assert (project.name, project.currency) == (row["name"], row["currency"]), row
        span = spans[(row["project_id"], moment(row["connected_at"]))]
        assert codes[span.agency_id] == row["agency_code"], row
        if row.get("disconnected_at"):
            assert span.disconnected_at == moment(row["disconnected_at"]), row


def _payments(db: Database, rows: list[dict[str, str]]) -> None:
    with db.read() as session:
        stored = {p.payment_id: p for p in session.scalars(select(Payment))}
    for row in rows:
        payment = stored[row["payment_id"]]
        assert (payment.project_id, payment.service, payment.currency) == (
            row["project_id"], row["service"], row["currency"]), row
        assert payment.paid_at == moment(row["paid_at"]), row
        assert from_minor(payment.amount_minor, payment.currency) == Decimal(row["amount"]), row
        assert payment.refund_of == (row.get("refund_of") or None), row


def _rates(db: Database, rows: list[dict[str, str]]) -> None:
    with db.read() as session:
        stored = {(r.currency, r.day): r.per_usd for r in session.scalars(select(Rate))}
    for row in rows:
        assert stored[(row["currency"], day(row["date"]))] == Decimal(row["per_usd"]), row


def _tiers(db: Database, rows: list[dict[str, str]]) -> None:
    with db.read() as session:
        versions = {v.id: str(v.effective_from) for v in session.scalars(select(TierVersion))}
        stored: dict[str, set[tuple[Decimal, Decimal]]] = {}
        for level in session.scalars(select(TierLevel)):
            stored.setdefault(versions[level.version_id], set()).add((level.min_usd, level.percent))
    shown: dict[str, set[tuple[Decimal, Decimal]]] = {}
    for row in rows:
        shown.setdefault(row["effective_from"], set()).add((Decimal(row["min_turnover_usd"]),
                                                            Decimal(row["percent"])))
    for period, levels in shown.items():
        assert stored[period] == levels, (period, levels)


READ_BACK: dict[str, Callable[[Database, list[dict[str, str]]], None]] = {
    "agencies": _agencies, "projects": _projects, "payments": _payments, "rates": _rates, "tiers": _tiers,
}


def check_acceptance(db_path: Path, kind: str, summary: ImportSummary, shown: Shown | None) -> None:
    """An accepted file holds exactly what the database now holds."""
    assert shown is not None, "a file nobody can read was accepted"
    module = KINDS[kind]
    used = (*module.COLUMNS, *module.OPTIONAL)
    rows: list[dict[str, str]] = []
    for number, cells in shown.rows:
        unreadable = [c for c in used if c in cells and cells[c] is None]
        assert not unreadable, f"row {number}: {unreadable} show no value, yet the file was accepted"
        rows.append({c: (cells.get(c) or "").strip() for c in used})
    assert summary.rows == len(rows), f"{summary.rows} rows read of the {len(rows)} the file shows"
    db = Database(f"sqlite:///{db_path}")
    try:
        READ_BACK[kind](db, rows)
    finally:
        db.dispose()


def check(template: Path, folder: Path, kind: str, file: Path, shown: Shown | None) -> Outcome:
    """Import `file` into a fresh copy of the template and check that the outcome is one of the two."""
    db_path = fresh_copy(template, folder)
    before, records = dump(db_path), trail(db_path)
    outcome = run_import(db_path, kind, file)
    if outcome.error is not None:
        check_refusal(outcome.error)
        assert dump(db_path) == before, "a refused file changed the database"
        check_trail(db_path, records, "refused")
    else:
        assert outcome.summary is not None
        check_acceptance(db_path, kind, outcome.summary, shown)
        check_trail(db_path, records, "ok")
    return outcome
