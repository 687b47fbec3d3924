"""The same code on PostgreSQL: migrations, append-only guards, imports and a posted accrual."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.domain.roles import SETUP as setup_actor
from partner_desk.services import audit
from partner_desk.services.accruals import post_period, run_as_dict
from partner_desk.services.balances import balances
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.services.sign_in import sign_in
from partner_desk.services.statements import export_statement
from partner_desk.services.users import add_user
from partner_desk.store import chain, engine, locks
from partner_desk.store.engine import Database, DatabaseBusy
from partner_desk.store.models import Agency, AuditRecord
from tests.store.pg_server import PgServer

_names = itertools.count()

FILES = {
    "agencies": """code,name,currency,offer_accepted_at,manager
AG01,Alpha Agency,EUR,2026-01-10,olena
AG02,Beta Digital,USD,,
AG03,Gamma JP,JPY,2026-02-01T10:00:00+02:00,petro""",
    "projects": """project_id,name,currency,agency_code,connected_at,disconnected_at
P1,Shop one,EUR,AG01,2026-01-01,
P2,Shop two,USD,AG02,2026-01-01,2026-03-15
P2,Shop two,USD,AG01,2026-03-15,
P3,JP shop,JPY,AG03,2026-01-01,""",
    "rates": """date,currency,per_usd
2026-02-01,EUR,0.9
2026-03-01,EUR,0.8
2026-02-01,JPY,150""",
    "payments": """payment_id,project_id,paid_at,service,amount,currency,refund_of
X1,P1,2026-03-05T12:00:00,subscription,450.00,EUR,
X2,P2,2026-03-10T12:00:00,subscription,600.00,USD,
X3,P2,2026-03-20T12:00:00,subscription,100.00,USD,
X4,P3,2026-03-20T12:00:00,subscription,15001,JPY,
X5,P1,2026-03-06T12:00:00,numbers,50.00,EUR,
X6,P1,2026-03-07T12:00:00,subscription,-50.00,EUR,X1""",
}


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    pg = PgServer().start()
    yield pg
    pg.stop()


@pytest.fixture
def pg_db(server: PgServer) -> Iterator[Database]:
    database = Database(server.create_database(f"desk{next(_names)}"))
    init_database(database)
    yield database
    database.dispose()


def _load(database: Database, folder: Path) -> dict[str, object]:
    for kind in ("agencies", "projects", "rates", "payments"):
        path = folder / f"{kind}.csv"
        path.write_text(FILES[kind] + "\n", encoding="utf-8")
        import_file(database, SETUP, kind, path)

    return run_as_dict(post_period(database, SETUP, "2026-03", as_of=date(2026, 4, 1)))


def test_the_same_accrual_on_postgresql_and_sqlite(pg_db: Database, db: Database, tmp_path: Path) -> None:
    on_pg = _load(pg_db, tmp_path)
    on_sqlite = _load(db, tmp_path)
    assert on_pg == on_sqlite
    by_agency = {a["agency"]: a for a in on_pg["accruals"]}
    # AG01: X1 450 EUR (= $562.50 at 0.8) + X3 $100 (P2 moved to AG01 on the 15th) -> $662.50 -> 15%
    # 450 * 15% = 67.50; 100 USD * 0.8 = 80 EUR * 15% = 12.00; refund -50 * 15% = -7.50 -> 72.00
    assert by_agency["AG01"]["amount"] == "72.00"
    # AG03: 15001 JPY at 150 = $100.0067 -> 10%; 1500.1 JPY rounds half-up to 1500
    assert by_agency["AG03"]["amount"] == "1500"
    assert [(b.code, b.as_dict()["balance"]) for b in balances(pg_db)] == [
        ("AG01", "72.00"), ("AG02", "90.00"), ("AG03", "1500")
    ]


@pytest.mark.parametrize("table", ["ledger_entries", "audit", "accruals", "accrual_lines"])
def test_postgresql_refuses_changes_to_append_only_tables(pg_db: Database, tmp_path: Path, table: str) -> None:
    _load(pg_db, tmp_path)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), pg_db.engine.begin() as connection:
            connection.execute(text(statement))
    with pg_db.engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_a_write_that_waits_too_long_for_a_lock_is_busy_on_postgresql(server: PgServer, monkeypatch) -> None:

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    url = server.create_database(f"desk{next(_names)}")
    database = Database(url)
    init_database(database)
    other = Database(url)
    try:
        with other.write() as holder:
            locks.take(holder, locks.CHAIN)  # the audit chain's lock
            with pytest.raises(DatabaseBusy, match=r"the database is busy: .* try again"), \
                    database.write() as session:
                audit.record(session, setup_actor, "settings", "zone")
            assert balances(database) == []  # reading does not wait
    finally:
        other.dispose()
        database.dispose()


def test_sums_past_64_bits_are_exact_on_postgresql(pg_db: Database) -> None:



    with pg_db.write() as session:
        agency_id = session.execute(insert(Agency).values(
            code="AG01", name="Alpha", currency="USD", created_at=datetime(2026, 1, 1, tzinfo=UTC),
        ).returning(Agency.id)).scalar_one()
        # the ledger is written only along its hash chain, as the product writes it
        chain.append(session, chain.LEDGER, [
            {"agency_id": agency_id, "kind": "correction", "amount_minor": minor, "currency": "USD",
             "effective_on": date(2026, 1, 5), "created_at": datetime(2026, 1, 5, tzinfo=UTC), "note": "big"}
            for minor in (2**63 - 1, 2**63 - 1)])
    [found] = balances(pg_db)
    assert found.position.balance * 100 == 2 * (2**63 - 1)


def test_what_a_person_types_too_long_for_the_audit_trail_is_refused_not_a_crash(pg_db: Database,
                                                                               tmp_path: Path) -> None:
    # PostgreSQL enforces VARCHAR lengths (SQLite does not): a refused attempt naming a 5,000-character
    # user name or agency code is recorded with the name cut to its column, and refused as usual


    add_user(pg_db, SETUP, "root", "admin", "horse-battery-7")
    with pytest.raises(UserError, match="unknown user or wrong password"):
        sign_in(pg_db, "x" * 5000, "some-password")
    root = sign_in(pg_db, "root", "horse-battery-7")
    with pytest.raises(UserError, match="2026-01 is not posted"):
        export_statement(pg_db, root, "C" * 5000, "2026-01", tmp_path / "x.xlsx")
    with pg_db.read() as session:
        kept = session.execute(select(AuditRecord.user_name, AuditRecord.object)
                               .order_by(AuditRecord.id.desc()).limit(2)).all()
    # 63 characters and the ellipsis fill user_name's 64; 199 and the ellipsis fill object's 200
    assert kept == [("root", "C" * 199 + "…"), ("x" * 63 + "…", "x" * 199 + "…")]
