"""`pay-project` and `correct` on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import Cli, credit, world


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any) -> Cli:
    db = world(tmp_path)
    credit(db, "AG01", "100.00")
    db.dispose()
    return Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)


def test_pay_project(cli: Cli) -> None:
    code, out, err = cli("pay-project", "AG01", "P-UAH", "40.00", user="m1")
    # 40.00 EUR / 0.8 * 41.5 = 2075.00 UAH
    assert (code, err) == (0, "")
    assert out == "paid 40.00 EUR from AG01 to project P-UAH (2075.00 UAH); available now 60.00 EUR\n"
    code, out, _ = cli("pay-project", "AG01", "P-EUR", "60.00", "--json", user="m1")
    assert json.loads(out) == {"entry": 3, "agency": "AG01", "project_id": "P-EUR", "amount": "60.00",
                               "currency": "EUR", "project_amount": "60.00", "project_currency": "EUR",
                               "available": "0.00"}


def test_pay_project_refusals(cli: Cli) -> None:
    assert cli("pay-project", "AG01", "P-EUR", "100.01", user="m1")[2] == (
        "partner-desk: cannot pay project P-EUR from AG01: 100.01 EUR is more than the available "
        "balance 100.00 EUR\n")
    assert cli("pay-project", "AG01", "P-USD", "1", user="m1")[2] == (
        "partner-desk: project P-USD is not connected to AG01 now (it is connected to AG02)\n")
    assert cli("pay-project", "AG01", "P-EUR", "1")[0] == 1  # nobody signed in
    code, out, _ = cli("balance", "AG01", "--json")
    assert code == 0
    assert json.loads(out)[0]["available"] == "100.00"


def test_correct(cli: Cli) -> None:
    code, _, err = cli("correct", "AG01", "-20.00", "--reason", "double credit in May", user="f1")
    assert (code, err) == (1, "partner-desk: f1 (finance) may not correct balances: it needs the admin role\n")
    code, out, _ = cli("correct", "AG01", "-20.00", "--reason", "double credit in May", user="a1")
    assert (code, out) == (0, "corrected AG01 by -20.00 EUR; balance now 80.00 EUR\n")
    assert cli("correct", "AG01", "-80.01", "--reason", "x", user="a1")[2] == (
        "partner-desk: cannot correct AG01: a correction of -80.01 EUR would make the available balance "
        "negative (available 80.00 EUR)\n")
    assert cli("correct", "AG01", "5", "--reason", "", user="a1")[2] == (
        "partner-desk: a correction needs a reason (--reason TEXT)\n")
