"""`accrue --period YYYY-MM [--as-of YYYY-MM-DD] [--dry-run] [--json]`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.money import format_amount, format_percent, format_usd


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("accrue", help="post (or preview) a period's accruals")
    cmd.add_argument("--period", required=True, metavar="YYYY-MM")
    cmd.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day that stands for today")
    cmd.add_argument("--dry-run", action="store_true", help="preview: compute, write nothing")
    cmd.add_argument("--json", action="store_true", help="print the accruals as JSON")
    cmd.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from partner_desk.services.accruals import post_period, preview_period, run_as_dict

    db = common.database(args)
    as_of = common.as_of(args.as_of)
    if args.dry_run:
        result = preview_period(db, common.actor(args, db), args.period, as_of)
    else:
        result = post_period(db, common.actor(args, db), args.period, as_of)
    if args.json:
        common.print_json(run_as_dict(result))
        return 0
    print(result.message)
    rows = [
        [a.agency, a.currency, format_usd(a.turnover), format_percent(a.percent) + "%",
         str(a.line_count), str(a.late_lines), format_amount(a.total, a.currency), format_usd(a.reward)]
        for a in result.accruals
    ]
    if rows:
        print(common.table(rows, ["agency", "cur", "turnover $", "percent", "lines", "late", "commission",
                                  "reward $"]))
        for currency, total in result.totals_by_currency().items():
            print(f"total {currency}: {format_amount(total, currency)}")
    return 0
