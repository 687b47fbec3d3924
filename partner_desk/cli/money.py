"""`balance [CODE] [--as-of YYYY-MM-DD] [--json]`, `pay-project CODE PROJECT_ID AMOUNT`,
`correct CODE AMOUNT --reason TEXT`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.money import format_amount
from partner_desk.services import balances
from partner_desk.services.ledger import correct, pay_project


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bal = commands.add_parser("balance", help="balances, available amounts and withdrawal eligibility")
    bal.add_argument("code", nargs="?", metavar="CODE")
    bal.add_argument("--as-of", metavar="YYYY-MM-DD")
    bal.add_argument("--json", action="store_true")
    bal.set_defaults(handler=run_balance)
    register_spending(commands)


def run_balance(args: argparse.Namespace) -> int:
    db = common.database(args)
    result = balances.balances(db, args.code, common.as_of(args.as_of))
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


def register_spending(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pay = commands.add_parser("pay-project", help="spend an agency's balance on one of its connected projects")
    pay.add_argument("code", metavar="CODE")
    pay.add_argument("project_id", metavar="PROJECT_ID")
    pay.add_argument("amount", metavar="AMOUNT", help="in the agency's partner currency")
    pay.add_argument("--json", action="store_true", help="print the payment as JSON")
    pay.set_defaults(handler=run_pay_project)
    cor = commands.add_parser("correct", help="a correcting ledger entry (admin)")
    cor.add_argument("code", metavar="CODE")
    cor.add_argument("amount", metavar="AMOUNT", help="signed, in the agency's partner currency")
    cor.add_argument("--reason", required=True, metavar="TEXT")
    cor.set_defaults(handler=run_correct)


def run_pay_project(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    paid = pay_project(db, who, args.code, args.project_id, args.amount)
    if args.json:
        common.print_json(paid.as_dict())
        return 0
    d = paid.as_dict()
    print(f"paid {d['amount']} {d['currency']} from {d['agency']} to project {d['project_id']} "
          f"({d['project_amount']} {d['project_currency']}); available now {d['available']} {d['currency']}")
    return 0


def run_correct(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    done = correct(db, who, args.code, args.amount, args.reason)
    print(f"corrected {done.agency} by {format_amount(done.amount, done.currency)} {done.currency}; "
          f"balance now {format_amount(done.balance_after, done.currency)} {done.currency}")
    return 0
