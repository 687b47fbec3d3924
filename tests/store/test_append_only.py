"""The database itself refuses to change the append-only tables, to move a withdrawal other than as the
state machine does, and to delete a user, whatever connection asks: tried through plain driver
connections (the `sqlite3` module, psycopg), not the product's."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from partner_desk.domain.withdrawals import MOVES
from partner_desk.services.setup import init_database
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from tests.store.pg_server import PgServer
from tests.store.trust_world import populate

_template: dict[str, Path] = {}

# every statement form that would change a row of an append-only table; the key reused is row 1's
APPEND_ONLY = {
    "ledger_entries": "SELECT {columns} FROM ledger_entries WHERE id = 1",
    "audit": "SELECT {columns} FROM audit WHERE id = 1",
    "accruals": "SELECT {columns} FROM accruals WHERE id = 1",
    "accrual_lines": "SELECT {columns} FROM accrual_lines WHERE id = 1",
    "posted_periods": "SELECT {columns} FROM posted_periods WHERE period = '2026-08'",
}


@pytest.fixture
def raw(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a copy of the trust book (tests/store/trust_world.py)."""
    if "path" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="partner-desk-guards-"))
        db = Database(f"sqlite:///{folder / 'book.db'}")
        init_database(db)
        populate(db)
        db.dispose()
        _template["path"] = folder / "book.db"
    target = tmp_path / "book.db"
    shutil.copyfile(_template["path"], target)
    connection = sqlite3.connect(target, isolation_level=None)
    yield connection
    connection.close()


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def count(connection: sqlite3.Connection, table: str) -> int:
    return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
def test_sqlite_refuses_every_way_of_changing_an_append_only_row(raw: sqlite3.Connection, table: str) -> None:
    names = columns(raw, table)
    listed = ", ".join(names)
    copy = APPEND_ONLY[table].format(columns=listed)
    before = raw.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    attempts = [
        f"UPDATE {table} SET {names[1]} = {names[1]}",
        f"DELETE FROM {table}",
        f"REPLACE INTO {table} ({listed}) {copy}",
        f"INSERT OR REPLACE INTO {table} ({listed}) {copy}",
        f"INSERT INTO {table} ({listed}) {copy} ON CONFLICT DO NOTHING",
        f"INSERT INTO {table} ({listed}) {copy} ON CONFLICT DO UPDATE SET {names[1]} = excluded.{names[1]}",
    ]
    for statement in attempts:
        with pytest.raises(sqlite3.DatabaseError, match="refused"):
            raw.execute(statement)
    # a connection that turns recursive triggers on is refused REPLACE all the same
    raw.execute("PRAGMA recursive_triggers = ON")
    with pytest.raises(sqlite3.DatabaseError, match="refused"):
        raw.execute(f"REPLACE INTO {table} ({listed}) {copy}")
    assert raw.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == before


def test_sqlite_refuses_a_replace_on_a_unique_key_without_the_id(raw: sqlite3.Connection) -> None:
    # REPLACE without the id: the conflict is on payment_id (lines) or (agency, period) (accruals)
    line = "accrual_id, payment_id, late, percent, pay_rate, partner_rate, usd_amount, partner_amount, commission_minor"
    with pytest.raises(sqlite3.DatabaseError, match="REPLACE refused"):
        raw.execute(f"INSERT OR REPLACE INTO accrual_lines ({line}) SELECT accrual_id, payment_id, late, percent, "
                    "pay_rate, partner_rate, usd_amount, partner_amount, commission_minor * 100 FROM accrual_lines "
                    "WHERE id = 1")
    assert raw.execute("SELECT commission_minor FROM accrual_lines WHERE payment_id = 'p1'").fetchone() == (13500,)


def test_sqlite_refuses_a_chained_row_without_its_hash(raw: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="skip its hash"):
        raw.execute("INSERT INTO ledger_entries (agency_id, kind, amount_minor, currency, created_at, effective_on) "
                    "VALUES (1, 'correction', 100000, 'EUR', '2026-12-01 10:00:00.000000', '2026-12-01')")
    assert count(raw, "ledger_entries") == 11


