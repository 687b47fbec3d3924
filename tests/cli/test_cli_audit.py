"""`audit [--json] [--verify [--expect COUNT:HASH]]`: the trail newest first (finance, admin), and the
check of its chain and of the tables against it, with its head."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import Cli, credit, world

WORLD = 7  # the world's own records: six users added, one credit


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any) -> Cli:
    db = world(tmp_path)
    credit(db, "AG01", "100.00")
    db.dispose()
    runner = Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)
    runner("pay-project", "AG01", "P-EUR", "10.00", user="m1")
    runner("pay-project", "AG01", "P-EUR", "1000.00", user="m1")
    runner("correct", "AG01", "5.00", "--reason", "rounding", user="a1")
    return runner


def test_json_newest_first(cli: Cli) -> None:
    code, out, _ = cli("audit", "--json", user="f1")
    records = json.loads(out)
    assert code == 0
    assert [(r["id"], r["user"], r["action"], r["object"], r["outcome"]) for r in records[:3]] == [
        (WORLD + 3, "a1", "correct", "AG01", "ok"),
        (WORLD + 2, "m1", "pay_project", "AG01:P-EUR", "refused"),
        (WORLD + 1, "m1", "pay_project", "AG01:P-EUR", "ok"),
    ]
    assert records[2]["after"]["available"] == "90.00"
    assert cli("audit", user="a1")[1].splitlines()[0].split() == ["id", "at", "(UTC)", "user", "action", "object",
                                                                   "outcome", "message"]


def test_the_trail_is_read_by_finance_and_admins_only(cli: Cli) -> None:
    assert cli("audit", "--json", password=None) == (
        1, "", "partner-desk: not signed in: to read the audit trail sign in (--user NAME) as a user with the "
               "finance role\n")
    code, out, err = cli("audit", "--verify", user="m1")
    assert (code, out, err) == (1, "", "partner-desk: m1 (manager) may not read the audit trail: it needs the "
                                       "finance role\n")


def test_verify_an_intact_chain_prints_its_head(cli: Cli) -> None:
    code, out, err = cli("audit", "--verify", user="f1")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("the audit trail is intact: 10 records; the ledger, accruals, withdrawals, users and "
                        "balances agree with it")
    head = lines[1].removeprefix("head ")
    count, digest = head.split(":")
    assert count == "10"
    assert len(digest) == 64
    assert cli("audit", "--verify", "--expect", head, user="f1")[0] == 0
    checked = json.loads(cli("audit", "--verify", "--json", user="f1")[1])
    assert checked == {"intact": True, "records": 10, "head": head, "problems": []}


def test_verify_names_the_altered_record(cli: Cli, tmp_path: Path) -> None:
    # someone with the file drops the guard and rewrites who made the refused payment
    raw = sqlite3.connect(tmp_path / "world.db")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute(f"UPDATE audit SET outcome = 'ok' WHERE id = {WORLD + 2}")
    raw.commit()
    raw.close()
    code, out, err = cli("audit", "--verify", user="f1")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("partner-desk: the audit trail or the tables disagree with it: 1 problem")
    assert err.splitlines()[1:] == [f"audit record {WORLD + 2}: was altered: its content no longer matches its hash"]
    # in JSON: the same words, and the code of the kind of difference beside them
    code, out, err = cli("audit", "--verify", "--json", user="f1")
    assert code == 1
    assert json.loads(out)["problems"] == [{"table": "audit", "row": f"record {WORLD + 2}",
                                            "what": "was altered: its content no longer matches its hash",
                                            "code": "row_altered"}]


def test_expect_fails_when_the_trail_was_cut_short(cli: Cli, tmp_path: Path) -> None:
    head = cli("audit", "--verify", user="f1")[1].splitlines()[1].removeprefix("head ")
    raw = sqlite3.connect(tmp_path / "world.db")
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DROP TRIGGER ledger_entries_no_delete")
    # the last action taken back whole: its audit record and its ledger entry
    raw.execute(f"DELETE FROM audit WHERE id > {WORLD + 2}")
    raw.execute("DELETE FROM ledger_entries WHERE kind = 'correction'")
    raw.commit()
    raw.close()
    # what is left agrees with itself...
    assert cli("audit", "--verify", user="f1")[0] == 0
    # ...but not with the head kept outside the database
    code, _, err = cli("audit", "--verify", "--expect", head, user="f1")
    assert code == 1
    assert err.splitlines()[1] == (f"audit record {WORLD + 3}: is missing: the trail has {WORLD + 2} records, "
                                   f"{WORLD + 3} were expected; records were removed")


def test_expect_needs_verify_and_a_well_formed_head(cli: Cli) -> None:
    assert cli("audit", "--expect", "3:abc", user="f1")[::2] == (2, "partner-desk: --expect only applies to --verify\n")
    assert cli("audit", "--verify", "--expect", "3:abc", user="f1")[::2] == (
        1, "partner-desk: --expect: '3:abc' is not COUNT:HASH (a record count, a colon, a 64-digit hash)\n")
