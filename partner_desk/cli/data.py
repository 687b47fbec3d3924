"""`init [--demo]` and `import KIND FILE`."""

from __future__ import annotations

import argparse

from partner_desk.cli import common
from partner_desk.domain.errors import UserError
from partner_desk.services import imports


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    init = commands.add_parser("init", help="create or upgrade the database")
    init.add_argument("--demo", action="store_true", help="add a realistic demo data set")
    init.set_defaults(handler=run_init)
    imp = commands.add_parser("import", help="import a CSV or XLSX file, all or nothing")
    imp.add_argument("kind", choices=["agencies", "projects", "payments", "rates", "tiers"])
    imp.add_argument("file")
    imp.add_argument("--check", action="store_true", help="validate only; write nothing")
    imp.set_defaults(handler=run_import)


def run_init(args: argparse.Namespace) -> int:
    from partner_desk.services.demo import build_demo  # noqa: PLC0415 - the demo's data: only for init
    from partner_desk.services.setup import init_database  # noqa: PLC0415 - Alembic: only for init

    db = common.database(args, must_exist=False)
    try:
        created = init_database(db)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"cannot set up {db.url}: {common.driver_message(exc)}") from None
    if args.user:
        common.actor(args, db)  # a command given --user signs in first
    print(f"{'created' if created else 'upgraded'} {db.url}")
    if args.demo:

        summary = build_demo(db)
        print(summary)
    return 0


def run_import(args: argparse.Namespace) -> int:
    db = common.database(args)
    who = common.actor(args, db)
    if args.check:
        summary = imports.validate_file(db, who, args.kind, args.file)
        print(f"{summary} (checked only: nothing was written)")
    else:
        print(imports.import_file(db, who, args.kind, args.file))
    return 0
