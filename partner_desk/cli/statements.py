"""`statement CODE --period YYYY-MM -o FILE.xlsx|FILE.pdf [--lang uk|en] [--preview]` and
`statements --period YYYY-MM -o DIR [--format xlsx|pdf] [--lang uk|en]`."""

from __future__ import annotations

import argparse
import sys

from partner_desk.cli import common
from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.money import format_amount
from partner_desk.files.statement_model import FORMATS
from partner_desk.services.statements import export_preview, export_statement, export_statements


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    one = commands.add_parser("statement", help="write an agency's statement of a posted period (Excel or PDF)")
    one.add_argument("code", metavar="CODE")
    one.add_argument("--period", required=True, metavar="YYYY-MM")
    one.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|FILE.pdf",
                     help="the file to write; its suffix chooses the format")
    one.add_argument("--lang", choices=LANGUAGES, help="the statement's language (default: the agency's)")
    one.add_argument("--preview", action="store_true",
                     help="a period not yet posted: write its preview, marked as such")
    one.add_argument("--as-of", metavar="YYYY-MM-DD", help="with --preview: the day that stands for today")
    one.set_defaults(handler=run_statement)

    many = commands.add_parser("statements", help="write the statement of every agency active in a period")
    many.add_argument("--period", required=True, metavar="YYYY-MM")
    many.add_argument("-o", "--output", required=True, metavar="DIR")
    many.add_argument("--format", choices=FORMATS, default="xlsx", help="xlsx (default) or pdf")
    many.add_argument("--lang", choices=LANGUAGES, help="one language for every statement (default: each "
                      "agency's own)")
    many.set_defaults(handler=run_statements)


def run_statement(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    actor = who
    if args.preview:
        result = export_preview(db, actor, args.code, args.period, args.output, as_of=common.as_of(args.as_of),
                                language=args.lang)
    else:
        if args.as_of is not None:
            common.fail("--as-of only applies to --preview")
            return 2
        result = export_statement(db, actor, args.code, args.period, args.output, language=args.lang)
    kind = "preview" if result.preview else "statement"
    print(f"wrote {result.path}: {kind} of {result.agency} for {result.period}, {result.lines} lines, "
          f"commission {format_amount(result.commission, result.currency)} {result.currency}, "
          f"closing balance {format_amount(result.closing_balance, result.currency)} {result.currency}, "
          f"in {result.language}")
    return 0


def run_statements(args: argparse.Namespace) -> int:
    db, who = common.signed_in(args)
    actor = who
    show = sys.stderr.isatty()

    def progress(done: int, total: int, code: str) -> None:
        sys.stderr.write(f"\r{done}/{total} {code}\x1b[K")
        sys.stderr.flush()

    try:
        result = export_statements(db, actor, args.period, args.output, progress=progress if show else None,
                                   fmt=args.format, language=args.lang)
    finally:
        if show:
            sys.stderr.write("\n")
            sys.stderr.flush()
    if not result.written:
        print(f"no agency has lines or ledger entries in {result.period}: no statement was written")
        return 0
    print(f"wrote {len(result.written)} statements for {result.period} in {result.folder}")
    return 0
