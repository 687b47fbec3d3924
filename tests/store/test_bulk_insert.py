"""Bulk inserts store values exactly as the ORM does, so SQL comparisons between them hold."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, func, select, text

from partner_desk.services.setup import init_database
from partner_desk.store.bulk import InsertsBehind, insert_rows, insert_values
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Connection, Payment, Project


def test_bulk_and_orm_moments_are_stored_alike_and_compare_at_the_boundary(db: Database) -> None:
    moment = datetime(2026, 1, 14, 22, 0, tzinfo=UTC)  # a whole second: no microseconds to print
    with db.write() as session:
        agency = Agency(code="AG01", name="Alpha", currency="EUR")
        session.add_all([agency, Project(project_id="P1", name="Shop", currency="EUR")])
        session.flush()
        session.add(Connection(project_id="P1", agency_id=agency.id, connected_at=moment))
        insert_rows(session, Payment.__table__, ("payment_id", "project_id", "paid_at", "local_date", "period",
                                                 "service", "amount_minor", "currency", "refund_of"),
                    [("pay-1", "P1", moment, date(2026, 1, 15), "2026-01", "subscription", 900, "EUR", None)])
    with db.read() as session:
        stored = session.execute(text("SELECT p.paid_at, c.connected_at, p.local_date FROM payments p, "
                                      "connections c")).one()
        # a payment at the very moment of connecting is connected (connected_at <= paid_at)
        matched = session.execute(text("SELECT count(*) FROM payments p JOIN connections c "
                                       "ON c.connected_at <= p.paid_at")).scalar()
    assert stored == ("2026-01-14 22:00:00.000000", "2026-01-14 22:00:00.000000", "2026-01-15")
    assert matched == 1


_names = itertools.count(1)
COLUMNS = ("payment_id", "project_id", "paid_at", "local_date", "period", "service", "amount_minor", "currency",
           "refund_of")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, db: Database) -> Iterator[Database]:
    if request.param == "sqlite":
        yield db
        return
    database = Database(request.getfixturevalue("pg_server").create_database(f"bulk{next(_names)}"))
    init_database(database)
    yield database
    database.dispose()


def _row(database: Database, pid: str, minor: int) -> tuple[object, ...]:
    """A payment's row as the database stores it: SQLite keeps moments and days as text."""
    moment: object = datetime(2026, 1, 14, 22, tzinfo=UTC)
    day: object = date(2026, 1, 15)
    if database.url.startswith("sqlite"):
        moment, day = "2026-01-14 22:00:00.000000", "2026-01-15"
    return (pid, "P1", moment, day, "2026-01", "subscription", minor, "EUR", None)


def _stored(database: Database) -> list[tuple[str, int]]:
    with database.read() as session:
        rows = session.execute(select(Payment.payment_id, Payment.amount_minor).order_by(Payment.payment_id))
        return [(pid, minor) for pid, minor in rows]


def test_rows_put_behind_are_written_all_or_none_and_the_caller_hears_which(any_db: Database) -> None:
    table: Any = Payment.__table__
    a, c, d = (_row(any_db, pid, 1) for pid in "acd")
    heard: list[bool] = []
    with any_db.write() as session, InsertsBehind(session, table, COLUMNS) as behind:
        behind.put_all_new([a, _row(any_db, "b", 2)], "payment_id", heard.append)
        # "b" is stored: none of c, b, d is written, whatever its place among them
        behind.put_all_new([c, _row(any_db, "b", 99), d], "payment_id", heard.append)
        # "c" twice among them: none is written
        behind.put_all_new([c, d, c], "payment_id", heard.append)
        behind.put_all_new([c, d], "payment_id", heard.append)
        behind.put_all_new([], "payment_id", heard.append)
    assert heard == [True, False, False, True, True]
    assert _stored(any_db) == [("a", 1), ("b", 2), ("c", 1), ("d", 1)]


