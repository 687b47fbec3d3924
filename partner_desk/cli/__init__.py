"""The `partner-desk` command line: a thin layer over the services (SPEC section 10).

With no command it opens the window. User errors print one clear message on stderr and exit 1;
a usage error exits 2, and so does an unexpected failure, in one line naming the action and the
log of its details (cli/errors.py); nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from partner_desk.cli import errors
from partner_desk.domain.errors import UserError
from partner_desk.store.busy import DatabaseBusy

# Each command, its one-line help and the module (in partner_desk/cli/) that defines its arguments and
# runs it, in the order `--help` lists them. A command's module is imported only when that command is
# typed: a command then loads only what it needs (no other command's writers, no spreadsheet or PDF
# library, no window) and `--help` loads no command at all.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("data", "create or upgrade the database"),
    "import": ("data", "import a CSV or XLSX file, all or nothing"),
    "accrue": ("accrue", "post (or preview) a period's accruals"),
    "balance": ("money", "balances, available amounts and withdrawal eligibility"),
    "pay-project": ("money", "spend an agency's balance on one of its connected projects"),
    "correct": ("money", "a correcting ledger entry (admin)"),
    "users": ("users", "people who sign in, and their roles"),
    "withdraw": ("withdraw", "withdrawal requests and their approval"),
    "audit": ("audit", "the audit trail, newest first (finance, admin)"),
    "statement": ("statements", "write an agency's statement of a posted period (Excel or PDF)"),
    "statements": ("statements", "write the statement of every agency active in a period"),
}
_OPTIONS_WITH_VALUE = ("--db", "--user")


def command_module(name: str) -> ModuleType:
    """The module of one command, imported on demand (the one place the command line defers imports)."""
    return importlib.import_module(f"partner_desk.cli.{COMMANDS[name][0]}")


def typed_command(argv: Sequence[str]) -> str | None:
    """The command named in `argv` (the first word that is not an option or an option's value)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _OPTIONS_WITH_VALUE:
            skip = True
        elif word == "--":
            continue
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser: every command listed by name and help, and the arguments of `command` only (its
    module registers it and the other commands the module defines)."""
    parser = argparse.ArgumentParser(
        prog="partner-desk",
        description="Agency commissions, balances, withdrawals and statements. With no command, opens the window.",
    )
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (also PARTNER_DESK_DB); "
                        "default: an SQLite file in your data folder")
    parser.add_argument("--user", metavar="NAME", help="sign in as NAME; the password comes from "
                        "PARTNER_DESK_PASSWORD or is asked for")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = None if command is None else COMMANDS[command][0]
    for name, (owner, text) in COMMANDS.items():
        if owner == module:
            if name == command:
                command_module(name).register(commands)
        else:
            # listed only: if it is typed after all, main() parses again with its own arguments
            commands.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(typed_command(argv))
    found, _rest = parser.parse_known_args(argv)
    if found.command is not None and not hasattr(found, "handler"):
        # the command stood where typed_command did not look (after an abbreviated --db or --user)
        parser = build_parser(found.command)
    args = parser.parse_args(argv)
    errors.forget()
    if args.command is None:
        if not _has_display():
            errors.fail("no display to open the window on: set DISPLAY (or QT_QPA_PLATFORM), "
                        "or use the command line (partner-desk --help)")
            return 1
        from partner_desk.gui.app import run_gui  # noqa: PLC0415 - the window loads Qt: the command line starts without it

        return run_gui(args.db, args.user)
    try:
        return int(args.handler(args) or 0)
    except (UserError, DatabaseBusy) as exc:
        errors.fail(str(exc))
        return 1
    except KeyboardInterrupt:
        errors.fail("interrupted: nothing more was written")
        return 130
    except BrokenPipeError:
        # the reader of our output went away (`| head`): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        return errors.unexpected(args, exc, argv)
    finally:
        _close_databases()


def _close_databases() -> None:
    """Close what the command opened: its databases are in cli/common.py, loaded by every command's
    module (not at all by `--help` or the window, which open none here)."""
    common = sys.modules.get("partner_desk.cli.common")
    if common is not None:
        common.close()


def _has_display() -> bool:
    """Qt aborts the process when it finds no screen; say so instead."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
