"""No traceback from anything a user can type (SPEC section 10): every argument checked, any
unexpected failure one line naming the action and the log of its details (exit 2), reads that never
wait for a writer, a busy database explained, a missing database file named."""

from __future__ import annotations

import importlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import partner_desk.services.balances as balances
import partner_desk.services.imports as imports
from partner_desk.cli import errors
from partner_desk.services.setup import init_database
from partner_desk.store import engine
from partner_desk.store.engine import Database
from tests.services.money_world import Cli

AGENCIES = "code,name,currency,offer_accepted_at\nAG01,Alpha,USD,2025-06-01\n"
PROJECTS = "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2025-01-01\n"


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "logs" / "partner-desk.log"
    monkeypatch.setenv(errors.ENV_LOG, str(path))
    return path


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any, log_file: Path) -> Cli:
    runner = Cli(f"sqlite:///{tmp_path / 'desk.db'}", capsys, monkeypatch)
    assert runner("init")[0] == 0
    for kind, text in (("agencies", AGENCIES), ("projects", PROJECTS)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert runner("import", kind, str(path))[0] == 0
    return runner


def _with_admin(cli: Cli) -> None:
    assert cli("users", "add", "root", "--role", "admin", "--password-stdin", stdin="horse-battery-7\n",
               password=None)[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["withdraw", "approve", "123456789012345678901"], "argument ID: '123456789012345678901' is not a request id"),
    (["withdraw", "cancel", "99999999999999999999"], "argument ID: '99999999999999999999' is not a request id"),
    (["audit", "--limit", "123456789012345678901"], "argument --limit: '123456789012345678901' is not a count"),
    (["audit", "--limit", "0"], "argument --limit: '0' is not a count"),
])
def test_numbers_beyond_any_row_are_malformed_commands(cli: Cli, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as caught:
        cli(*args)
    assert caught.value.code == 2
    err = cli.capsys.readouterr().err
    assert err.splitlines()[-1].endswith(message)
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "message"), [
    (["accrue", "--period", "9999-12", "--dry-run"], "'9999-12' is outside 2000-01 to 2099-12"),
    (["accrue", "--period", "0001-01"], "'0001-01' is outside 2000-01 to 2099-12"),
    (["balance", "--as-of", "0001-01-01"], "--as-of: '0001-01-01' is outside 2000-01-01 to 2099-12-31"),
    (["statement", "AG01", "--period", "9999-12", "-o", "x.xlsx"], "'9999-12' is outside 2000-01 to 2099-12"),
    (["pay-project", "AG01", "P1", "9" * 62], f"the amount: '{'9' * 62}' has more than 12 integer digits"),
    (["correct", "AG01", "1" + "0" * 61, "--reason", "typo"],
     f"the amount: '1{'0' * 61}' has more than 12 integer digits"),
    (["withdraw", "request", "AG01", "9" * 21 + ".50", "--method", "paypal", "--details", "a@b.c"],
     f"the amount: '{'9' * 21}.50' has more than 12 integer digits"),
])
def test_values_beyond_the_bounds_are_refused_in_one_line(cli: Cli, args: list[str], message: str) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (1, "")
    assert err == f"partner-desk: {message}\n"


def test_an_unexpected_failure_is_one_line_naming_the_action_and_the_log(cli: Cli, log_file: Path,
                                                                        monkeypatch: Any) -> None:

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the disk controller caught fire")

    monkeypatch.setattr(balances, "balances", broken)
    code, out, err = cli("balance", "--json")
    assert (code, out) == (2, "")
    assert err == (f"partner-desk: balance failed: an unexpected error (RuntimeError: the disk controller caught "
                   f"fire); the details are in {log_file}\n")
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the disk controller caught fire" in logged
    assert f"balance failed: partner-desk --db {cli.url} balance --json" in logged


def test_an_unexpected_failure_of_a_signed_in_user_is_audited(cli: Cli, log_file: Path, monkeypatch: Any,
                                                             tmp_path: Path) -> None:

    _with_admin(cli)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(imports, "import_file", broken)
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,per_usd\n2026-01-05,EUR,0.9\n", encoding="utf-8")
    code, _, err = cli("import", "rates", str(rates), user="root", password="horse-battery-7")
    assert code == 2
    assert err.startswith("partner-desk: import rates failed: an unexpected error (OverflowError: ")
    newest = json.loads(cli("audit", "--json", "--limit", "1", user="root", password="horse-battery-7")[1])[0]
    assert {k: newest[k] for k in ("user", "action", "object", "outcome")} == {
        "user": "root", "action": "import", "object": "rates", "outcome": "refused"}
    assert newest["message"] == (f"an unexpected error (OverflowError: Python int too large to convert to SQLite "
                                 f"INTEGER); the details are in {log_file}")


