"""Engine set-up: the default SQLite file, SQLite pragmas and write locks, PostgreSQL via psycopg 3."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from partner_desk.store.sums import register_sqlite

APP_NAME = "partner-desk"
ENV_DB = "PARTNER_DESK_DB"


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


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling is switched off so that every transaction starts with our
    # BEGIN: IMMEDIATE takes the write lock at once, so two writers never deadlock on upgrade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache (the default is 2 MiB): a large import or posting writes indexes far
        # bigger than 2 MiB in no particular key order, and would otherwise re-read pages constantly
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        register_sqlite(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN DEFERRED" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, connect_args={"timeout": 30})
        _sqlite_setup(engine)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


class Database:
    """One database: its engine and the sessions services open, one per user action."""

    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(readonly=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction that takes no write lock."""
        with self._readers() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
