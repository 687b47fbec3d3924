"""`withdraw request|approve|reject|cancel|paid|list`, and payout batches: `withdraw export|paid-batch`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.bounds import MAX_ROW_ID
from partner_desk.domain.errors import UserError
from partner_desk.domain.payouts import batch_method
from partner_desk.domain.periods import parse_day
from partner_desk.refusal_text import english
from partner_desk.services import payout_accounts, payout_batches, withdrawals


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("withdraw", help="withdrawal requests and their approval")
    steps = cmd.add_subparsers(dest="step", metavar="STEP", required=True)
    req = steps.add_parser("request", help="request a payout; the amount is held")
    req.add_argument("code", metavar="CODE")
    req.add_argument("amount", metavar="AMOUNT", help="in the agency's partner currency")
    req.add_argument("--method", required=True, metavar="M", help="bank_transfer, card, paypal or other")
    req.add_argument("--details", required=True, metavar="TEXT", help="account, card or PayPal address")
    req.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day that stands for today")
    req.add_argument("--json", action="store_true", help="print the request as JSON")
    req.set_defaults(handler=run_request)
    app = steps.add_parser("approve", help="approve a pending request (finance)")
    app.add_argument("id", type=_id, metavar="ID")
    app.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day that stands for today")
    app.set_defaults(handler=run_approve)
    rej = steps.add_parser("reject", help="reject a pending request (finance)")
    rej.add_argument("id", type=_id, metavar="ID")
    rej.add_argument("--reason", required=True, metavar="TEXT")
    rej.set_defaults(handler=run_reject)
    can = steps.add_parser("cancel", help="cancel a pending request (its creator, or finance)")
    can.add_argument("id", type=_id, metavar="ID")
    can.set_defaults(handler=run_cancel)
    paid = steps.add_parser("paid", help="record that an approved request was paid out (finance)")
    paid.add_argument("id", type=_id, metavar="ID")
    paid.add_argument("--reference", required=True, metavar="TEXT", help="the payout's reference")
    paid.add_argument("--date", metavar="YYYY-MM-DD", help="the payout date (default: today)")
    paid.set_defaults(handler=run_paid)
    exp = steps.add_parser("export", help="write a payout batch of the approved requests of a method (finance)")
    exp.add_argument("--status", default="approved", choices=["approved"],
                     help="only approved requests are paid out (the default)")
    exp.add_argument("--method", required=True, type=_batch_method, metavar="paypal|bank")
    exp.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder the files are written to")
    exp.add_argument("--ids", type=_ids, metavar="ID,ID", help="exactly these approved requests")
    exp.add_argument("--include-exported", action="store_true",
                     help="also requests an earlier batch holds that were not marked paid")
    exp.add_argument("--json", action="store_true", help="print the batch as JSON")
    exp.set_defaults(handler=run_export)
    batch = steps.add_parser("paid-batch", help="mark every request of an exported batch paid (finance)")
    batch.add_argument("target", metavar="FILE_OR_IDS",
                       help="any file of the batch, or request ids such as 12,13,14")
    batch.add_argument("--reference", required=True, metavar="TEXT", help="the payout's reference")
    batch.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day it was paid")
    batch.add_argument("--json", action="store_true", help="print what was marked as JSON")
    batch.set_defaults(handler=run_paid_batch)
    account = steps.add_parser("company-account", help="the company account bank transfers are paid from "
                               "(shown; set by an admin)")
    account.add_argument("--name", metavar="TEXT", help="the company's name as its bank knows it")
    account.add_argument("--iban", metavar="IBAN")
    account.add_argument("--bic", metavar="BIC")
    account.set_defaults(handler=run_company_account)
    lst = steps.add_parser("list", help="requests, newest first")
    lst.add_argument("--status", metavar="S", help="pending, approved, paid, rejected or cancelled")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_list)


def _id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a request id") from None
    if not 0 < value <= MAX_ROW_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not a request id")
    return value


def _batch_method(text: str) -> str:
    try:
        return batch_method(text).value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ids(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isascii() and p.isdigit() and 0 < int(p) <= MAX_ROW_ID for p in parts):
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of request ids such as 12,13,14")
    return sorted({int(p) for p in parts})


def run_request(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    view = withdrawals.request_withdrawal(db, who, args.code, args.amount, args.method, args.details,
                              common.as_of(args.as_of))
    if args.json:
        common.print_json(view.as_dict())
    else:
        d = view.as_dict()
        print(f"withdrawal {d['id']}: {d['amount']} {d['currency']} from {d['agency']} by {d['method']}, "
              "pending approval (the amount is held)")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    view = withdrawals.approve(db, who, args.id, common.as_of(args.as_of))
    print(f"withdrawal {view.id} approved by {view.decided_by}")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    view = withdrawals.reject(db, who, args.id, args.reason)
    print(f"withdrawal {view.id} rejected: the hold is released")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    view = withdrawals.cancel(db, who, args.id)
    print(f"withdrawal {view.id} cancelled: the hold is released")
    return 0


def run_paid(args: argparse.Namespace) -> int:
    db = common.database(args)
    day = None
    if args.date is not None:
        try:
            day = parse_day(args.date)
        except ValueError as exc:
            raise UserError(f"--date: {exc}") from None
    view = withdrawals.mark_paid(db, common.actor(args, db), args.id, args.reference, day)
    print(f"withdrawal {view.id} paid on {view.paid_on}: {view.payout_reference}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    db = common.database(args)
    views = withdrawals.list_withdrawals(db, args.status)
    if args.json:
        common.print_json([v.list_dict() for v in views])
        return 0
    rows = [[str(d["id"]), d["agency"], d["amount"], d["currency"], d["status"], d["method"],
             d["requested_by"] or "(set-up)", d["decided_by"] or ""]
            for d in (v.list_dict() for v in views)]
    print(common.table(rows, ["id", "agency", "amount", "cur", "status", "method", "requested by",
                              "decided by"]))
    return 0


def _totals(totals: dict[str, str]) -> str:
    return ", ".join(f"{cur} {amount}" for cur, amount in totals.items())


def run_export(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    result = payout_batches.export_batch(db, who, args.method, args.output, args.ids,
                          include_exported=args.include_exported)
    if args.json:
        common.print_json(result.as_dict())
        return 0
    d = result.as_dict()
    count = len(result.request_ids)
    method = payout_batches.METHOD_WORDS[result.method]
    print(f"payout batch {result.batch_id}: {count} {method} request{'s' if count != 1 else ''} "
          f"({', '.join(map(str, result.request_ids))}): {_totals(d['totals'])}")
    for path in result.files:
        print(path)
    for notice in result.notices:
        print(f"note: {english(notice)}")
    if result.left_out:
        held = ", ".join(f"{rid} (batch {bid})" for rid, bid in sorted(result.left_out.items()))
        print(f"note: left out, already in a batch not marked paid: {held}")
    return 0


def run_paid_batch(args: argparse.Namespace) -> int:
    db = common.database(args)
    try:
        day = parse_day(args.date)
    except ValueError as exc:
        raise UserError(f"--date: {exc}") from None
    target = payout_batches.parse_target(args.target)
    result = payout_batches.mark_batch_paid(db, common.actor(args, db), target, args.reference, day)
    if args.json:
        common.print_json(result.as_dict())
        return 0
    d = result.as_dict()
    what = f"payout batch {result.batch_id}" if result.batch_id is not None else "requests"
    count = len(result.requests)
    print(f"{what}: {count} request{'s' if count != 1 else ''} ({', '.join(str(r.id) for r in result.requests)}) "
          f"paid on {result.paid_on}: {result.reference}; {_totals(d['totals'])}")
    return 0


def run_company_account(args: argparse.Namespace) -> int:
    db = common.database(args)
    given = [args.name, args.iban, args.bic]
    if any(v is not None for v in given):
        if not all(v is not None for v in given):
            raise UserError("setting the company account needs --name, --iban and --bic together")
        account = payout_accounts.set_company_account(db, common.actor(args, db), args.name, args.iban, args.bic)
    else:
        found = payout_accounts.company_account(db)
        if found is None:
            print("the company account is not set: SEPA files cannot be written until an admin sets it "
                  "(--name, --iban, --bic)")
            return 0
        account = found
    print(f"{account.name}: IBAN {account.iban}, BIC {account.bic}")
    return 0
