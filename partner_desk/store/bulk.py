"""Set-based writes of many rows in the caller's transaction.

On SQLite the driver's own executemany is several times faster than SQLAlchemy's statement
building, so values are run through each column type's bind processor and handed to it directly;
other databases take the Core insert, or COPY. The large writes of an import and a posting go in
behind the caller (`InsertsBehind`): on SQLite a batch is one statement run on a second thread
while the next batch is prepared.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Table, event, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    # the dialect's own type, not the generic one: SQLite's DATETIME processor writes the same
    # 'YYYY-MM-DD HH:MM:SS.ffffff' text as the ORM, so stored moments compare correctly in SQL
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    prepared: Sequence[Sequence[Any]] = rows
    if any(processors):
        # column by column: one map() per converted column costs far less than a test per cell.
        # Bind processors take None (SQLAlchemy itself calls them for NULLs), so no test is needed.
        values = list(zip(*rows, strict=True))
        if len(values) != len(columns):
            raise ValueError(f"{table.name}: rows have {len(values)} values, not {len(columns)}")
        for index, process in enumerate(processors):
            if process is not None:
                values[index] = _converted(process, values[index])
        prepared = list(zip(*values, strict=True))
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", prepared)


def insert_values(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows whose values are already as the database stores them (money and rates as their exact
    text, integers, booleans): SQLite through the driver's executemany, PostgreSQL through COPY."""
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        _copy(connection, table.name, names, rows)
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _all_new_copied(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    key: str) -> bool:
    """PostgreSQL: insert every row if no row's `key` is stored yet or repeated among them, and say
    so; otherwise insert none and say False. The rows are copied into a temporary table and the new
    ones inserted from it inside a savepoint."""
    names = ", ".join(columns)
    with session.begin_nested() as attempt:
        # the connection asked for within the savepoint: asking for it is what begins the savepoint
        connection = session.connection()
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS new_{table.name} "
                                   f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
        connection.exec_driver_sql(f"TRUNCATE new_{table.name}")
        _copy(connection, f"new_{table.name}", names, rows)
        done = connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} "
                                          f"FROM new_{table.name} ON CONFLICT ({key}) DO NOTHING")
        if done.rowcount == len(rows):
            return True
        attempt.rollback()
    return False


