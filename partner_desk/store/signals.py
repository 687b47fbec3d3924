"""How a process learns, cheaply, that another connection changed the database.

On PostgreSQL every audit record sends a notification on `CHANNEL` (its id), in the transaction
that writes it: it is delivered when that transaction commits, and never when it rolls back. A
`Listener` holds a connection of its own that LISTENs on the channel. On SQLite a `Listener` polls
`PRAGMA data_version` on a connection of its own, which changes whenever another connection commits;
reading it costs no I/O. Neither knows what changed: the audit trail says that (`services/watch.py`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from partner_desk.store.engine import Database, sqlite_file

CHANNEL = "partner_desk_changes"
# how often an SQLite listener looks at data_version, in seconds
POLL_SECONDS = 1.0


_NO_FILE = object()  # an SQLite database without a file (in memory)


def notify(session: Session, record_id: int) -> None:
    """Announce an audit record to every listener when the caller's transaction commits (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": str(record_id)})


class Listener:
    """Waits until the database may have changed. `wait` returns True when it may have (also the
    first time, and after a lost connection, so that nothing is missed), False when nothing did."""

    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self._connection: Any = None
        self._version: int | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.db.engine.dialect.name == "postgresql"

    def _connect(self) -> None:
        engine = self.db.engine
        if self.is_postgresql:
            cargs, cparams = engine.dialect.create_connect_args(engine.url)
            connection = engine.dialect.loaded_dbapi.connect(*cargs, **cparams)
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
        else:
            path = sqlite_file(engine.url.render_as_string(hide_password=False))
            # an in-memory database has no file to ask: its trail is read at every poll instead
            connection = sqlite3.connect(str(path), check_same_thread=False) if path is not None else _NO_FILE
        self._connection = connection

    def wait(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Wait at most `timeout` seconds (less when `stop` is set) for a sign of a change."""
        if self._connection is None:
            try:
                self._connect()
            except Exception:
                self.close()
                raise
            self._version = self._data_version()
            return True  # (re)connected: whatever happened meanwhile is read again
        try:
            if self.is_postgresql:
                return self._wait_notified(timeout, stop)
            return self._wait_polled(timeout, stop)
        except Exception:
            self.close()  # a lost connection: the next wait connects again and says "changed"
            raise

    def _wait_notified(self, timeout: float, stop: threading.Event | None) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            slice_ = min(0.5, max(deadline - time.monotonic(), 0.0))
            if any(True for _ in self._connection.notifies(timeout=slice_, stop_after=1)):
                # take whatever else is queued too: one read of the trail covers them all
                for _ in self._connection.notifies(timeout=0.0):
                    pass
                return True
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                return False

    def _data_version(self) -> int | None:
        if self._connection is None or self._connection is _NO_FILE or self.is_postgresql:
            return None
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def _wait_polled(self, timeout: float, stop: threading.Event | None) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            now = self._data_version()
            if now != self._version:
                self._version = now
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return self._connection is _NO_FILE
            pause = min(self.poll_seconds, left)
            if stop is not None:
                if stop.wait(pause):
                    return False
            else:
                time.sleep(pause)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection is not _NO_FILE:
            with contextlib.suppress(Exception):  # closing a broken connection
                connection.close()
