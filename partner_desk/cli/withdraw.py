"""`withdraw request|approve|reject|cancel|paid|list`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.errors import UserError

MAX_ID = 2**63 - 1  # the largest row id a database stores


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
    lst = steps.add_parser("list", help="requests, newest first")
    lst.add_argument("--status", metavar="S", help="pending, approved, paid, rejected or cancelled")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_list)


def _id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a request id") from None
    if not 0 < value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not a request id")
    return value


def run_request(args: argparse.Namespace) -> int:
    from partner_desk.services.withdrawals import request_withdrawal

    db = common.database(args)
    view = request_withdrawal(db, common.actor(args, db), args.code, args.amount, args.method, args.details,
                              common.as_of(args.as_of))
    if args.json:
        common.print_json(view.as_dict())
    else:
        d = view.as_dict()
        print(f"withdrawal {d['id']}: {d['amount']} {d['currency']} from {d['agency']} by {d['method']}, "
              "pending approval (the amount is held)")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    from partner_desk.services.withdrawals import approve

    db = common.database(args)
    view = approve(db, common.actor(args, db), args.id, common.as_of(args.as_of))
    print(f"withdrawal {view.id} approved by {view.decided_by}")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    from partner_desk.services.withdrawals import reject

    db = common.database(args)
    view = reject(db, common.actor(args, db), args.id, args.reason)
    print(f"withdrawal {view.id} rejected: the hold is released")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    from partner_desk.services.withdrawals import cancel

    db = common.database(args)
    view = cancel(db, common.actor(args, db), args.id)
    print(f"withdrawal {view.id} cancelled: the hold is released")
    return 0


def run_paid(args: argparse.Namespace) -> int:
    from partner_desk.domain.periods import parse_day
    from partner_desk.services.withdrawals import mark_paid

    db = common.database(args)
    day = None
    if args.date is not None:
        try:
            day = parse_day(args.date)
        except ValueError as exc:
            raise UserError(f"--date: {exc}") from None
    view = mark_paid(db, common.actor(args, db), args.id, args.reference, day)
    print(f"withdrawal {view.id} paid on {view.paid_on}: {view.payout_reference}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from partner_desk.services.withdrawals import list_withdrawals

    db = common.database(args)
    views = list_withdrawals(db, args.status)
    if args.json:
        common.print_json([v.list_dict() for v in views])
        return 0
    rows = [[str(d["id"]), d["agency"], d["amount"], d["currency"], d["status"], d["method"],
             d["requested_by"] or "(set-up)", d["decided_by"] or ""]
            for d in (v.list_dict() for v in views)]
    print(common.table(rows, ["id", "agency", "amount", "cur", "status", "method", "requested by",
                              "decided by"]))
    return 0