def test_sqlite_lets_a_request_move_only_as_the_state_machine_does(raw: sqlite3.Connection) -> None:
    # withdrawal 1 is paid, 2 rejected, 3 pending (trust_world)
    for statement in ("UPDATE withdrawals SET status = 'approved' WHERE id = 1",   # paid: settled
                      "UPDATE withdrawals SET status = 'pending' WHERE id = 2",    # rejected: settled
                      "UPDATE withdrawals SET status = 'paid' WHERE id = 3",       # pending -> paid skips approval
                      "UPDATE withdrawals SET amount_minor = 1 WHERE id = 3",      # a pending request's amount
                      "UPDATE withdrawals SET status = 'approved', amount_minor = 1 WHERE id = 3",
                      "UPDATE withdrawals SET payout_reference = 'X' WHERE id = 1",  # a settled request, any column
                      "DELETE FROM withdrawals WHERE id = 3",
                      "REPLACE INTO withdrawals SELECT * FROM withdrawals WHERE id = 3",
                      "INSERT INTO withdrawals (agency_id, amount_minor, currency, method, details, status, "
                      "requested_at) VALUES (1, 100, 'EUR', 'card', 'c', 'paid', '2026-12-01 10:00:00.000000')"):
        with pytest.raises(sqlite3.DatabaseError, match="withdrawals"):
            raw.execute(statement)
    assert raw.execute("SELECT id, status FROM withdrawals ORDER BY id").fetchall() == [
        (1, "paid"), (2, "rejected"), (3, "pending")]
    # the moves the product makes are the ones the database allows
    assert {(start.value, end.value) for start, end in MOVES.values()} == {
        ("pending", "approved"), ("pending", "rejected"), ("pending", "cancelled"), ("approved", "paid")}
    raw.execute("UPDATE withdrawals SET status = 'approved', decided_by = 'fin' WHERE id = 3")


def test_sqlite_never_deletes_a_user(raw: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="users: DELETE refused"):
        raw.execute("DELETE FROM users WHERE name = 'mia'")
    with pytest.raises(sqlite3.DatabaseError, match="REPLACE refused"):
        raw.execute("REPLACE INTO users SELECT * FROM users WHERE name = 'mia'")
    assert count(raw, "users") == 4


# -- PostgreSQL ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[str, str]]:
    """The trust book on a throw-away server: (SQLAlchemy URL, libpq connection string)."""
    server = PgServer().start()
    try:
        url = server.create_database("guards")
        db = Database(url)
        init_database(db)
        populate(db)
        db.dispose()
        yield url, f"host={server.socket} dbname=guards user=partner"
    finally:
        server.stop()


def pg_refused(conninfo: str, statement: str, match: str) -> None:
    with psycopg.connect(conninfo) as connection, pytest.raises(psycopg.Error, match=match):
        connection.execute(statement)


@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
def test_postgresql_refuses_every_way_of_changing_an_append_only_row(pg: tuple[str, str], table: str) -> None:
    _url, conninfo = pg
    with psycopg.connect(conninfo) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            (table,))]
        before = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    key = "period" if table == "posted_periods" else "id"
    listed = ", ".join(names)
    copy = APPEND_ONLY[table].format(columns=listed)
    for statement in (f"UPDATE {table} SET {names[1]} = {names[1]}", f"DELETE FROM {table}",
                      f"TRUNCATE {table} CASCADE",
                      f"INSERT INTO {table} ({listed}) {copy} ON CONFLICT ({key}) DO UPDATE SET "
                      f"{names[1]} = excluded.{names[1]}"):
        pg_refused(conninfo, statement, "append-only")
    with psycopg.connect(conninfo) as connection:
        assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == before


def test_postgresql_lets_a_request_move_only_as_the_state_machine_does(pg: tuple[str, str]) -> None:
    _url, conninfo = pg
    for statement in ("UPDATE withdrawals SET status = 'approved' WHERE id = 1",
                      "UPDATE withdrawals SET status = 'pending' WHERE id = 2",
                      "UPDATE withdrawals SET status = 'paid' WHERE id = 3",
                      "UPDATE withdrawals SET amount_minor = 1 WHERE id = 3",
                      "DELETE FROM withdrawals WHERE id = 3",
                      "TRUNCATE withdrawals CASCADE",
                      "INSERT INTO withdrawals (agency_id, amount_minor, currency, method, details, status, "
                      "requested_at) VALUES (1, 100, 'EUR', 'card', 'c', 'paid', now())"):
        pg_refused(conninfo, statement, "withdrawals")


def test_postgresql_never_deletes_a_user(pg: tuple[str, str]) -> None:
    _url, conninfo = pg
    pg_refused(conninfo, "DELETE FROM users WHERE name = 'mia'", "users: DELETE refused")
    pg_refused(conninfo, "TRUNCATE users CASCADE", "refused")


def test_postgresql_book_verifies(pg: tuple[str, str]) -> None:

    url, _conninfo = pg
    db = Database(url)
    try:
        with db.read() as session:
            assert check(session).problems == []
    finally:
        db.dispose()
