"""`balance [CODE] [--as-of YYYY-MM-DD] [--json]`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bal = commands.add_parser("balance", help="balances, available amounts and withdrawal eligibility")
    bal.add_argument("code", nargs="?", metavar="CODE")
    bal.add_argument("--as-of", metavar="YYYY-MM-DD")
    bal.add_argument("--json", action="store_true")
    bal.set_defaults(handler=run_balance)


def run_balance(args: argparse.Namespace) -> int:
    from partner_desk.services.balances import balances

    db = common.database(args)
    result = balances(db, args.code, common.as_of(args.as_of))
    if args.json:
        common.print_json([b.as_dict() for b in result])
        return 0
    rows = []
    for b in result:
        d = b.as_dict()
        rows.append([d["agency"], d["currency"], d["balance"], d["available"],
                     "yes" if b.withdrawable else "no", "; ".join(b.reasons)])
    print(common.table(rows, ["agency", "cur", "balance", "available", "withdraw", "why not"]))
    return 0
