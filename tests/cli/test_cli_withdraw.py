"""`withdraw request|approve|reject|cancel|paid|list` on the command line (SPEC section 10)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import Cli, credit, world


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any) -> Cli:
    db = world(tmp_path)
    credit(db, "AG01", "500.00")
    credit(db, "AG02", "500.00")
    db.dispose()
    return Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)


def test_a_request_through_to_payout(cli: Cli) -> None:
    code, out, err = cli("withdraw", "request", "AG01", "200.00", "--method", "bank-transfer",
                         "--details", "IBAN UA21 3223", "--as-of", "2026-11-20", "--json", user="m1")
    assert (code, err) == (0, "")
    request = json.loads(out)
    assert {k: request[k] for k in ("agency", "amount", "currency", "status", "method", "requested_by",
                                    "decided_by", "details")} == {
        "agency": "AG01", "amount": "200.00", "currency": "EUR", "status": "pending",
        "method": "bank_transfer", "requested_by": "m1", "decided_by": None, "details": "IBAN UA21 3223"}
    wid = str(request["id"])
    assert cli("withdraw", "approve", wid, user="f1")[:2] == (0, f"withdrawal {wid} approved by f1\n")
    code, out, _ = cli("withdraw", "paid", wid, "--reference", "SWIFT 77", "--date", "2026-11-21", user="f2")
    assert (code, out) == (0, f"withdrawal {wid} paid on 2026-11-21: SWIFT 77\n")
    code, out, _ = cli("withdraw", "list", "--json")
    assert json.loads(out) == [{"id": int(wid), "agency": "AG01", "amount": "200.00", "currency": "EUR",
                                "status": "paid", "method": "bank_transfer", "requested_by": "m1",
                                "decided_by": "f1"}]
    code, out, _ = cli("balance", "AG01", "--json")
    balance = json.loads(out)[0]
    assert (balance["balance"], balance["available"]) == ("300.00", "300.00")  # 500 - 200 paid out


def test_refusals_are_one_line_with_every_reason(cli: Cli) -> None:
    code, out, err = cli("withdraw", "request", "AG02", "600.00", "--method", "card", "--details", "card 1",
                         user="m1")
    assert code == 1
    assert out == ""
    assert err == ("partner-desk: AG02 cannot withdraw 600.00 USD: the partner offer has not been accepted; "
                   "600.00 USD is more than the available balance 500.00 USD\n")


def test_own_requests_cannot_be_approved(cli: Cli) -> None:
    wid = json.loads(cli("withdraw", "request", "AG01", "150.00", "--method", "paypal", "--details",
                         "pp@example.com", "--json", user="f1")[1])["id"]
    code, _, err = cli("withdraw", "approve", str(wid), user="f1")
    assert code == 1
    assert err == (f"partner-desk: f1 may not approve withdrawal {wid}: nobody decides a request they "
                   "created\n")
    assert cli("withdraw", "approve", str(wid), user="m1")[0] == 1  # a manager may not approve
    assert cli("withdraw", "reject", str(wid), "--reason", "duplicate", user="f2")[0] == 0
    assert cli("withdraw", "reject", str(wid), "--reason", "again", user="f2")[2] == (
        f"partner-desk: withdrawal {wid} is rejected: only a pending request can be rejected\n")


def test_cancel_and_list_by_status(cli: Cli) -> None:
    first = json.loads(cli("withdraw", "request", "AG01", "150.00", "--method", "card", "--details", "c",
                           "--json", user="m1")[1])["id"]
    cli("withdraw", "request", "AG01", "160.00", "--method", "other", "--details", "cash", user="m2")
    assert cli("withdraw", "cancel", str(first), user="m2")[0] == 1  # not m2's request
    assert cli("withdraw", "cancel", str(first), user="m1")[:2] == (
        0, f"withdrawal {first} cancelled: the hold is released\n")
    listed = json.loads(cli("withdraw", "list", "--status", "pending", "--json")[1])
    assert [(r["amount"], r["requested_by"]) for r in listed] == [("160.00", "m2")]
    code, out, _ = cli("withdraw", "list")
    assert code == 0
    assert "cancelled" in out
    assert "pending" in out
    assert cli("withdraw", "list", "--status", "gone")[2].startswith("partner-desk: 'gone' is not a withdrawal")


def test_changes_need_a_signed_in_user(cli: Cli) -> None:
    code, _, err = cli("withdraw", "request", "AG01", "150.00", "--method", "card", "--details", "c")
    assert code == 1
    assert err == ("partner-desk: not signed in: to request withdrawals sign in (--user NAME) as a user "
                   "with the manager role\n")
    code, _, err = cli("withdraw", "approve", "1", user="f1", password="wrong password")
    assert (code, err) == (1, "partner-desk: sign-in failed for 'f1': unknown user or wrong password\n")


def test_usage_errors_exit_2(cli: Cli) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("withdraw", "approve", "abc", user="f1")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("withdraw", "request", "AG01", "10", "--details", "x", user="m1")  # --method is required
    assert caught.value.code == 2
