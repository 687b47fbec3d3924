"""Payout batches are append-only like the ledger, and provably so: the database refuses UPDATE, DELETE
and REPLACE on the batch tables whatever connection asks (plain `sqlite3` and psycopg connections), and
with the guards dropped behind the product's back `audit --verify` names every change to a batch, its
requests or its files against the audit record of the export that made it.

The book: the payout world (tests/services/payout_world.py) on 20 November 2026, where f2 exports two
PayPal requests (1: AG04 120.50 USD, 2: AG05 20000 JPY) as batch 1, files payout-batch-1-paypal-JPY.csv
(request 2) and payout-batch-1-paypal-USD.csv (request 1), and marks the batch paid on the 19th. The audit
record of the export is record 14 (six users added, three credits, two requests and two approvals before it).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from partner_desk.services.payout_batches import export_batch, mark_batch_paid
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from tests.fixed_clock import clock_at
from tests.services.money_world import ACTORS, CLOCK, populate, world
from tests.services.payout_world import add_agencies, approved
from tests.store.pg_server import PgServer

_template: dict[str, Path] = {}
# every statement form that would change a row of a batch table; the row copied is the first one
COPY = {
    "payout_batches": ("SELECT {columns} FROM payout_batches WHERE id = 1", "id"),
    "payout_batch_requests": ("SELECT {columns} FROM payout_batch_requests WHERE withdrawal_id = 1",
                              "batch_id, withdrawal_id"),
    "payout_batch_files": ("SELECT {columns} FROM payout_batch_files WHERE id = 1", "id"),
}


def make_book(db: Database, folder: Path) -> None:
    """Two PayPal requests exported as batch 1 and marked paid, through the product."""
    with clock_at(CLOCK):
        add_agencies(db)
        approved(db, "AG04", "120.50", "paypal", "delta@example.com")
        approved(db, "AG05", "20000", "paypal", "jp@example.jp")
        result = export_batch(db, ACTORS["f2"], "paypal", folder)
        mark_batch_paid(db, ACTORS["f2"], result.files[0], "PP-1", date(2026, 11, 19))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    if "path" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="partner-desk-payout-book-"))
        db = world(folder)
        make_book(db, folder / "out")
        db.dispose()
        _template["path"] = folder / "world.db"
    target = tmp_path / "book.db"
    shutil.copyfile(_template["path"], target)
    return target


def problems(path: Path) -> list[str]:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return [str(p) for p in check(session).problems]
    finally:
        db.dispose()


def tamper(path: Path, *statements: str) -> None:
    """Drop every guard through a plain connection, then run the statements."""
    raw = sqlite3.connect(path)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def test_the_book_as_the_product_wrote_it_verifies(book: Path) -> None:
    assert problems(book) == []


@pytest.mark.parametrize("table", sorted(COPY))
def test_sqlite_refuses_every_way_of_changing_a_batch_row(book: Path, table: str) -> None:
    raw = sqlite3.connect(book, isolation_level=None)
    try:
        names = [row[1] for row in raw.execute(f"PRAGMA table_info({table})")]
        listed = ", ".join(names)
        query, key = COPY[table]
        copy = query.format(columns=listed)
        before = raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for statement in (f"UPDATE {table} SET {names[1]} = {names[1]}", f"DELETE FROM {table}",
                          f"REPLACE INTO {table} ({listed}) {copy}",
                          f"INSERT OR REPLACE INTO {table} ({listed}) {copy}",
                          f"INSERT INTO {table} ({listed}) {copy} ON CONFLICT ({key}) DO UPDATE SET "
                          f"{names[-1]} = excluded.{names[-1]}"):
            with pytest.raises(sqlite3.DatabaseError, match="refused"):
                raw.execute(statement)
        raw.execute("PRAGMA recursive_triggers = ON")  # another program's setting changes nothing
        with pytest.raises(sqlite3.DatabaseError, match="REPLACE refused"):
            raw.execute(f"REPLACE INTO {table} ({listed}) {copy}")
        assert raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == before
    finally:
        raw.close()


BATCH_IN_NO_RECORD = "payout_batches id 2: is in no audit record: it was written behind the product's back"
CASES: dict[str, tuple[list[str], list[str]]] = {
    "batch edited": (["UPDATE payout_batches SET made_on = '2026-11-01' WHERE id = 1"], [
        "payout_batches id 1: made_on is '2026-11-01', the audit trail (record 14) says '2026-11-20'"]),
    "a request taken out of the batch": (["DELETE FROM payout_batch_requests WHERE withdrawal_id = 2"], [
        "payout_batch_requests of batch 1: requests 1, the audit trail (record 14) says 1, 2"]),
    "a request slipped into the batch": (["INSERT INTO payout_batch_requests VALUES (1, 3)"], [
        "payout_batch_requests of batch 1: requests 1, 2, 3, the audit trail (record 14) says 1, 2"]),
    "a file's hash replaced": ([f"UPDATE payout_batch_files SET sha256 = '{'0' * 64}' WHERE id = 1"], [
        "payout_batch_files payout-batch-1-paypal-JPY.csv (batch 1): sha256 differ from audit record 14"]),
    "a file deleted": (["DELETE FROM payout_batch_files WHERE id = 2"], [
        "payout_batch_files payout-batch-1-paypal-USD.csv (batch 1): is missing: audit record 14 records it"]),
    "the batch deleted": (["DELETE FROM payout_batch_files", "DELETE FROM payout_batch_requests",
                           "DELETE FROM payout_batches"], [
        "payout_batches id 1: is missing: audit record 14 records it"]),
    "a batch made behind the product's back": ([
        "INSERT INTO payout_batches (id, method, made_on, created_at, created_by, folder) "
        "VALUES (2, 'paypal', '2026-11-20', '2026-11-20 10:00:00.000000', 'f2', '/tmp')"], [BATCH_IN_NO_RECORD]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_change_behind_the_products_back_is_named(book: Path, case: str) -> None:
    statements, expected = CASES[case]
    tamper(book, *statements)
    assert problems(book) == expected


# -- PostgreSQL ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The book on a throw-away server; its libpq connection string."""
    server = PgServer().start()
    try:
        db = Database(server.create_database("payout_guards"))
        populate(db)
        make_book(db, tmp_path_factory.mktemp("out"))
        with db.read() as session:
            assert check(session).problems == []
        db.dispose()
        yield f"host={server.socket} dbname=payout_guards user=partner"
    finally:
        server.stop()


@pytest.mark.parametrize("table", sorted(COPY))
def test_postgresql_refuses_every_way_of_changing_a_batch_row(pg: str, table: str) -> None:
    with psycopg.connect(pg) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            (table,))]
        before = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    listed = ", ".join(names)
    query, key = COPY[table]
    for statement in (f"UPDATE {table} SET {names[1]} = {names[1]}", f"DELETE FROM {table}",
                      f"TRUNCATE {table} CASCADE",
                      f"INSERT INTO {table} ({listed}) {query.format(columns=listed)} ON CONFLICT ({key}) "
                      f"DO UPDATE SET {names[-1]} = excluded.{names[-1]}"):
        with psycopg.connect(pg) as connection, pytest.raises(psycopg.Error, match="append-only"):
            connection.execute(statement)
    with psycopg.connect(pg) as connection:
        assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == before
