"""Shared fixtures: a fresh database per test, and the offscreen Qt platform for GUI tests."""

from __future__ import annotations

import itertools
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# failures logged by tests go to a file of the test run, never into the user's log folder
os.environ.setdefault("PARTNER_DESK_LOG", os.path.join(tempfile.gettempdir(), f"partner-desk-tests-{os.getpid()}.log"))

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings

from partner_desk import i18n
from partner_desk.domain.clock import ENV_NOW
from partner_desk.services import sign_in
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database
from tests.store.pg_server import PgServer

# Argon2id at the lowest cost, so the many sign-ins of the tests take no time; the product's own
# parameters (and upgrading a hash to them) are tested in tests/services/test_sign_in.py
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# CI runs the property tests on a fixed seed, so a submission passes or fails on its own merits;
# a developer's run explores new examples every time.
# `make test-deep` explores ten times as many examples ("deep").
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("deep", max_examples=1_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _test_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashes, and the real clock unless a test sets it (`clock`)."""
    monkeypatch.setattr(sign_in, "HASHER", CHEAP_HASHER)
    monkeypatch.delenv(ENV_NOW, raising=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set the product's clock through its one seam, PARTNER_DESK_NOW: clock("2026-11-20T10:00")."""

    def set_clock(when: str) -> None:
        monkeypatch.setenv(ENV_NOW, when)

    return set_clock


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'test.db'}")
    init_database(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throw-away PostgreSQL server for the tests that share it (each makes a database of its own)."""
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture
def ukrainian() -> Iterator[None]:
    """The window's language and formats Ukrainian for one test, English again after it."""
    i18n.setup("uk_UA")
    yield
    i18n.setup("en_US")


_old_names = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of each kind (no schema yet), for a migration test to bring to an older
    revision, fill and upgrade; a PostgreSQL one on the shared server."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        database = Database(request.getfixturevalue("pg_server").create_database(f"old{next(_old_names)}"))
    yield database
    database.dispose()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write a CSV file from a header line and rows of text; returns its path."""
    counter = {"n": 0}

    def write(text: str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"input{counter['n']}.csv")
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    return write
