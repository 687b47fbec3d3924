"""The command line as a stable contract (SPEC section 10): exit codes, stderr, JSON shapes, sign-in."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from partner_desk.cli import main
from partner_desk.cli.common import table
from partner_desk.services.session import session_state
from partner_desk.store.engine import Database

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch):
    """Run `partner-desk --db <fresh file> ARGS...` in-process; returns (exit code, stdout, stderr)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.delenv("PARTNER_DESK_PASSWORD", raising=False)

    def run(*args: str, stdin: str | None = None, password: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        if password is not None:
            monkeypatch.setenv("PARTNER_DESK_PASSWORD", password)
        else:
            monkeypatch.delenv("PARTNER_DESK_PASSWORD", raising=False)
        code = main(["--db", url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    run.url = url
    return run


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    texts = {
        "agencies": "code,name,currency,offer_accepted_at\nAG01,Alpha,EUR,2025-06-01\nAG02,Beta,USD,\n",
        "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n"
                    "P2,Clinic,USD,AG02,2025-01-01\n",
        "rates": "date,currency,per_usd\n2026-01-01,UAH,40\n2026-01-01,EUR,0.9\n",
        # P1: 20000 UAH = $500 -> 15%: €450 × 15% = 67.50; P2: $99.99 -> 10%: 10.00 (9.999 rounded)
        "payments": f"{PAY}\nj1,P1,2026-01-05T10:00,subscription,20000.00,UAH,\n"
                    "j2,P2,2026-01-06T10:00,subscription,99.99,USD,\n",
    }
    paths = {}
    for kind, text in texts.items():
        paths[kind] = tmp_path / f"{kind}.csv"
        paths[kind].write_text(text, encoding="utf-8")
    return paths


def loaded(cli, files) -> None:
    assert cli("init")[0] == 0
    for kind in ("agencies", "projects", "rates", "payments"):
        code, out, err = cli("import", kind, str(files[kind]))
        assert (code, err) == (0, ""), err
        assert out.startswith(f"{kind}: ")


def test_init_creates_then_upgrades(cli) -> None:
    code, out, _ = cli("init")
    assert code == 0
    assert out.startswith("created ")
    code, out, _ = cli("init")
    assert code == 0
    assert out.startswith("upgraded ")


def test_commands_refuse_a_database_that_is_not_set_up(cli) -> None:
    Path(cli.url.removeprefix("sqlite:///")).touch()  # a file that is not (yet) a Partner Desk database
    code, out, err = cli("balance")
    assert code == 1
    assert out == ""
    assert err.startswith("partner-desk: the database ")
    assert "run 'partner-desk init' first" in err


def test_import_summary_and_idempotence(cli, files) -> None:
    loaded(cli, files)
    code, out, _ = cli("import", "payments", str(files["payments"]))
    assert code == 0
    assert out.strip() == "payments: 2 rows read, 0 added, 2 already known"


def test_import_problems_go_to_stderr_with_row_and_column(cli, files, tmp_path) -> None:
    loaded(cli, files)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{PAY}\nx1,P1,2026-01-05T10:00,subscription,1.005,UAH,\nx2,P1,nope,gift,1,UAH,\n")
    code, out, err = cli("import", "payments", str(bad))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "partner-desk: bad.csv refused: 3 problems, nothing was written",
        "row 2: amount: '1.005' has more decimals than UAH allows (2)",
        "row 3: paid_at: 'nope' is not an ISO 8601 timestamp",
        "row 3: service: 'gift' is not a service kind (subscription, numbers, telephony, other)",
    ]
    assert "Traceback" not in err


def test_accrue_dry_run_then_post_as_json(cli, files) -> None:
    loaded(cli, files)
    code, out, _ = cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01", "--dry-run", "--json")
    assert code == 0
    preview = json.loads(out)
    code, out, _ = cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01", "--json")
    assert code == 0
    posted = json.loads(out)
    assert preview == posted
    assert posted["period"] == "2026-01"
    assert posted["already_accrued"] is False
    summary = {a["agency"]: (a["currency"], a["turnover_usd"], a["percent"], a["amount"], a["reward_usd"])
               for a in posted["accruals"]}
    assert summary == {
        "AG01": ("EUR", "500.00", "15", "67.50", "75.00"),  # reward $500 × 15%
        "AG02": ("USD", "99.99", "10", "10.00", "10.00"),  # $99.99 × 10% = 9.999 -> 10.00
    }
    line = posted["accruals"][0]["lines"][0]
    assert {k: line[k] for k in ("payment_id", "commission", "percent", "late")} == {
        "payment_id": "j1", "commission": "67.50", "percent": "15", "late": False}
    code, out, _ = cli("accrue", "--period", "2026-01", "--as-of", "2026-03-01", "--json")
    assert json.loads(out) == {"period": "2026-01", "already_accrued": True, "accruals": []}


def test_accrue_text_output(cli, files) -> None:
    loaded(cli, files)
    code, out, _ = cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01")
    assert code == 0
    assert out.splitlines()[0] == "posted 2026-01: 2 accruals"
    assert "total EUR: 67.50" in out
    assert "total USD: 10.00" in out
    code, out, _ = cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01")
    assert out.strip() == "2026-01 is already accrued: nothing was posted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accrue", "--period", "2026-13"], "partner-desk: '2026-13' is not a period (YYYY-MM)"),
        (["accrue", "--period", "2026-01", "--as-of", "2026-02-30"],
         "partner-desk: --as-of: '2026-02-30' is not a date (YYYY-MM-DD)"),
        (["accrue", "--period", "2026-01", "--as-of", "2026-01-31"],
         "partner-desk: 2026-01 had not ended on 2026-01-31: posting it as of that day is refused"),
        (["accrue", "--period", "2026-01", "--as-of", "2099-12-31"],
         "partner-desk: --as-of 2099-12-31 is after today"),
        (["accrue", "--period", "2026-01", "--as-of", "9999-12-31"],
         "partner-desk: --as-of: '9999-12-31' is outside 2000-01-01 to 2099-12-31"),
        (["balance", "AG99"], "partner-desk: unknown agency 'AG99'"),
    ],
)
def test_user_errors_exit_1_with_one_clear_line(cli, files, args, message) -> None:
    loaded(cli, files)
    code, out, err = cli(*args)
    assert (code, out) == (1, "")
    assert err.strip() == message or (message.endswith("after today") and err.startswith(message + " ("))