def test_a_refused_batch_is_settled_before_the_next_statement_which_sees_its_fallback(db: Database,
                                                                                      slow_start: None) -> None:
    table: Any = Payment.__table__
    with db.write() as session:
        insert_values(session, table, COLUMNS, [_row(db, "b", 2)])
    heard: list[str] = []

    def settle(done: bool) -> None:
        heard.append(f"settled {done}")
        if not done:  # the new one of the batch, written on its own
            insert_values(session, table, COLUMNS, [_row(db, "c", 3)])

    with db.write() as session, InsertsBehind(session, table, COLUMNS) as behind:
        behind.put_all_new([_row(db, "c", 3), _row(db, "b", 2)], "payment_id", settle)
        heard.append("asked")
        count = session.scalar(select(func.count()).select_from(table))
    assert heard == ["asked", "settled False"]
    assert count == 2
    assert _stored(db) == [("b", 2), ("c", 3)]


# inserts behind the caller: a table of every kind of value a posting's lines hold
_KINDS = MetaData()
BEHIND, TEXTS, DIRECT = (Table(name, _KINDS, Column("id", Integer, primary_key=True), Column("word", String(80)),
                               Column("number", BigInteger), Column("flag", Boolean), Column("maybe", String(80)))
                         for name in ("kinds_behind", "kinds_texts", "kinds_direct"))
KIND_COLUMNS = ("word", "number", "flag", "maybe")
INT64 = 2**63 - 1
EDGES = [
    ("", 0, False, None),
    ("30", -1, True, "null"),
    ("0.10", INT64, False, "true"),
    ("1e5", -INT64, True, "[1, 2]"),
    ('a "quoted" \\ back\\slash', 7, False, "Київ ✓ Łódź"),
    ("322.752488334368053191276310255742695211583521919371958424289", 1, True, "-0"),
]


def _kinds(database: Database, table: Table) -> list[tuple[Any, ...]]:
    """The rows as stored, in insertion order; on SQLite with each value's storage class."""
    with database.read() as session:
        if database.is_sqlite:
            return [tuple(row) for row in session.execute(text(
                f"SELECT word, typeof(word), number, typeof(number), flag, typeof(flag), maybe, typeof(maybe) "
                f"FROM {table.name} ORDER BY id"))]
        return [tuple(row) for row in session.execute(select(*table.c[1:]).order_by(table.c.id))]


def _every_way(database: Database, rows: Sequence[tuple[Any, ...]], order_by: str | None = None) -> None:
    """The rows inserted directly (sorted by `order_by` first, if given), behind the caller as
    tuples and, on SQLite, behind it as JSON texts; each way in two batches."""
    halves = (rows[: len(rows) // 2], rows[len(rows) // 2:])
    with database.write() as session:
        _KINDS.drop_all(session.connection())
        _KINDS.create_all(session.connection())
        key = None if order_by is None else KIND_COLUMNS.index(order_by)
        for half in halves:
            insert_values(session, DIRECT, KIND_COLUMNS, half if key is None else sorted(half, key=lambda r: r[key]))
        with InsertsBehind(session, BEHIND, KIND_COLUMNS, order_by) as behind:
            for half in halves:
                behind.put(half)
        if database.is_sqlite:
            with InsertsBehind(session, TEXTS, KIND_COLUMNS, order_by) as behind:
                for half in halves:
                    behind.put_texts([json.dumps(row) for row in half])


def test_rows_inserted_behind_are_stored_as_the_driver_stores_them(any_db: Database) -> None:
    _every_way(any_db, EDGES)
    stored = _kinds(any_db, BEHIND)
    assert stored == _kinds(any_db, DIRECT)
    if any_db.is_sqlite:
        assert stored == _kinds(any_db, TEXTS)
        assert stored[2] == ("0.10", "text", INT64, "integer", 0, "integer", "true", "text")
        assert stored[4][:2] == ('a "quoted" \\ back\\slash', "text")
    else:
        assert stored[2] == ("0.10", INT64, False, "true")
    assert [row[0] for row in EDGES] == [row[0] for row in stored]


def test_a_batch_goes_in_in_the_order_of_its_column(any_db: Database) -> None:
    rows = [("Ω", 1, True, None), ("b", 2, False, None), ("a", 3, True, None), ("Z", 4, True, None),
            ("é", 5, False, None), ("a0", 6, True, None)]
    _every_way(any_db, rows, order_by="word")
    # each batch by code point: rows 1-3, then rows 4-6
    assert [row[0] for row in _kinds(any_db, BEHIND)] == ["a", "b", "Ω", "Z", "a0", "é"]
    assert _kinds(any_db, BEHIND) == _kinds(any_db, DIRECT)
    if any_db.is_sqlite:
        assert _kinds(any_db, TEXTS) == _kinds(any_db, DIRECT)
    else:
        with any_db.write() as session, pytest.raises(ValueError, match=r"^kinds_texts: rows as JSON texts are "
                                                                         r"for SQLite$"):
            InsertsBehind(session, TEXTS, KIND_COLUMNS).put_texts(['["a",1,true,null]'])


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)  # ids refuse control characters


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_TEXT, st.integers(-INT64, INT64), st.booleans(), st.none() | _TEXT),
                     min_size=1, max_size=40, unique_by=lambda row: row[0]))
