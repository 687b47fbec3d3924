"""`audit [--json] [--verify [--expect COUNT:HASH]] [--limit N]` (finance, admin): the audit trail newest
first, or the check of its chain and of every protected table against it, ending with its head."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.bounds import MAX_ROW_ID
from partner_desk.domain.errors import UserError
from partner_desk.services import audit_trail


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("audit", help="the audit trail, newest first (finance, admin)")
    cmd.add_argument("--json", action="store_true", help="print the records (or the check) as JSON")
    cmd.add_argument("--verify", action="store_true",
                     help="check the hash chain and the tables against it; print its head COUNT:HASH")
    cmd.add_argument("--expect", metavar="COUNT:HASH",
                     help="with --verify: fail unless the trail has at least COUNT records and its "
                          "COUNT-th record has this hash (a head printed earlier)")
    cmd.add_argument("--limit", type=_count, metavar="N", help="only the newest N records")
    cmd.set_defaults(handler=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= MAX_ROW_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    return value


def run(args: argparse.Namespace) -> int:
    if args.expect is not None and not args.verify:
        common.fail("--expect only applies to --verify")
        return 2
    db, who = common.signed_in(args)
    if args.verify:
        expect = audit_trail.parse_head(args.expect) if args.expect is not None else None
        result = audit_trail.verify(db, who, expect)
        if args.json:
            common.print_json({"intact": result.intact, "records": result.head.count, "head": str(result.head),
                               "problems": [{"table": p.table, "row": p.row_text, "what": p.what_text,
                                             "code": p.what.code}
                                            for p in result.problems]})
        if not result.intact:
            count = len(result.problems)
            raise UserError("\n".join([f"the audit trail or the tables disagree with it: "
                                       f"{count} problem{'s' if count != 1 else ''} (head {result.head})",
                                       *(str(p) for p in result.problems)]))
        if not args.json:
            print(f"the audit trail is intact: {result.head.count} records; the ledger, accruals, withdrawals, "
                  "users and balances agree with it")
            print(f"head {result.head}")
        return 0
    found = audit_trail.records(db, who, args.limit)
    if args.json:
        common.print_json(found)
        return 0
    rows = [[str(r["id"]), r["at"][:19].replace("T", " "), r["user"] or "(set-up)", r["action"],
             r["object"] or "", r["outcome"], r["message"] or ""] for r in found]
    print(common.table(rows, ["id", "at (UTC)", "user", "action", "object", "outcome", "message"]))
    return 0
