"""`users add|deactivate|activate|role|password|unlock|list`."""

from __future__ import annotations

import argparse
import getpass
import sys

from partner_desk.cli import common
from partner_desk.domain.accounts import MAX_PASSWORD
from partner_desk.domain.errors import UserError
from partner_desk.services import users as accounts

ROLES = ["manager", "finance", "admin"]
# the steps that change one user's state, each run by the service of its name: (help, what it says after)
STATE_STEPS = {
    "deactivate": ("deactivate a user: they can no longer sign in (admin)", "deactivated"),
    "activate": ("let a deactivated user sign in again (admin)", "activated"),
    "unlock": ("lift the lock failed sign-ins put on an account (admin)", "unlocked"),
}


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("users", help="people who sign in, and their roles")
    steps = cmd.add_subparsers(dest="step", metavar="STEP", required=True)
    add = steps.add_parser("add", help="add a user (admin; the first user of a new database)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the new user's password from standard input")
    add.add_argument("--display-name", metavar="TEXT", default=None,
                     help="what the window calls the user (their user name by default)")
    add.set_defaults(handler=run_add)
    for step, (text, _done) in STATE_STEPS.items():
        one = steps.add_parser(step, help=text)
        one.add_argument("name", metavar="NAME")
        one.set_defaults(handler=run_state)
    role = steps.add_parser("role", help="give a user another role (admin)")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=ROLES)
    role.set_defaults(handler=run_role)
    pwd = steps.add_parser("password", help="set a new password (admin; anyone for their own)")
    pwd.add_argument("name", metavar="NAME")
    pwd.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    pwd.set_defaults(handler=run_password)
    lst = steps.add_parser("list", help="every user, role and state (finance, admin)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_list)


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        # read no more than a password may hold (and its line end): anything longer is refused as such
        return sys.stdin.read(MAX_PASSWORD + 3).rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no password: pass --password-stdin and write the password to standard input")
    first = getpass.getpass(f"New password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ: nothing was changed")
    return first


def run_add(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    password = _new_password(args)
    added = accounts.add_user(db, who, args.name, args.role, password, args.display_name)
    print(f"added {added.name} ({args.role})")
    return 0


def run_state(args: argparse.Namespace) -> int:
    """`users deactivate|activate|unlock NAME`: the service of the same name, then what it did."""
    db, who = common.signed_in(args)
    getattr(accounts, args.step)(db, who, args.name)
    print(f"{STATE_STEPS[args.step][1]} {args.name}")
    return 0


def run_role(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    view = accounts.set_role(db, who, args.name, args.role)
    print(f"{view.name} now has the {view.role.label} role")
    return 0


def run_password(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    new = _new_password(args)
    # changing one's own password needs the current one: the one this command signed in with
    old = common.password(args) if who.signed_in and who.name == args.name else None
    accounts.change_password(db, who, args.name, new, old)
    print(f"the password of {args.name} is changed")
    return 0


def run_list(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    found = accounts.list_users(db, who)
    if args.json:
        common.print_json([u.as_dict() for u in found])
        return 0
    print(common.table([[u.name, u.role.label, "yes" if u.active else "no",
                         "" if u.locked_until is None else f"until {u.locked_until:%Y-%m-%d %H:%M} UTC"]
                        for u in found], ["name", "role", "active", "locked"]))
    return 0
