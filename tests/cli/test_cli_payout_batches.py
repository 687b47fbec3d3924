"""`withdraw export` and `withdraw paid-batch` on the command line (SPEC section 10)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import CLOCK, Cli, world
from tests.services.payout_world import add_agencies


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any, clock: Callable[[str], None]) -> Cli:
    clock(CLOCK)  # today is 2026-11-20
    db = world(tmp_path)
    add_agencies(db)
    db.dispose()
    return Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)


def approved(cli: Cli, code: str, amount: str, method: str, details: str) -> int:
    # held on the 18th, so a batch may be paid on the 19th
    code_, out, err = cli("withdraw", "request", code, amount, "--method", method, "--details", details,
                          "--as-of", "2026-11-18", "--json", user="m1")
    assert (code_, err) == (0, "")
    wid = json.loads(out)["id"]
    assert cli("withdraw", "approve", str(wid), user="f1")[0] == 0
    return int(wid)


def test_export_then_paid_batch(cli: Cli, tmp_path: Path) -> None:
    first = approved(cli, "AG04", "120.50", "paypal", "delta@example.com")
    second = approved(cli, "AG05", "20000", "paypal", "jp@example.jp")
    out = tmp_path / "out"
    code, stdout, err = cli("withdraw", "export", "--status", "approved", "--method", "paypal", "-o", str(out),
                            user="f2")
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [
        f"payout batch 1: 2 PayPal requests ({first}, {second}): JPY 20000, USD 120.50",
        str(out / "payout-batch-1-paypal-JPY.csv"), str(out / "payout-batch-1-paypal-USD.csv")]
    assert sorted(p.name for p in out.iterdir()) == ["payout-batch-1-paypal-JPY.csv", "payout-batch-1-paypal-USD.csv"]
    rows = (out / "payout-batch-1-paypal-USD.csv").read_text().splitlines()
    assert rows[0].split(",")[:4] == ["delta@example.com", "120.50", "USD", str(first)]
    # still approved: exporting is not paying
    listed = json.loads(cli("withdraw", "list", "--status", "approved", "--json")[1])
    assert sorted(r["id"] for r in listed) == [first, second]

    code, stdout, err = cli("withdraw", "paid-batch", str(out / "payout-batch-1-paypal-JPY.csv"),
                            "--reference", "PAYPAL-77", "--date", "2026-11-19", "--json", user="f2")
    assert (code, err) == (0, "")
    assert json.loads(stdout) == {"batch": 1, "requests": [first, second], "reference": "PAYPAL-77",
                                  "paid_on": "2026-11-19", "totals": {"JPY": "20000", "USD": "120.50"}}
    balance = {b["agency"]: b["balance"] for b in json.loads(cli("balance", "--json")[1])}
    assert (balance["AG04"], balance["AG05"]) == ("879.50", "180000")  # 1000.00 - 120.50; 200000 - 20000

    code, stdout, err = cli("withdraw", "paid-batch", str(out / "payout-batch-1-paypal-USD.csv"),
                            "--reference", "PAYPAL-78", "--date", "2026-11-19", user="f2")
    assert (code, stdout) == (1, "")
    assert err == ("partner-desk: payout batch 1 was already marked paid (on 2026-11-19 with reference PAYPAL-77): "
                   "nothing was changed\n")


def test_paid_batch_by_ids_refuses_as_a_whole(cli: Cli) -> None:
    first = approved(cli, "AG04", "120.50", "paypal", "delta@example.com")
    pending = json.loads(cli("withdraw", "request", "AG05", "20000", "--method", "paypal", "--details",
                             "jp@example.jp", "--json", user="m1")[1])["id"]
    code, out, err = cli("withdraw", "paid-batch", f"{first},{pending}", "--reference", "R", "--date",
                         "2026-11-19", user="f2")
    assert (code, out) == (1, "")
    assert err == (f"partner-desk: requests {first},{pending} cannot be marked paid, nothing was changed: withdrawal "
                   f"{pending} is pending: only an approved request can be marked paid\n")
    assert json.loads(cli("withdraw", "list", "--status", "paid", "--json")[1]) == []
    # a batch is dated within the bounds of any chosen date: not after today
    code, out, err = cli("withdraw", "paid-batch", str(first), "--reference", "R", "--date", "2026-11-21", user="f2")
    assert (code, out, err) == (1, "", "partner-desk: the payout date 2026-11-21 is after today (2026-11-20): a date "
                                       "chosen for an action cannot be in the future\n")
    code, out, err = cli("withdraw", "paid-batch", str(first), "--reference", "R", "--date", "2026-11-19",
                         user="f2")
    assert (code, err) == (0, "")
    assert out == f"requests: 1 request ({first}) paid on 2026-11-19: R; USD 120.50\n"


def test_refusals_are_one_line(cli: Cli, tmp_path: Path) -> None:
    approved(cli, "AG04", "120.50", "paypal", "the agency's usual account")
    code, out, err = cli("withdraw", "export", "--status", "approved", "--method", "paypal", "-o",
                         str(tmp_path / "out"), user="f2")
    assert (code, out) == (1, "")
    assert err == ("partner-desk: the PayPal batch was not made: request 1 (AG04): its payout details hold no "
                   "e-mail address\n")
    assert not (tmp_path / "out").exists()
    code, _, err = cli("withdraw", "export", "--method", "bank", "-o", str(tmp_path), user="f2")
    assert (code, err) == (1, "partner-desk: there are no approved bank transfer requests to export\n")
    code, _, err = cli("withdraw", "export", "--method", "paypal", "-o", str(tmp_path), user="m1")
    assert (code, err) == (1, "partner-desk: m1 (manager) may not export payout batches: it needs the finance role\n")
    code, _, err = cli("withdraw", "paid-batch", str(tmp_path / "nothing.csv"), "--reference", "R", "--date",
                       "2026-11-19", user="f2")
    assert (code, err) == (1, f"partner-desk: {tmp_path / 'nothing.csv'}: no such file (give a file of a payout "
                              "batch, or request ids such as 12,13,14)\n")
    code, _, err = cli("withdraw", "request", "AG01", "150.00", "--method", "bank", "--details",
                       "IBAN DE89 3704 0044 0532 0130 01", user="m1")
    assert (code, err) == (1, "partner-desk: cannot request a withdrawal from AG01: the IBAN DE89 3704 0044 0532 "
                              "0130 01 in the payout details is not valid: its check digits are wrong\n")


@pytest.mark.parametrize("args", [
    ["withdraw", "export", "--method", "card", "-o", "x"],  # only paypal or bank
    ["withdraw", "export", "--status", "pending", "--method", "paypal", "-o", "x"],
    ["withdraw", "export", "--method", "paypal"],  # -o is required
    ["withdraw", "paid-batch", "1", "--reference", "R"],  # --date is required
    ["withdraw", "paid-batch", "--reference", "R", "--date", "2026-11-19"],
])
def test_malformed_commands_exit_2(cli: Cli, args: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli(*args, user="f2")
    assert caught.value.code == 2


def test_company_account(cli: Cli) -> None:
    assert cli("withdraw", "company-account")[1].startswith("the company account is not set")
    code, _, err = cli("withdraw", "company-account", "--name", "Ltd", "--iban", "DE02120300000000202051",
                       "--bic", "BYLADEM1001", user="f1")
    assert (code, err) == (1, "partner-desk: f1 (finance) may not change settings: it needs the admin role\n")
    code, out, err = cli("withdraw", "company-account", "--name", "Partner Desk Ltd", "--iban",
                         "DE02 1203 0000 0000 2020 51", "--bic", "BYLADEM1001", user="a1")
    assert (code, out, err) == (0, "Partner Desk Ltd: IBAN DE02120300000000202051, BIC BYLADEM1001\n", "")
