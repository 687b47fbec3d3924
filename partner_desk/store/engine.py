"""Engine set-up: the default SQLite file, SQLite pragmas and write locks, PostgreSQL via psycopg 3.

Reads never wait for writers: a read transaction is SQLite's BEGIN DEFERRED, which under WAL reads
the last committed state while another connection writes. A write transaction takes the write lock
at once (BEGIN IMMEDIATE); when another writer holds it, the write says once that it is waiting,
waits up to BUSY_TIMEOUT_MS, then gives up with DatabaseBusy, a one-line refusal. On PostgreSQL a
write waits for a lock at most as long, then gives up the same way.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from partner_desk import APP_NAME
from partner_desk.store.busy import DatabaseBusy as DatabaseBusy
from partner_desk.store.sums import register_sqlite

ENV_DB = "PARTNER_DESK_DB"
# how long a write waits for another writer before it gives up
BUSY_TIMEOUT_MS = 30_000
# how long a write tries before it says that it is waiting
QUIET_WAIT_MS = 200
WAITING = "waiting for the database: another user or program is writing to it…"
_PG_LOCK_TIMEOUT = "55P03"  # lock_not_available
# where a write transaction's session lists the audit records it wrote (services/audit.py)
OWN_RECORDS = "audit_records"
# how many of the audit records this process wrote a Database remembers
_OWN_KEPT = 10_000


class Waiting:
    """Where a write tells that it is waiting for another writer (the command line prints it)."""

    def __init__(self) -> None:
        self.notify: Callable[[str], None] | None = None

    def __call__(self, text: str) -> None:
        if self.notify is not None:
            self.notify(text)


def _is_busy(exc: BaseException) -> bool:
    original = getattr(exc, "orig", exc)
    if isinstance(original, sqlite3.OperationalError):
        text = str(original)
        return "database is locked" in text or "database is busy" in text
    return getattr(original, "sqlstate", None) == _PG_LOCK_TIMEOUT


def default_url() -> str:
    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'partner-desk.db'}"


def resolve_url(url: str | None) -> str:
    """--db, then PARTNER_DESK_DB, then the SQLite file in the user's data folder."""
    chosen = url or os.environ.get(ENV_DB) or default_url()
    parsed = make_url(chosen)
    if parsed.drivername in ("postgresql", "postgres"):
        chosen = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return chosen


def _begin_immediate(raw: sqlite3.Connection, waiting: Waiting) -> None:
    """BEGIN IMMEDIATE: quietly for a moment, then saying that it waits, then giving up."""
    try:
        raw.execute(f"PRAGMA busy_timeout={QUIET_WAIT_MS}")
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        waiting(WAITING)
        raw.execute(f"PRAGMA busy_timeout={max(BUSY_TIMEOUT_MS - QUIET_WAIT_MS, 0)}")
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise DatabaseBusy() from None
            raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _switch_to_wal(cursor: Any) -> None:
    """Switch the file to WAL. While another connection switches a new file at the same moment
    (several first starts at once), SQLite answers "locked" at once, calling no busy handler: try again
    for as long as the busy timeout lets any other statement wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _sqlite_setup(engine: Engine, waiting: Waiting) -> None:
    # pysqlite's own transaction handling is switched off so that every transaction starts with our
    # BEGIN: IMMEDIATE takes the write lock at once, so two writers never deadlock on upgrade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # the busy timeout first: switching a new file to WAL waits for another connection's lock
        # (several first starts at once) as long as any other statement would
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous=FULL")
        # 64 MiB of page cache (the default is 2 MiB): a large import or posting writes indexes far
        # bigger than 2 MiB in no particular key order, and would otherwise re-read pages constantly
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        register_sqlite(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("readonly", False):
            connection.exec_driver_sql("BEGIN DEFERRED")
        else:
            _begin_immediate(connection.connection.driver_connection, waiting)


def _postgresql_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_MS)}")
        dbapi_connection.commit()


def sqlite_file(url: str | None) -> Path | None:
    """The file of an SQLite database URL; None for another database or an in-memory one."""
    parsed = make_url(resolve_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def make_engine(url: str | None = None, waiting: Waiting | None = None) -> Engine:
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        file = sqlite_file(resolved)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        # a connection is used by one thread at a time, which may be a thread a write hands a batch
        # to (store/bulk.py, InsertsBehind), not always the thread that opened it
        engine = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                       "check_same_thread": False})
        _sqlite_setup(engine, waiting or Waiting())
        return engine
    engine = create_engine(resolved, pool_pre_ping=True)
    if parsed.get_backend_name() == "postgresql":
        _postgresql_setup(engine)
    return engine


class Database:
    """One database: its engine and the sessions services open, one per user action.

    `waiting.notify(text)` hears when a write waits for another writer."""

    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.waiting = Waiting()
        self.engine = engine or make_engine(url, self.waiting)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(readonly=True), expire_on_commit=False
        )
        self._own: dict[int, None] = {}
        self._own_lock = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error; DatabaseBusy when
        another writer held the database for longer than a write waits."""
        try:
            with self._sessions() as session:
                with session.begin():
                    yield session
                self._remember(session.info.get(OWN_RECORDS, ()))
        except OperationalError as exc:
            if _is_busy(exc):
                raise DatabaseBusy() from None
            raise

    def _remember(self, records: list[int] | tuple[()]) -> None:
        """Note the audit records a committed write of this process made."""
        if not records:
            return
        with self._own_lock:
            self._own.update(dict.fromkeys(records))
            while len(self._own) > _OWN_KEPT:
                del self._own[next(iter(self._own))]

    def written_here(self, record_id: int) -> bool:
        """Whether this process wrote the audit record `record_id` through this Database."""
        with self._own_lock:
            return record_id in self._own

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction that takes no write lock."""
        with self._readers() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
