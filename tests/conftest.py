"""Shared fixtures: a fresh database per test, and the offscreen Qt platform for GUI tests."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# failures logged by tests go to a file of the test run, never into the user's log folder
os.environ.setdefault("PARTNER_DESK_LOG", os.path.join(tempfile.gettempdir(), f"partner-desk-tests-{os.getpid()}.log"))

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database

# CI runs the property tests on a fixed seed, so a submission passes or fails on its own merits;
# a developer's run explores new examples every time.
# `make test-deep` explores ten times as many examples ("deep").
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("deep", max_examples=1_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'test.db'}")
    init_database(database)
    yield database
    database.dispose()


@pytest.fixture
def write_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a CSV file from a header line and rows of text; returns its path."""
    counter = {"n": 0}

    def write(text: str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"input{counter['n']}.csv")
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    return write
