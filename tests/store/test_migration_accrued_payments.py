"""Migration 0005_accrued_payments upgrades a database with posted months and payments still waiting
in it, on SQLite and PostgreSQL: every payment a posting could still accrue late is noted in
`late_payments`, so the next posting accrues exactly what it accrued before the upgrade."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import text

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store import migrate
from partner_desk.store.engine import Database
from tests.services.accrual_oracle import oracle_accruals

AGENCIES = "code,name,currency\nAG1,Alpha,USD\nAG2,Beta,EUR\n"
# P3 is connected only after its March payment, on 2026-03-20 (from then on, to AG1)
PROJECTS = ("project_id,name,currency,agency_code,connected_at,disconnected_at\n"
            "P1,One,USD,AG1,2026-01-01,\nP2,Two,EUR,AG2,2026-01-01,\n")
RATES = "date,currency,per_usd\n2026-01-01,EUR,0.8\n"
PAYMENTS = ("payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
            "A1,P1,2026-03-05T10:00,subscription,100.00,USD,\nA2,P2,2026-03-06T10:00,subscription,80.00,EUR,\n"
            "A3,P3,2026-03-25T10:00,subscription,50.00,USD,\n")
# rows an older version wrote after March was posted: a late payment, a refund of a posted one,
# telephony (never earns), and an April payment (not late)
WAITING = [
    ("L1", "P1", "2026-03-30 07:00:00.000000", "2026-03-30", "2026-03", "subscription", 2000, "USD", None),
    ("R1", "P2", "2026-04-02 07:00:00.000000", "2026-04-02", "2026-04", "subscription", -1000, "EUR", "A2"),
    ("T1", "P1", "2026-03-07 08:00:00.000000", "2026-03-07", "2026-03", "telephony", 500, "USD", None),
    ("B1", "P1", "2026-04-10 07:00:00.000000", "2026-04-10", "2026-04", "subscription", 4000, "USD", None),
]


def _old_database_with_waiting_payments(db: Database, folder: Path) -> None:
    """March posted, then rows written the way the previous version wrote them, then the schema
    taken back to 0004_agency_language, which had no `late_payments`."""
    init_database(db)
    for kind, body in (("agencies", AGENCIES), ("projects", PROJECTS), ("rates", RATES), ("payments", PAYMENTS)):
        path = folder / f"{kind}.csv"
        path.write_text(body, encoding="utf-8")
        import_file(db, SETUP, kind, path)
    assert post_period(db, SETUP, "2026-03", as_of=date(2026, 4, 1)).posted
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004_agency_language")
        for row in WAITING:
            connection.execute(text(
                "INSERT INTO payments (payment_id, project_id, paid_at, local_date, period, service, amount_minor, "
                "currency, refund_of) VALUES (:p, :j, :t, :d, :m, :s, :a, :c, :r)"),
                dict(zip("pjtdmsacr", row, strict=True)))
        # P3's connection from 2026-03-20: its March payment A3 earns, late, from now on
        connection.execute(text("INSERT INTO projects (project_id, name, currency) VALUES ('P3', 'Three', 'USD')"))
        connection.execute(text("INSERT INTO connections (project_id, agency_id, connected_at) "
                                "SELECT 'P3', id, '2026-03-20 00:00:00.000000' FROM agencies WHERE code = 'AG1'"))


def _upgrade_and_check(db: Database, folder: Path) -> None:
    _old_database_with_waiting_payments(db, folder)
    assert migrate.current_revision(db.engine) == "0004_agency_language"
    init_database(db)
    assert migrate.current_revision(db.engine) == migrate.head_revision() == "0007_refusal_reason"
    with db.read() as session:
        noted = sorted(session.scalars(text("SELECT payment_id FROM late_payments")))
    # not T1 (telephony), not B1 (April is not closed), not what March accrued
    assert noted == ["A3", "L1"]
    expected = oracle_accruals(db, Period(2026, 4), date(2026, 5, 2))
    run = post_period(db, SETUP, "2026-04", as_of=date(2026, 5, 2))
    assert [(a.agency, a.total, a.line_count, a.late_lines) for a in run.accruals] == [
        (a.agency, a.total, a.line_count, a.late_lines) for a in expected]
    # AG1: B1 40.00 in April at 10% = 4.00; late L1 20.00 and A3 50.00 at March's 10% = 2.00 + 5.00
    # AG2: the refund R1 of A2 reverses -10.00 EUR at A2's 10% = -1.00
    assert [(a.agency, str(a.total), a.line_count, a.late_lines) for a in run.accruals] == [
        ("AG1", "11.00", 3, 2), ("AG2", "-1.00", 1, 0)]
    with db.read() as session:
        assert list(session.scalars(text("SELECT payment_id FROM late_payments"))) == []


def test_upgrades_a_database_with_payments_waiting(old_database: Database, tmp_path: Path) -> None:
    _upgrade_and_check(old_database, tmp_path)
