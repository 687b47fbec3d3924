"""`accrue --period YYYY-MM [--as-of YYYY-MM-DD] [--dry-run] [--json]`."""

from __future__ import annotations

import argparse
import codecs
import os
import shutil
import sys
import tempfile
from typing import TextIO

from partner_desk.cli import common
from partner_desk.domain.accrual import AgencyAccrual
from partner_desk.domain.money import format_amount, format_percent, format_usd
from partner_desk.services.accrual_json import RunJson
from partner_desk.services.accruals import post_period, preview_period


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("accrue", help="post (or preview) a period's accruals")
    cmd.add_argument("--period", required=True, metavar="YYYY-MM")
    cmd.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day that stands for today")
    cmd.add_argument("--dry-run", action="store_true", help="preview: compute, write nothing")
    cmd.add_argument("--json", action="store_true", help="print the accruals as JSON")
    cmd.set_defaults(handler=run)


def _copy(spool: TextIO, out: TextIO) -> None:
    """The spooled text to `out`, from its start. When `out` writes to a binary stream in the spool's
    encoding, and a line break is written as it is (not Windows' two characters), the spool's bytes
    are copied as they are, neither decoded nor encoded again: the same bytes come out."""
    target = getattr(out, "buffer", None)
    if (target is not None and os.linesep == "\n"
            and codecs.lookup(out.encoding).name == codecs.lookup(spool.encoding).name):
        out.flush()
        shutil.copyfileobj(spool.buffer, target, 1 << 20)
        target.flush()
    else:
        shutil.copyfileobj(spool, out, 1 << 20)


def run(args: argparse.Namespace) -> int:
    db = common.database(args)
    as_of = common.as_of(args.as_of)
    action = preview_period if args.dry_run else post_period
    if args.json:
        # the accruals are written to a file as they are posted, and printed only once the posting
        # has committed: a run refused half-way prints nothing but its reason
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            body = RunJson(spool)
            result = action(db, common.actor(args, db), args.period, as_of, each=body.accrual)
            spool.seek(0)
            sys.stdout.write(body.head(result.period, result.already_accrued))
            _copy(spool, sys.stdout)
            sys.stdout.write(body.tail())
        return 0

    def let_go(_accrual: AgencyAccrual) -> None:
        """The table below needs each accrual's figures, not its lines: they are not kept."""

    result = action(db, common.actor(args, db), args.period, as_of, each=let_go)
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
