"""The command line's last line of defence: an unexpected failure becomes one line that names the
action and the log file holding its traceback (exit 2), and an audit record of the refused attempt
when a user was signed in. Nothing a user types ends in a Python traceback."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from partner_desk import errorlog
from partner_desk.domain.roles import Action, Actor

ENV_LOG = errorlog.ENV_LOG
EXIT_UNEXPECTED = 2
_signed_in: list[Actor] = []


def fail(message: str) -> None:
    """Say on stderr why the command did not do its work: the first line prefixed with the program's name."""
    lines = message.splitlines() or [""]
    print(f"partner-desk: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(line, file=sys.stderr)


def signed_in(actor: Actor) -> Actor:
    """Remember the user this command signed in as (for the audit record of a failure)."""
    _signed_in[:] = [actor]
    return actor


def forget() -> None:
    _signed_in.clear()


def action_words(args: argparse.Namespace) -> str:
    """The action as the person typed it: "import rates", "withdraw approve", "balance"."""
    words = [args.command]
    for name in ("step", "kind"):
        value = getattr(args, name, None)
        if isinstance(value, str):
            words.append(value)
    return " ".join(words)


# The audit name of each command whose record does not read "command.step", and the argument naming
# its object: as the services record them.
_BY_COMMAND: dict[str, tuple[str, str | None]] = {
    "import": (Action.IMPORT, "kind"),
    "statement": (Action.STATEMENT, "code"),
    "statements": (Action.STATEMENT, "code"),
    "pay-project": (Action.PAY_PROJECT, "code"),
    "correct": (Action.CORRECT, "code"),
    "audit": (Action.AUDIT_READ, None),
}
_BY_STEP: dict[tuple[str, str], tuple[str, str | None]] = {
    ("withdraw", "export"): (Action.WITHDRAW_EXPORT, "method"),
    ("withdraw", "paid-batch"): (Action.WITHDRAW_PAID_BATCH, "target"),
}


def audit_action(args: argparse.Namespace, actor: Actor | None = None) -> tuple[str, str | None]:
    """The audit trail's name of the action and its object, as the services record them."""
    command = args.command
    step = getattr(args, "step", None)
    named = _BY_COMMAND.get(command) or _BY_STEP.get((command, step or ""))
    if named is not None:
        action, attribute = named
        return action, None if attribute is None else getattr(args, attribute, None)
    if command == "accrue":
        # a preview is no action of the role table, but its failure is recorded under this name
        return ("accrue.preview" if args.dry_run else Action.ACCRUE_POST), args.period
    if (command, step) == ("withdraw", "company-account"):
        # what is loaded only once a command has failed is imported here: the command line starts fast
        from partner_desk.services.payout_accounts import SETTING  # noqa: PLC0415

        return Action.SETTINGS, SETTING
    if (command, step) == ("users", "password") and actor is not None and actor.name == args.name:
        return Action.USERS_OWN_PASSWORD, args.name
    if step is not None:
        target = getattr(args, "id", None) or getattr(args, "code", None) or getattr(args, "name", None)
        return f"{command}.{step.replace('-', '_')}", None if target is None else str(target)
    return command, None


def _command_line(argv: Sequence[str]) -> str:
    """The command as typed, with a database URL's password hidden."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - only once a command has failed

    shown: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next or arg.startswith("--db="):
            prefix, url = ("", arg) if hide_next else ("--db=", arg[5:])
            with contextlib.suppress(Exception):
                url = make_url(url).render_as_string(hide_password=True)
            arg = prefix + url
        hide_next = arg == "--db"
        shown.append(arg)
    return " ".join(["partner-desk", *shown])


def unexpected(args: argparse.Namespace, exc: BaseException, argv: Sequence[str]) -> int:
    """Log the failure, say so in one line, audit it for a signed-in user; the exit status."""
    action = action_words(args)
    message = errorlog.sentence(exc, errorlog.record(action, exc, _command_line(argv)))
    fail(f"{action} failed: {message}")
    if _signed_in:
        _audit(args, _signed_in[0], message)
    return EXIT_UNEXPECTED


def _audit(args: argparse.Namespace, actor: Actor, message: str) -> None:
    # only once a command has failed: the command line starts without the database's writers
    from partner_desk.services.failures import record_failure  # noqa: PLC0415
    from partner_desk.store.engine import Database  # noqa: PLC0415

    name, obj = audit_action(args, actor)
    # the failure may be the database's own: then the log above is all there is
    with contextlib.suppress(Exception):
        db = Database(args.db)
        try:
            record_failure(db, actor, name, obj, message)
        finally:
            db.dispose()
