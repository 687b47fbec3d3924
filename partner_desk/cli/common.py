"""What every command shares: the database, signing in, and printing results."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from typing import Any

from partner_desk.cli import errors
from partner_desk.cli.errors import fail as fail  # every command says its refusals through common
from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import parse_day
from partner_desk.domain.roles import Actor
from partner_desk.services.schema import ensure_current
from partner_desk.store.engine import Database, sqlite_file

ENV_PASSWORD = "PARTNER_DESK_PASSWORD"
_open: list[Database] = []


def database(args: argparse.Namespace, *, must_exist: bool = True) -> Database:
    """The database of `--db`; only `init` (must_exist=False) may create an SQLite file."""
    try:
        file = sqlite_file(args.db)
        if must_exist and file is not None and not file.exists():
            raise UserError(f"no database at {file}: run 'partner-desk init'")
        db = Database(args.db)
    except UserError:
        raise
    except Exception as exc:  # a malformed URL or a missing driver
        raise UserError(f"cannot open the database: {exc}") from None
    db.waiting.notify = lambda text: fail(text)
    _open.append(db)
    if must_exist:
        try:
            ensure_current(db)
        except UserError:
            raise
        except Exception as exc:
            raise UserError(f"cannot open the database {db.url}: {driver_message(exc)}") from None
        if getattr(args, "user", None):
            actor(args, db)  # a command given --user signs in first, reads included
    return db


def driver_message(exc: Exception) -> str:
    """The database driver's own first line, without SQLAlchemy's wrapping and links."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else original.__class__.__name__


def close() -> None:
    while _open:
        _open.pop().dispose()


def signed_in(args: argparse.Namespace) -> tuple[Database, Actor]:
    """The database of `--db` and the user a command acts as (`actor`)."""
    db = database(args)
    return db, actor(args, db)


def actor(args: argparse.Namespace, db: Database) -> Actor:
    """The signed-in user (signed in once per command); the set-up actor while the database has no
    users; an anonymous caller without --user."""
    # signing in (Argon2) is loaded only by a command that needs a user: the command line starts fast
    from partner_desk.services import users  # noqa: PLC0415

    signed: Actor | None = getattr(args, "signed_in_actor", None)
    if signed is not None:
        return signed
    if users.in_setup_mode(db):
        return users.SETUP_ACTOR
    if not args.user:
        return users.ANONYMOUS
    found = errors.signed_in(users.sign_in(db, args.user, password(args)))
    args.signed_in_actor = found
    return found


def password(args: argparse.Namespace) -> str:
    """The signing-in user's password: PARTNER_DESK_PASSWORD, or asked for in a terminal."""
    cached: str | None = getattr(args, "signed_in_password", None)
    if cached is not None:
        return cached
    found = os.environ.get(ENV_PASSWORD)
    if found is None:
        if not sys.stdin.isatty():
            raise UserError(f"no password for {args.user}: set {ENV_PASSWORD} or run in a terminal")
        found = getpass.getpass(f"Password for {args.user}: ")
    args.signed_in_password = found
    return found


def as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise UserError(f"--as-of: {exc}") from None


def print_json(value: Any) -> None:
    # one write of the whole text: `json.dump` writes each of its many small pieces on its own
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    for r in rows:
        out.append("  ".join(str(c).rjust(w) if _numeric(c) else str(c).ljust(w)
                             for c, w in zip(r, widths, strict=True)))
    return "\n".join(line.rstrip() for line in out)


def _numeric(text: object) -> bool:
    s = str(text).replace(".", "").replace("-", "").replace("%", "")
    return s.isdigit()