class InsertsBehind:
    """Inserts batches of rows (values as the database stores them, as for `insert_values`) while the
    caller goes on preparing the next one, in the caller's transaction.

    On SQLite a batch goes to the database as one JSON text, which one statement inserts on a second
    thread; SQLite does that work (indexes, foreign keys, triggers) without Python's global lock, so
    it runs on a second core beside the caller. On PostgreSQL the second thread copies the rows in
    (COPY), and waits for the server, which does that work, without the lock. A value is text, an
    integer within 64 bits (the caller's bound: JSON would read a larger one as a float), a boolean
    or None. Every other statement on the session's connection first waits for the batch in flight,
    and so does leaving the `with` block, on success or on an error: the transaction commits or rolls
    back only once every batch is in or has failed, and a failed batch raises where the caller next
    waits."""

    def __init__(self, session: Session, table: Table, columns: Sequence[str], order_by: str | None = None) -> None:
        self.session = session
        self.table = table
        self.columns = tuple(columns)
        self.connection = session.connection()
        # SQLite: rows may be handed as their JSON texts (`put_texts`)
        self.texts = self.connection.dialect.name == "sqlite"
        values = ", ".join(f"value ->> {index}" for index in range(len(self.columns)))
        # a batch goes in in the order of the column `order_by` (text by code point, as Python sorts;
        # rows equal in it, in no set order)
        self.order = None if order_by is None else self.columns.index(order_by)
        order = "" if self.order is None else f" ORDER BY value ->> {self.order}"
        self.statement = (f"INSERT INTO {table.name} ({', '.join(self.columns)}) "
                          f"SELECT {values} FROM json_each(?){order}")
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None
        self.settle: Callable[[bool], None] | None = None

    def __enter__(self) -> InsertsBehind:
        event.listen(self.connection, "before_cursor_execute", self._before_statement)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                self.wait()
            else:
                self._join()  # the caller's own error goes on; the batch is over before the rollback
        finally:
            event.remove(self.connection, "before_cursor_execute", self._before_statement)

    def put(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert `rows`, behind the caller."""
        if not rows:
            return
        if not self.texts:
            ordered = rows if self.order is None else sorted(rows, key=itemgetter(self.order))
            self._start(self._copy, ordered)
            return
        self._hand(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))

    def put_texts(self, rows: Sequence[str]) -> None:
        """Insert rows given as the texts of their JSON arrays (SQLite only), behind the caller."""
        if not self.texts:
            raise ValueError(f"{self.table.name}: rows as JSON texts are for SQLite")
        if rows:
            self._hand("[" + ",".join(rows) + "]")

    def put_all_new(self, rows: Sequence[Sequence[Any]], key: str, settle: Callable[[bool], None]) -> None:
        """Insert every row if no row's `key` (a unique column) is stored yet or repeated among them,
        otherwise none; `settle(done)` hears which, in the caller's thread: where it next waits on
        SQLite, whose one statement a broken constraint takes back whole, at once on PostgreSQL."""
        if not rows:
            settle(True)
            return
        if not self.texts:
            self.wait()
            settle(_all_new_copied(self.session, self.table, self.columns, rows, key))
            return
        self._hand(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
        self.settle = settle

    def _hand(self, text: str) -> None:
        # the text is made by the caller: the other thread then needs Python's lock only to start
        # and end, which a caller busy in Python would otherwise make it wait for at every turn
        self._start(self._insert, text)

    def _start(self, insert: Callable[[Any], None], batch: Any) -> None:
        self.wait()
        self.thread = threading.Thread(target=self._run, args=(insert, batch), name=f"insert {self.table.name}",
                                       daemon=True)
        self.thread.start()

    def _run(self, insert: Callable[[Any], None], batch: Any) -> None:
        try:
            insert(batch)
        except BaseException as exc:  # handed to the caller's thread, raised there
            self.failure = exc

    def wait(self) -> None:
        """Wait for the batch in flight; raise its error if it failed, or tell its `settle` how it went."""
        self._join()
        failure, self.failure = self.failure, None
        settle, self.settle = self.settle, None
        if settle is not None and (failure is None or isinstance(failure, sqlite3.IntegrityError)):
            settle(failure is None)  # it may write: nothing is in flight now
            return
        if failure is not None:
            raise failure

    def _join(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def _before_statement(self, *_args: Any) -> None:
        self.wait()

    def _insert(self, text: str) -> None:
        """SQLite: the batch's JSON text, by one statement."""
        driver: sqlite3.Connection = self.connection.connection.dbapi_connection  # type: ignore[assignment]
        driver.execute(self.statement, (text,)).close()

    def _copy(self, rows: Sequence[Sequence[Any]]) -> None:
        """PostgreSQL: the rows by COPY; the thread waits for the server without Python's lock."""
        _copy(self.connection, self.table.name, ", ".join(self.columns), rows)


def _copy(connection: Connection, table: str, names: str, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL's COPY FROM STDIN, through psycopg, in the connection's transaction."""
    driver: Any = connection.connection.dbapi_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _converted(process: Callable[[Any], Any], column: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each value of a column through its bind processor; a value that repeats as one object (a
    percent, a day's rate) is converted once. The column holds every object, so ids stay unique."""
    distinct = {id(value): value for value in column}
    if len(distinct) * 2 > len(column):
        return tuple(map(process, column))
    done = {key: process(value) for key, value in distinct.items()}
    return tuple([done[id(value)] for value in column])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one bulk run, and restore it after.

    The rows, candidates and lines a bulk run makes hold no reference cycles, so reference counting
    frees them; the collector would only walk the ever larger heap again and again, which costs a
    large posting or import a good part of its time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