def test_balance_json(cli, files) -> None:
    loaded(cli, files)
    cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01")
    code, out, _ = cli("balance", "--as-of", "2026-02-01", "--json")
    assert code == 0
    rows = {b["agency"]: b for b in json.loads(out)}
    assert {k: rows["AG01"][k] for k in ("agency", "currency", "balance", "available", "withdrawable")} == {
        "agency": "AG01", "currency": "EUR", "balance": "67.50", "available": "67.50", "withdrawable": False}
    # €67.50 at 0.9 per USD = $75.00: not more than $100
    assert rows["AG01"]["reasons"] == ["the available balance is worth $75.00, not more than $100.00"]
    assert rows["AG02"]["reasons"] == [
        "the partner offer has not been accepted",
        "the available balance is worth $10.00, not more than $100.00",
    ]
    # beside each listed reason, its stable code, in the same order
    assert rows["AG01"]["reason_codes"] == ["below_minimum"]
    assert rows["AG02"]["reason_codes"] == ["offer_not_accepted", "below_minimum"]
    code, out, _ = cli("balance", "AG02", "--as-of", "2026-02-01", "--json")
    assert [b["agency"] for b in json.loads(out)] == ["AG02"]


def test_setup_mode_then_signed_in_roles(cli, files) -> None:
    loaded(cli, files)  # set-up mode: no users yet, anyone may act
    code, _, err = cli("users", "add", "fin", "--role", "finance", "--password-stdin", stdin="secret-money\n")
    assert code == 1
    assert "the first user must be an admin" in err
    assert cli("users", "add", "root", "--role", "admin", "--password-stdin", stdin="secret-boss\n")[0] == 0
    code, _, err = cli("--user", "root", "users", "add", "fin", "--role", "finance", "--password-stdin",
                       stdin="secret-money\n", password="secret-boss")
    assert (code, err) == (0, "")
    # once a user exists, changes need a signed-in user whose role allows them
    code, _, err = cli("accrue", "--period", "2026-01", "--as-of", "2026-02-01")
    assert code == 1
    assert err.startswith("partner-desk: not signed in: ")
    assert "with the finance role" in err
    code, _, err = cli("--user", "fin", "accrue", "--period", "2026-01", "--as-of", "2026-02-01",
                       password="wrong-password")
    assert code == 1
    assert err.strip() == "partner-desk: sign-in failed for 'fin': unknown user or wrong password"
    code, out, _ = cli("--user", "fin", "accrue", "--period", "2026-01", "--as-of", "2026-02-01",
                       password="secret-money")
    assert code == 0
    assert out.startswith("posted 2026-01")


def test_no_traceback_for_a_user_error_in_a_real_process(tmp_path) -> None:
    env = {**os.environ, "PARTNER_DESK_DB": f"sqlite:///{tmp_path / 'p.db'}"}
    command = [sys.executable, "-m", "partner_desk", "import", "payments", str(tmp_path / "missing.csv")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("partner-desk: ")


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("nosuch://x", "partner-desk: cannot open the database: "),
        ("postgresql://desk:secret@127.0.0.1:1/partners", "partner-desk: cannot open the database postgresql+psycopg://desk:***@"),
    ],
)
def test_a_database_that_cannot_be_opened_is_a_clear_error(url, start, capsys) -> None:
    code = main(["--db", url, "balance"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(start)
    assert "secret" not in err
    assert "Traceback" not in err


def test_text_tables_align_numbers_right_and_leave_no_trailing_spaces() -> None:

    text = table([["AG01", "12.50", ""], ["AG02", "-3.00", "no rate"]], ["agency", "balance", "why not"])
    assert text.splitlines() == [
        "agency  balance  why not",
        "AG01      12.50",
        "AG02      -3.00  no rate",
    ]


def test_users_add_takes_a_display_name(cli) -> None:

    assert cli("init")[0] == 0
    assert cli("users", "add", "root", "--role", "admin", "--password-stdin", stdin="secret-boss\n")[0] == 0
    code, out, err = cli("--user", "root", "users", "add", "olena", "--role", "manager", "--display-name",
                         "Olena Kovalenko", "--password-stdin", stdin="secret-money\n", password="secret-boss")
    assert (code, out, err) == (0, "added olena (manager)\n", "")
    code, _, err = cli("--user", "root", "users", "add", "bad", "--role", "manager", "--display-name",
                       "x" * 201, "--password-stdin", stdin="secret-money\n", password="secret-boss")
    assert code == 1
    assert err == "partner-desk: display name: is longer than 200 characters\n"
    db = Database(cli.url)
    try:
        assert session_state(db).display_names == {"olena": "Olena Kovalenko"}
    finally:
        db.dispose()
