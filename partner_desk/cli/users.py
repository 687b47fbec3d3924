"""`users add NAME --role manager|finance|admin --password-stdin`, `users list [--json]`."""

from __future__ import annotations

import argparse
import getpass
import sys

from partner_desk.cli import common
from partner_desk.domain.errors import UserError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("users", help="people who sign in, and their roles")
    steps = cmd.add_subparsers(dest="step", metavar="STEP", required=True)
    add = steps.add_parser("add", help="add a user (admin; the first user of a new database)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=["manager", "finance", "admin"])
    add.add_argument("--password-stdin", action="store_true",
                     help="read the new user's password from standard input")
    add.set_defaults(handler=run_add)
    lst = steps.add_parser("list", help="every user and role")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_list)


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.read().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no password: pass --password-stdin and write the password to standard input")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ: nothing was changed")
    return first


def run_add(args: argparse.Namespace) -> int:
    from partner_desk.services.users import add_user

    db = common.database(args)
    who = common.actor(args, db)
    password = _new_password(args)
    added = add_user(db, who, args.name, args.role, password)
    print(f"added {added.name} ({args.role})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from partner_desk.services.users import list_users

    db = common.database(args)
    found = list_users(db)
    if args.json:
        common.print_json([u.as_dict() for u in found])
        return 0
    print(common.table([[u.name, u.role.label, "yes" if u.active else "no"] for u in found],
                       ["name", "role", "active"]))
    return 0
