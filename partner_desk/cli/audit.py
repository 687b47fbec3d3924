"""`audit [--json] [--verify]`: the audit trail newest first, or whether its hash chain is intact."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.errors import UserError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("audit", help="the audit trail, newest first")
    cmd.add_argument("--json", action="store_true", help="print the records as JSON")
    cmd.add_argument("--verify", action="store_true",
                     help="check the hash chain; exit 1 naming the first broken record")
    cmd.add_argument("--limit", type=_count, metavar="N", help="only the newest N records")
    cmd.set_defaults(handler=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    return value


def run(args: argparse.Namespace) -> int:
    from partner_desk.services import audit

    db = common.database(args)
    if args.verify:
        check = audit.check_chain(db)
        if not check.intact:
            raise UserError(f"the audit trail is broken at record {check.first_broken_id}: {check.problem}")
        print(f"the audit trail is intact: {check.records} records")
        return 0
    found = audit.records(db, args.limit)
    if args.json:
        common.print_json(found)
        return 0
    rows = [[str(r["id"]), r["at"][:19].replace("T", " "), r["user"] or "(set-up)", r["action"],
             r["object"] or "", r["outcome"], r["message"] or ""] for r in found]
    print(common.table(rows, ["id", "at (UTC)", "user", "action", "object", "outcome", "message"]))
    return 0
