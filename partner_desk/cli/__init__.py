"""The `partner-desk` command line: a thin layer over the services (SPEC section 10).

With no command it opens the window. User errors print one clear message on stderr and exit 1;
a usage error exits 2, and so does an unexpected failure, in one line naming the action and the
log of its details (cli/errors.py); nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from partner_desk.cli import accrue, common, data, errors, money
from partner_desk.cli import audit as audit_cmd
from partner_desk.cli import statements as statements_cmd
from partner_desk.cli import users as users_cmd
from partner_desk.cli import withdraw as withdraw_cmd
from partner_desk.domain.errors import UserError
from partner_desk.store.engine import DatabaseBusy

COMMAND_MODULES = [data, accrue, money, users_cmd, withdraw_cmd, audit_cmd, statements_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partner-desk",
        description="Agency commissions, balances, withdrawals and statements. With no command, opens the window.",
    )
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (also PARTNER_DESK_DB); "
                        "default: an SQLite file in your data folder")
    parser.add_argument("--user", metavar="NAME", help="sign in as NAME; the password comes from "
                        "PARTNER_DESK_PASSWORD or is asked for")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    errors.forget()
    if args.command is None:
        if not _has_display():
            common.fail("no display to open the window on: set DISPLAY (or QT_QPA_PLATFORM), "
                        "or use the command line (partner-desk --help)")
            return 1
        from partner_desk.gui.app import run_gui

        return run_gui(args.db, args.user)
    try:
        return int(args.handler(args) or 0)
    except (UserError, DatabaseBusy) as exc:
        common.fail(str(exc))
        return 1
    except KeyboardInterrupt:
        common.fail("interrupted: nothing more was written")
        return 130
    except BrokenPipeError:
        # the reader of our output went away (`| head`): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        return errors.unexpected(args, exc, argv)
    finally:
        common.close()


def _has_display() -> bool:
    """Qt aborts the process when it finds no screen; say so instead."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
