"""A posting or an import killed mid-way, with a batch already written in its transaction, leaves the
database as it was: nothing of it is kept, and the same command run again does it whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partner_desk.domain.roles import SETUP
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database

NOW = "2026-10-05T09:00:00Z"
PAYMENTS = 25_000  # more than one batch (20,000) of payments and of lines
# the command line, with the thread that writes a batch stopping for good once its first batch is in:
# the process is then killed with that batch written in its open transaction
STALLED = """
import pathlib, sys, time
from partner_desk.store import bulk
insert = bulk.InsertsBehind._insert
def stalled(self, text):
    insert(self, text)
    pathlib.Path(sys.argv[1]).write_text("one batch in")
    time.sleep(120)
bulk.InsertsBehind._insert = stalled
from partner_desk.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _files(folder: Path) -> dict[str, Path]:
    files = {
        "agencies": "code,name,currency\n" + "\n".join(f"AG{n:02d},Agency {n},USD" for n in range(20)),
        "projects": "project_id,name,currency,agency_code,connected_at\n"
                    + "\n".join(f"P{n:03d},Shop {n},USD,AG{n % 20:02d},2025-01-01" for n in range(200)),
        "payments": "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
                    + "\n".join(f"pay-{n:06d},P{n % 200:03d},2026-09-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00,"
                                f"subscription,{10 + n % 90}.50,USD," for n in range(PAYMENTS)),
    }
    for kind, text in files.items():
        (folder / f"{kind}.csv").write_text(text + "\n", encoding="utf-8")
    return {kind: folder / f"{kind}.csv" for kind in files}


def _counts(file: Path) -> dict[str, int]:
    with sqlite3.connect(file) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("payments", "accruals", "accrual_lines", "ledger_entries", "posted_periods")}


def _killed_midway(tmp_path: Path, url: str, *argv: str) -> None:
    marker = tmp_path / "one-batch-in"
    marker.unlink(missing_ok=True)
    env = {**os.environ, "PARTNER_DESK_NOW": NOW}
    process = subprocess.Popen([sys.executable, "-c", STALLED, str(marker), "--db", url, *argv], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "no batch was written within a minute"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _run(url: str, *argv: str) -> str:
    done = subprocess.run([sys.executable, "-m", "partner_desk", "--db", url, *argv], capture_output=True,
                          text=True, env={**os.environ, "PARTNER_DESK_NOW": NOW}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, str, dict[str, Path]]:
    file = tmp_path / "killed.db"
    url = f"sqlite:///{file}"
    files = _files(tmp_path)
    database = Database(url)
    init_database(database)
    for kind in ("agencies", "projects"):
        import_file(database, SETUP, kind, files[kind])
    database.dispose()
    return file, url, files


def test_an_import_killed_after_its_first_batch_keeps_nothing_and_runs_again_whole(world, tmp_path) -> None:
    file, url, files = world
    _killed_midway(tmp_path, url, "import", "payments", str(files["payments"]))
    assert _counts(file) == {"payments": 0, "accruals": 0, "accrual_lines": 0, "ledger_entries": 0,
                             "posted_periods": 0}
    assert _run(url, "import", "payments", str(files["payments"])).startswith(
        f"payments: {PAYMENTS} rows read, {PAYMENTS} added, 0 already known")
    assert _counts(file)["payments"] == PAYMENTS


def test_a_posting_killed_after_its_first_batch_of_lines_keeps_nothing_and_posts_again_whole(world,
                                                                                            tmp_path) -> None:
    file, url, files = world
    _run(url, "import", "payments", str(files["payments"]))
    _killed_midway(tmp_path, url, "accrue", "--period", "2026-09")
    assert _counts(file) == {"payments": PAYMENTS, "accruals": 0, "accrual_lines": 0, "ledger_entries": 0,
                             "posted_periods": 0}
    # the two imports of the world and the payments' import: the killed posting left no record
    assert _run(url, "audit", "--verify").startswith("the audit trail is intact: 3 records;")
    assert _run(url, "accrue", "--period", "2026-09").startswith("posted 2026-09: 20 accruals")
    assert _counts(file) == {"payments": PAYMENTS, "accruals": 20, "accrual_lines": PAYMENTS, "ledger_entries": 20,
                             "posted_periods": 1}
    assert _run(url, "audit", "--verify").startswith("the audit trail is intact: 4 records;")