def test_any_text_integer_and_flag_is_stored_behind_as_the_driver_stores_it(db: Database,
                                                                            rows: list[tuple[Any, ...]]) -> None:
    _every_way(db, rows, order_by="word")
    assert _kinds(db, BEHIND) == _kinds(db, TEXTS) == _kinds(db, DIRECT)


def _behind_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("insert ")]


@pytest.fixture
def slow_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread a batch is handed to begins only after the caller has gone on."""
    insert = InsertsBehind._insert

    def slow_to_start(self: InsertsBehind, batch: str) -> None:
        time.sleep(0.3)
        insert(self, batch)

    monkeypatch.setattr(InsertsBehind, "_insert", slow_to_start)


def test_a_statement_on_the_connection_waits_for_the_batch_in_flight(db: Database, slow_start: None) -> None:
    rows = [(f"w{n}", n, n % 2 == 0, None) for n in range(30_000)]
    with db.write() as session:
        _KINDS.create_all(session.connection())
        with InsertsBehind(session, BEHIND, KIND_COLUMNS) as behind:
            behind.put(rows)
            # asked at once, while the batch is handed to the other thread: the answer counts all of it
            assert session.scalar(select(func.count()).select_from(BEHIND)) == 30_000
            behind.put([("last", -5, True, "x")])
        assert _behind_threads() == []
        assert session.scalar(select(func.sum(BEHIND.c.number))) == sum(range(30_000)) - 5


def test_a_failed_batch_is_raised_where_the_caller_waits_and_nothing_is_written(db: Database) -> None:
    with db.write() as session:
        _KINDS.create_all(session.connection())

    def refused_batch() -> None:
        with db.write() as session, InsertsBehind(session, BEHIND, KIND_COLUMNS) as behind:
            session.execute(text("CREATE TRIGGER kinds_stop BEFORE INSERT ON kinds_behind WHEN NEW.maybe = 'stop' "
                                 "BEGIN SELECT RAISE(ABORT, 'kinds_behind: a row that says stop is refused'); END"))
            behind.put([("a", 1, True, None), ("b", 2, False, "stop")])

    with pytest.raises(sqlite3.IntegrityError, match=r"^kinds_behind: a row that says stop is refused$"):
        refused_batch()
    assert _kinds(db, BEHIND) == []
    assert _behind_threads() == []


def test_an_error_of_the_caller_waits_for_the_batch_then_rolls_it_back(db: Database, slow_start: None) -> None:
    with db.write() as session:
        _KINDS.create_all(session.connection())

    def stopped_run() -> None:
        with db.write() as session, InsertsBehind(session, BEHIND, KIND_COLUMNS) as behind:
            behind.put([(f"w{n}", n, True, None) for n in range(20_000)])
            raise RuntimeError("priced no further")

    with pytest.raises(RuntimeError, match=r"^priced no further$"):
        stopped_run()
    assert _behind_threads() == []
    assert _kinds(db, BEHIND) == []
