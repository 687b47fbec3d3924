"""The command line loads only the command that was typed: its table lists every command as the
modules define them, and a command's output does not depend on what else could have been loaded."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from partner_desk.cli import COMMANDS, build_parser, command_module, main, typed_command


def _registered(module_name: str) -> list[tuple[str, str | None]]:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    command_module(next(n for n, (m, _h) in COMMANDS.items() if m == module_name)).register(commands)
    return [(action.dest, action.help) for action in commands._choices_actions]


def test_the_command_table_says_what_each_module_registers() -> None:
    for module_name in dict.fromkeys(m for m, _h in COMMANDS.values()):
        listed = [(name, text) for name, (m, text) in COMMANDS.items() if m == module_name]
        assert _registered(module_name) == listed, module_name


def test_the_typed_command_is_found_past_the_global_options() -> None:
    assert typed_command(["--db", "sqlite:///x.db", "--user", "ann", "balance", "--json"]) == "balance"
    assert typed_command(["--db=sqlite:///balance", "withdraw", "list"]) == "withdraw"
    assert typed_command(["--user", "balance"]) is None  # "balance" is the user's name here
    assert typed_command(["--help"]) is None
    assert typed_command(["nope"]) is None


def test_each_command_parses_as_when_every_command_was_loaded() -> None:
    args = build_parser("balance").parse_args(["--db", "sqlite:///x.db", "balance", "AG1", "--json"])
    assert (args.command, args.code, args.json, args.db) == ("balance", "AG1", True, "sqlite:///x.db")
    args = build_parser("correct").parse_args(["correct", "AG1", "-5.00", "--reason", "typo"])
    assert (args.command, args.code, args.amount, args.reason) == ("correct", "AG1", "-5.00", "typo")


def test_a_command_after_an_abbreviated_option_still_runs(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert main(["--db", url, "init"]) == 0
    capsys.readouterr()
    assert main(["--d", url, "balance", "--json"]) == 0  # argparse takes --d for --db
    assert json.loads(capsys.readouterr().out) == []


def _loaded_after(argv: list[str], cwd: Path) -> tuple[set[str], str, int]:
    """Run the command line in a fresh interpreter; the top-level packages it imported, its output."""
    script = ("import json, sys\nfrom partner_desk.cli import main\n"
              "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
              "sys.stdout.flush()\nprint('\\n' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True, text=True,
                          check=False)
    output, _, modules = done.stdout.rstrip("\n").rpartition("\n")
    return set(json.loads(modules)), output, done.returncode


def test_balance_and_help_load_neither_alembic_nor_the_writers_nor_the_window(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    _, output, code = _loaded_after(["--db", url, "init"], tmp_path)
    assert code == 0
    assert "created" in output
    loaded, output, code = _loaded_after(["--db", url, "balance", "--json"], tmp_path)
    assert code == 0
    assert json.loads(output) == []
    assert not loaded & {"alembic", "openpyxl", "PySide6", "xlsxwriter", "sepaxml"}
    loaded, output, code = _loaded_after(["--help"], tmp_path)
    assert code == 0
    assert "statements" in output
    # the list of commands needs no command, hence no database library either
    assert not loaded & {"alembic", "openpyxl", "PySide6", "sqlalchemy"}
