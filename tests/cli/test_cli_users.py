"""`users add` and signing in on the command line: set-up mode, roles, passwords on standard input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.services.money_world import Cli


@pytest.fixture
def cli(tmp_path: Path, capsys: Any, monkeypatch: Any) -> Cli:
    runner = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", capsys, monkeypatch)
    assert runner("init")[0] == 0
    return runner


def test_set_up_mode_then_signed_in_admins(cli: Cli) -> None:
    code, _, err = cli("users", "add", "olena", "--role", "manager", "--password-stdin", stdin="manager-pass\n",
                       password=None)
    assert (code, err) == (1, "partner-desk: the database has no users yet: the first user must be an admin\n")
    assert cli("users", "add", "admin", "--role", "admin", "--password-stdin", stdin="chief-pass\n",
               password=None)[:2] == (0, "added admin (admin)\n")
    # set-up mode is over: adding a user now needs a signed-in admin
    code, _, err = cli("users", "add", "olena", "--role", "manager", "--password-stdin", stdin="manager-pass\n",
                       password=None)
    assert code == 1
    assert err.startswith("partner-desk: not signed in")
    assert cli("users", "add", "olena", "--role", "manager", "--password-stdin", stdin="manager-pass\n",
               user="admin", password="chief-pass")[0] == 0
    code, _, err = cli("users", "add", "petro", "--role", "manager", "--password-stdin", stdin="another-pass\n",
                       user="olena", password="manager-pass")
    assert (code, err) == (1, "partner-desk: olena (manager) may not add users: it needs the admin role\n")
    listed = json.loads(cli("users", "list", "--json", user="admin", password="chief-pass")[1])
    assert [(u["name"], u["role"]) for u in listed] == [("admin", "admin"), ("olena", "manager")]


def test_the_password_from_stdin_signs_in(cli: Cli) -> None:
    cli("users", "add", "admin", "--role", "admin", "--password-stdin", stdin="a long pass phrase\n",
        password=None)
    assert cli("users", "add", "fin", "--role", "finance", "--password-stdin", stdin="x\n",
               user="admin", password="a long pass phrase")[2] == (
        "partner-desk: the password is too short: at least 8 characters\n")
    assert cli("users", "add", "fin", "--role", "finance", "--password-stdin", stdin="money-pass-1\n",
               user="admin", password="wrong")[2] == (
        "partner-desk: sign-in failed for 'admin': unknown user or wrong password\n")


def test_no_password_and_no_terminal(cli: Cli) -> None:
    cli("users", "add", "admin", "--role", "admin", "--password-stdin", stdin="chief-pass\n", password=None)
    code, _, err = cli("correct", "AG01", "1", "--reason", "x", user="admin", password=None, stdin="")
    assert (code, err) == (1, "partner-desk: no password for admin: set PARTNER_DESK_PASSWORD or run in a "
                              "terminal\n")


def test_an_unknown_role_is_a_usage_error(cli: Cli) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("users", "add", "x", "--role", "boss", "--password-stdin", stdin="whatever1\n")
    assert caught.value.code == 2
