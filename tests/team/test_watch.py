"""Every window hears of a change within a couple of seconds: who did what, and what it touched."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from partner_desk.domain.roles import SETUP, Role
from partner_desk.services import audit
from partner_desk.services.changes import Area
from partner_desk.services.setup import init_database
from partner_desk.services.sign_in import sign_in
from partner_desk.services.users import add_user, set_role
from partner_desk.services.watch import Watcher
from partner_desk.store.engine import Database
from tests.store.pg_server import PgServer

_names = itertools.count()
PASSWORD = "password-1"


def _two_connections(url: str) -> tuple[Database, Database]:
    here, there = Database(url), Database(url)
    init_database(here)
    return here, there


def _hear(watcher: Watcher, within: float = 5.0) -> tuple[list, float]:
    start = time.monotonic()
    found = []
    while not found and time.monotonic() - start < within:
        found = watcher.wait(0.5)
    return found, time.monotonic() - start


def _the_same_news(url: str) -> float:
    here, there = _two_connections(url)
    watcher = Watcher(here)
    try:
        assert watcher.wait(0.1) == []  # the first look: nothing happened since it started
        admin = add_user(there, SETUP, "root", Role.ADMIN, PASSWORD)
        add_user(there, admin, "finance", Role.FINANCE, PASSWORD)
        news, waited = _hear(watcher)
        assert [(c.user, c.action, c.object, c.mine) for c in news] == [
            (None, "users.add", "root", False), ("root", "users.add", "finance", False)]
        assert news[0].areas == frozenset({Area.USERS, Area.AUDIT})
        # what this process wrote itself is marked as its own: that window has reloaded already
        root = sign_in(here, "root", PASSWORD)
        set_role(here, root, "finance", Role.MANAGER)
        mine, _waited = _hear(watcher)
        assert [(c.action, c.mine) for c in mine] == [("users.role", True)]
        # a refused attempt is news for the audit trail only
        with pytest.raises(Exception, match="wrong password"):
            sign_in(there, "root", "not-the-password")
        refused, _waited = _hear(watcher)
        assert [(c.action, c.refused, c.areas) for c in refused] == [
            ("sign_in", True, frozenset({Area.AUDIT}))]
        assert watcher.wait(0.2) == []
        return waited
    finally:
        watcher.close()
        here.dispose()
        there.dispose()


def test_a_change_on_an_sqlite_file_is_heard_within_a_couple_of_seconds(tmp_path: Path) -> None:
    waited = _the_same_news(f"sqlite:///{tmp_path / 'desk.db'}")
    # data_version is looked at every second
    assert waited < 2.5


def test_a_change_on_postgresql_is_heard_at_once(pg_server: PgServer) -> None:
    waited = _the_same_news(pg_server.create_database(f"watch{next(_names)}"))
    # NOTIFY arrives when the writer commits, not at the next poll
    assert waited < 1.0


def test_a_rolled_back_change_sends_no_news_on_postgresql(pg_server: PgServer) -> None:

    here, there = _two_connections(pg_server.create_database(f"watch{next(_names)}"))
    watcher = Watcher(here)
    try:
        def change_then_fail() -> None:
            with there.write() as session:
                audit.record(session, SETUP, "settings", "zone")
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError, match="rolled back"):
            change_then_fail()
        # the listener hears nothing, and the trail holds nothing new
        assert watcher.listener.wait(0.1) is True  # the first wait connects and says "look"
        assert watcher.listener.wait(0.5) is False
        assert watcher.look() == []
    finally:
        watcher.close()
        here.dispose()
        there.dispose()


def test_a_lost_listening_connection_is_made_again_and_nothing_is_missed(pg_server: PgServer) -> None:
    url = pg_server.create_database(f"watch{next(_names)}")
    here, there = _two_connections(url)
    watcher = Watcher(here)
    try:
        assert watcher.wait(0.1) == []
        # the server ends the listening connection (a restart, a network cut)
        with there.engine.connect() as c:

            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
            c.commit()
        add_user(there, SETUP, "root", Role.ADMIN, PASSWORD)  # while nobody listens
        def listen_on() -> None:
            for _ in range(10):
                watcher.wait(0.2)

        # the driver's own error for a connection the server closed
        with pytest.raises(psycopg.OperationalError):
            listen_on()
        news, _waited = _hear(watcher)
        assert [(c.action, c.object) for c in news] == [("users.add", "root")]
    finally:
        watcher.close()
        here.dispose()
        there.dispose()


def test_a_watcher_stops_waiting_when_asked(tmp_path: Path) -> None:
    here, there = _two_connections(f"sqlite:///{tmp_path / 'desk.db'}")
    watcher = Watcher(here)
    stop = threading.Event()
    try:
        watcher.wait(0.1)
        threading.Timer(0.2, stop.set).start()
        start = time.monotonic()
        assert watcher.wait(30, stop) == []
        assert time.monotonic() - start < 2
    finally:
        watcher.close()
        here.dispose()
        there.dispose()
