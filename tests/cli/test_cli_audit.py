"""`audit [--json] [--verify]`: the trail newest first, and whether its hash chain is intact."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import Cli, credit, world


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any) -> Iterator[Cli]:
    db = world(tmp_path)
    credit(db, "AG01", "100.00")
    db.dispose()
    runner = Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)
    runner("pay-project", "AG01", "P-EUR", "10.00", user="m1")
    runner("pay-project", "AG01", "P-EUR", "1000.00", user="m1")
    runner("correct", "AG01", "5.00", "--reason", "rounding", user="a1")
    yield runner


def test_json_newest_first(cli: Cli) -> None:
    code, out, _ = cli("audit", "--json")
    records = json.loads(out)
    assert code == 0
    assert [(r["id"], r["user"], r["action"], r["object"], r["outcome"]) for r in records] == [
        (3, "a1", "correct", "AG01", "ok"),
        (2, "m1", "pay_project", "AG01:P-EUR", "refused"),
        (1, "m1", "pay_project", "AG01:P-EUR", "ok"),
    ]
    assert records[2]["after"]["available"] == "90.00"
    assert cli("audit")[1].splitlines()[0].split() == ["id", "at", "(UTC)", "user", "action", "object",
                                                       "outcome", "message"]


def test_verify_an_intact_chain(cli: Cli) -> None:
    assert cli("audit", "--verify")[:2] == (0, "the audit trail is intact: 3 records\n")


def test_verify_names_the_first_altered_record(cli: Cli, tmp_path: Path) -> None:
    # someone with the file drops the guard and rewrites who made the refused payment
    raw = sqlite3.connect(tmp_path / "world.db")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET outcome = 'ok' WHERE id = 2")
    raw.commit()
    raw.close()
    assert cli("audit", "--verify")[::2] == (
        1, "partner-desk: the audit trail is broken at record 2: record 2 was altered\n")