def test_an_unexpected_failure_in_set_up_mode_writes_no_audit_record(cli: Cli, monkeypatch: Any) -> None:

    before = json.loads(cli("audit", "--json")[1])
    monkeypatch.setattr(balances, "balances", lambda *a, **k: 1 / 0)
    assert cli("balance")[0] == 2
    assert json.loads(cli("audit", "--json")[1]) == before


def test_a_database_file_that_does_not_exist_is_named_not_created(tmp_path: Path, capsys: Any,
                                                                 monkeypatch: Any) -> None:
    path = tmp_path / "nowhere" / "desk.db"
    runner = Cli(f"sqlite:///{path}", capsys, monkeypatch)
    for args in (["balance"], ["users", "list"], ["import", "agencies", str(tmp_path / "a.csv")]):
        code, out, err = runner(*args)
        assert (code, out) == (1, "")
        assert err == f"partner-desk: no database at {path}: run 'partner-desk init'\n"
    assert not path.parent.exists()
    assert runner("init")[0] == 0
    assert path.is_file()
    assert runner("balance")[0] == 0


@pytest.fixture
def writer(cli: Cli, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a write transaction on the same database."""
    other = sqlite3.connect(tmp_path / "desk.db", isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('held', 'by another writer')")
    yield other
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.usefixtures("writer")
def test_reading_commands_do_not_wait_for_a_writer(cli: Cli, monkeypatch: Any) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    for args in (["balance", "--json"], ["accrue", "--period", "2026-01", "--as-of", "2026-02-01", "--dry-run"],
                 ["withdraw", "list"], ["users", "list"], ["audit", "--verify"]):
        code, _, err = cli(*args)
        assert (code, err) == (0, ""), args


@pytest.mark.usefixtures("writer")
def test_a_write_that_finds_the_database_busy_says_so(cli: Cli, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,per_usd\n2026-01-05,EUR,0.9\n", encoding="utf-8")
    code, out, err = cli("import", "rates", str(rates))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "partner-desk: waiting for the database: another user or program is writing to it…",
        "partner-desk: the database is busy: another user or program is writing to it; try again",
    ]


@pytest.mark.usefixtures("writer")
def test_opening_a_current_database_as_the_window_does_waits_for_no_writer(cli: Cli, monkeypatch: Any) -> None:

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    db = Database(cli.url)
    try:
        assert init_database(db) is False  # current and complete: only read
    finally:
        db.dispose()


# (a NUL never reaches a command's arguments or its environment: the operating system ends strings there;
# standard input can hold one, and the passwords read from it are tried with one below)
NASTY_ARGS = ["", " ", "-1", "0", "1e5", "NaN", "Infinity", "9" * 62, "123456789012345678901", "0001-01-01",
              "9999-12-31", "9999-12", "2026-13", "2026-02-30", "AG\u200b01", "Київ", "'; DROP TABLE agencies; --",
              "x" * 5000, "9" * 5000, "../../etc/passwd", "%s%n", "\u202eRTL", "root\n",
              "5:" + "0" * 64, "99999999999999999999:" + "f" * 64,
              "9" * 5000 + ":" + "f" * 64]
COMMANDS = [
    ["balance", "{}"], ["balance", "--as-of", "{}"], ["accrue", "--period", "{}", "--dry-run"],
    ["accrue", "--period", "2026-01", "--as-of", "{}"], ["pay-project", "{}", "P1", "10"],
    ["pay-project", "AG01", "{}", "10"], ["pay-project", "AG01", "P1", "{}"],
    ["correct", "AG01", "{}", "--reason", "x"],
    ["correct", "{}", "5", "--reason", "{}"], ["withdraw", "request", "AG01", "{}", "--method", "paypal",
                                                "--details", "a@b.c"],
    ["withdraw", "request", "AG01", "10", "--method", "{}", "--details", "{}"], ["withdraw", "approve", "{}"],
    ["withdraw", "reject", "1", "--reason", "{}"], ["withdraw", "paid", "1", "--reference", "r", "--date", "{}"],
    ["withdraw", "list", "--status", "{}"], ["statement", "{}", "--period", "2026-01", "-o", "x.xlsx"],
    ["statement", "AG01", "--period", "{}", "-o", "x.xlsx"], ["statements", "--period", "{}", "-o", "out"],
    ["statement", "AG01", "--period", "2026-01", "--preview", "-o", "{}.xlsx"],
    ["statements", "--period", "2026-01", "-o", "{}"],
    ["statement", "AG01", "--period", "2026-01", "-o", "x.xlsx", "--lang", "{}"],
    ["statements", "--period", "2026-01", "-o", "out", "--format", "{}"],
    ["withdraw", "export", "--method", "{}", "-o", "out"],
    ["withdraw", "export", "--method", "paypal", "-o", "out", "--ids", "{}"],
    ["withdraw", "paid-batch", "{}", "--reference", "r", "--date", "2026-01-05"],
    ["withdraw", "paid-batch", "1,2", "--reference", "{}", "--date", "{}"],
    ["import", "payments", "{}"], ["audit", "--limit", "{}"], ["users", "add", "{}", "--role", "admin",
                                                                "--password-stdin"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_no_argument_a_user_can_type_ends_in_a_traceback_or_an_unexpected_error(
        cli: Cli, command: list[str], tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for value in NASTY_ARGS:
        args = [part.replace("{}", value) for part in command]
        try:
            code, _out, err = cli(*args, stdin="a-long-enough-password\n", password=None)
        except SystemExit as exit_:  # argparse: a malformed command
            code, err = int(exit_.code or 0), cli.capsys.readouterr().err
        assert code in (0, 1, 2), (args, code)
        assert "Traceback" not in err, (args, err)
        assert "unexpected error" not in err, (args, err)


# the commands of people and proof, run by a signed-in admin (their refusals are audited too)
SIGNED_IN_COMMANDS = [
    ["users", "deactivate", "{}"], ["users", "activate", "{}"], ["users", "unlock", "{}"],
    ["users", "role", "{}", "finance"], ["users", "role", "ana", "{}"],
    ["users", "password", "{}", "--password-stdin"], ["users", "password", "ana", "--password-stdin"],
    ["users", "add", "{}", "--role", "manager", "--password-stdin"],
    ["users", "add", "ana2", "--role", "{}", "--password-stdin"],
    ["audit", "--verify", "--expect", "{}"], ["audit", "--verify", "--json", "--expect", "{}"],
    ["audit", "--expect", "{}"], ["audit", "--limit", "{}", "--json"],
    ["withdraw", "company-account", "--name", "{}", "--iban", "{}", "--bic", "{}"],
    ["withdraw", "company-account", "--name", "Desk Ltd", "--iban", "{}", "--bic", "COBADEFFXXX"],
    ["withdraw", "approve", "1", "--as-of", "{}"],
    ["withdraw", "request", "AG01", "10", "--method", "paypal", "--details", "a@b.c", "--as-of", "{}"],
    ["statement", "AG01", "--period", "2026-01", "--preview", "--as-of", "{}", "-o", "x.xlsx"],
    ["accrue", "--period", "2026-01", "--dry-run", "--as-of", "{}"],
]


def _typed(cli: Cli, args: list[str], **kwargs: Any) -> tuple[int, str]:
    try:
        code, _out, err = cli(*args, **kwargs)
    except SystemExit as exit_:  # argparse: a malformed command
        code, err = int(exit_.code or 0), cli.capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("command", SIGNED_IN_COMMANDS, ids=[" ".join(c) for c in SIGNED_IN_COMMANDS])
def test_no_argument_of_a_signed_in_command_ends_in_a_traceback(cli: Cli, command: list[str], tmp_path: Path,
                                                               monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    _with_admin(cli)
    assert cli("users", "add", "ana", "--role", "manager", "--password-stdin", stdin="quiet-river-42\n",
               user="root", password="horse-battery-7")[0] == 0
    for value in [*NASTY_ARGS, "a-password\x00with a NUL"]:
        args = [part.replace("{}", value.replace("\x00", "")) for part in command]
        # the value is also the new password a command reads from standard input
        code, err = _typed(cli, args, user="root", password="horse-battery-7", stdin=value + "\n")
        assert code in (0, 1, 2), (args, code)
        assert "Traceback" not in err, (args, err)
        assert "unexpected error" not in err, (args, err)
    # whatever was refused, the trail still verifies: every refusal was recorded along its chain
    assert cli("audit", "--verify", user="root", password="horse-battery-7")[0] == 0


def test_no_user_name_or_password_given_to_sign_in_ends_in_a_traceback(cli: Cli) -> None:
    _with_admin(cli)
    for value in NASTY_ARGS:
        for user, password in ((value, "horse-battery-7"), ("root", value)):
            code, err = _typed(cli, ["balance", "--json"], user=user, password=password)
            # an empty --user is no --user: balances need no sign-in
            assert code == (0 if user == "" else 1), (user, password, err)
            assert "Traceback" not in err, (user, password, err)
            assert "unexpected error" not in err, (user, password, err)


@pytest.mark.parametrize("setting", [*NASTY_ARGS, "0001-01-01T00:00+14:00", "2000-01-01T00:00+14:00", "2026-01-05"])
def test_no_clock_setting_ends_in_a_traceback(cli: Cli, monkeypatch: Any, setting: str) -> None:
    monkeypatch.setenv("PARTNER_DESK_NOW", setting)
    for args in (["balance", "--json"], ["accrue", "--period", "2026-01", "--dry-run"], ["withdraw", "list"]):
        code, err = _typed(cli, args)
        assert code in (0, 1), (setting, args, code, err)
        assert "Traceback" not in err, (setting, args, err)
        assert "unexpected error" not in err, (setting, args, err)


@pytest.mark.parametrize(("module", "function", "args", "action", "obj"), [
    ("users", "deactivate", ["users", "deactivate", "ana"], "users.deactivate", "ana"),
    ("users", "change_password", ["users", "password", "root", "--password-stdin"], "users.own_password", "root"),
    ("users", "change_password", ["users", "password", "ana", "--password-stdin"], "users.password", "ana"),
    ("payout_batches", "export_batch", ["withdraw", "export", "--method", "paypal", "-o", "out"],
     "withdraw.export", "paypal"),
    ("payout_batches", "mark_batch_paid", ["withdraw", "paid-batch", "1,2", "--reference", "r", "--date",
                                           "2026-01-05"], "withdraw.paid_batch", "1,2"),
    ("payout_accounts", "set_company_account", ["withdraw", "company-account", "--name", "Desk", "--iban",
                                                "DE89370400440532013000", "--bic", "COBADEFFXXX"],
     "settings", "payout account"),
    ("audit_trail", "verify", ["audit", "--verify"], "audit.read", None),
])
def test_an_unexpected_failure_of_any_command_is_audited_under_the_services_name(
        cli: Cli, monkeypatch: Any, tmp_path: Path, module: str, function: str, args: list[str], action: str,
        obj: str | None) -> None:

    monkeypatch.chdir(tmp_path)
    _with_admin(cli)
    assert cli("users", "add", "ana", "--role", "manager", "--password-stdin", stdin="quiet-river-42\n",
               user="root", password="horse-battery-7")[0] == 0

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the disk controller caught fire")

    with monkeypatch.context() as patched:
        patched.setattr(importlib.import_module(f"partner_desk.services.{module}"), function, broken)
        code, _, err = cli(*args, user="root", password="horse-battery-7", stdin="long-new-password-1\n")
    assert code == 2
    assert "RuntimeError: the disk controller caught fire" in err
    newest = json.loads(cli("audit", "--json", "--limit", "1", user="root", password="horse-battery-7")[1])[0]
    assert {k: newest[k] for k in ("user", "action", "object", "outcome")} == {
        "user": "root", "action": action, "object": obj, "outcome": "refused"}


def test_a_signed_in_read_waits_for_no_writer(cli: Cli, monkeypatch: Any, tmp_path: Path) -> None:
    # signing in reads the user and the trail; only a failed attempt (or a hash upgrade) writes
    _with_admin(cli)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(tmp_path / "desk.db", isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        for args in (["balance", "--json"], ["users", "list"], ["audit", "--verify"], ["audit", "--limit", "3"]):
            code, _, err = cli(*args, user="root", password="horse-battery-7")
            assert (code, err) == (0, ""), args
        # a wrong password must be recorded, and the writer holds the database: said so, not a traceback
        code, _, err = cli("balance", user="root", password="not-the-password")
        assert code == 1
        assert err.splitlines()[-1] == (
            "partner-desk: the database is busy: another user or program is writing to it; try again")
    finally:
        other.execute("ROLLBACK")
        other.close()
