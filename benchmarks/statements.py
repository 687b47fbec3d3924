"""Statement benchmark: one statement of 100,000 lines, and a bulk run over 2,000 agencies.

Generates the data as CSV files and loads it through the real import and posting services:
agency BIG (EUR) with 100,000 lines in 2026-09 (1% of them refunds) on projects in five
currencies, and 2,000 agencies with about 50 lines each in 2026-10. Then it writes BIG's statement
(openpyxl write-only, the product's writer), the same Lines sheet with XlsxWriter's constant_memory
mode for comparison, reads the statement back to check its totals against the posted accrual, and
writes every agency's statement for 2026-10. Each step runs in its own process, so the peak
resident memory it reports is its own.

    .venv/bin/python benchmarks/statements.py                                   # the full size
    .venv/bin/python benchmarks/statements.py --lines 5000 --agencies 100       # a quick run
    .venv/bin/python benchmarks/statements.py --work DIR --only "statement 100k"  # again, on DIR's data

Targets (2-core machine): the 100,000-line statement < 45 s and < 150 MiB; the bulk run < 180 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _measure import StepResult, child_main, print_table, run_step

BIG_PERIOD, BULK_PERIOD = "2026-09", "2026-10"
SEED = 20261128
DIGITS = {"USD": 2, "EUR": 2, "UAH": 2, "JPY": 0, "KWD": 3}
BASE_RATES = {"EUR": Decimal("0.92"), "UAH": Decimal("41.3"), "JPY": Decimal("149.5"), "KWD": Decimal("0.3075")}
PARTNER_CURRENCIES = ("EUR", "USD", "UAH", "JPY", "KWD")
BIG_PROJECTS = 500
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "statement 100k": (45, 150),
    "bulk": (180, None),
}


def _files(options: Any) -> dict[str, Path]:
    work = Path(options.work)
    return {kind: work / f"{kind}.csv" for kind in ("agencies", "projects", "rates", "payments")}


def _amount(minor: int, currency: str) -> str:
    digits = DIGITS[currency]
    sign = "-" if minor < 0 else ""
    text = str(abs(minor)).rjust(digits + 1, "0")
    return sign + (text if digits == 0 else f"{text[:-digits]}.{text[-digits:]}")


def _minor_range(currency: str) -> tuple[int, int]:
    """A monthly subscription of $15-400 in the currency's minor units."""
    rate = BASE_RATES.get(currency, Decimal(1))
    scale = 10 ** DIGITS[currency]
    return int(15 * rate * scale), int(400 * rate * scale)


def generate(options: Any) -> str:
    rnd = random.Random(SEED)
    files = _files(options)
    currencies = list(DIGITS)
    with files["agencies"].open("w", encoding="utf-8") as out:
        out.write("code,name,currency,offer_accepted_at,manager\nBIG,Big Agency,EUR,2026-01-10T10:00:00,olena\n")
        for i in range(options.agencies):
            out.write(f"AG{i:05d},Agency {i},{PARTNER_CURRENCIES[i % 5]},,manager{i % 7}\n")
    project_currency: dict[str, str] = {}
    with files["projects"].open("w", encoding="utf-8") as out:
        out.write("project_id,name,currency,agency_code,connected_at,disconnected_at\n")
        for p in range(BIG_PROJECTS):
            pid = f"BP{p:04d}"
            project_currency[pid] = currencies[p % len(currencies)]
            out.write(f"{pid},Client {p} of Big,{project_currency[pid]},BIG,2026-01-01T00:00:00,\n")
        for i in range(options.agencies):
            for k in range(2):
                pid = f"SP{i:05d}{k}"
                project_currency[pid] = currencies[(i + k) % len(currencies)]
                out.write(f"{pid},Client {k} of {i},{project_currency[pid]},AG{i:05d},2026-01-01T00:00:00,\n")
    with files["rates"].open("w", encoding="utf-8") as out:
        out.write("date,currency,per_usd\n")
        day = date(2026, 8, 25)
        while day <= date(2026, 10, 31):
            for currency, base in BASE_RATES.items():
                wobble = Decimal(rnd.randrange(-200, 201)) / Decimal(10000)
                out.write(f"{day},{currency},{(base * (1 + wobble)).quantize(Decimal('0.0001'))}\n")
            day += timedelta(days=1)
    randrange = rnd.randrange
    refunds = options.lines // 100
    with files["payments"].open("w", encoding="utf-8") as out:
        out.write("payment_id,project_id,paid_at,service,amount,currency,refund_of\n")
        chunk: list[str] = []
        for n in range(options.lines - refunds):
            pid = f"BP{randrange(BIG_PROJECTS):04d}"
            cur = project_currency[pid]
            minor = randrange(*_minor_range(cur))
            stamp = f"2026-09-{1 + randrange(15):02d}T{randrange(24):02d}:{randrange(60):02d}:{randrange(60):02d}"
            chunk.append(f"B{n:07d},{pid},{stamp},subscription,{_amount(minor, cur)},{cur},\n")
            if n < refunds:  # the first payments are each half refunded later in the month
                stamp = f"2026-09-{20 + randrange(10):02d}T12:00:00"
                chunk.append(f"R{n:07d},{pid},{stamp},subscription,{_amount(-(minor // 2), cur)},{cur},B{n:07d}\n")
        for i in range(options.agencies):
            for n in range(options.per_agency):
                pid = f"SP{i:05d}{n % 2}"
                cur = project_currency[pid]
                minor = randrange(*_minor_range(cur))
                stamp = f"2026-10-{1 + randrange(31):02d}T{randrange(24):02d}:{randrange(60):02d}:00"
                chunk.append(f"S{i:05d}{n:03d},{pid},{stamp},subscription,{_amount(minor, cur)},{cur},\n")
            if len(chunk) > 50_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    total = options.lines + options.agencies * options.per_agency
    return f"{options.agencies + 1} agencies, {len(project_currency)} projects, {total} payments"


def _database(options: Any) -> Any:
    from partner_desk.store.engine import Database

    return Database(options.db)


def init(options: Any) -> str:
    from partner_desk.services.setup import init_database

    init_database(_database(options))
    return options.db


def load(options: Any) -> str:
    from partner_desk.domain.roles import SETUP
    from partner_desk.services.imports import import_file

    db = _database(options)
    done = [str(import_file(db, SETUP, kind, path)).splitlines()[0] for kind, path in _files(options).items()]
    return "; ".join(done)


def post(options: Any) -> str:
    from partner_desk.domain.roles import SETUP
    from partner_desk.services.accruals import post_period

    db = _database(options)
    big = post_period(db, SETUP, BIG_PERIOD, as_of=date(2026, 11, 2))
    bulk = post_period(db, SETUP, BULK_PERIOD, as_of=date(2026, 11, 2))
    return f"{big.message}; {bulk.message}"


def _big_file(options: Any) -> Path:
    return Path(options.work) / f"BIG_{BIG_PERIOD}.xlsx"


def statement(options: Any) -> str:
    from partner_desk.domain.roles import SETUP
    from partner_desk.services.statements import export_statement

    result = export_statement(_database(options), SETUP, "BIG", BIG_PERIOD, _big_file(options))
    size = result.path.stat().st_size / 2**20
    return f"{result.lines} lines, commission {result.commission} {result.currency}, {size:.1f} MiB"


def xlsxwriter_lines(options: Any) -> str:
    """The same Lines sheet, from the same posted rows, with XlsxWriter's constant_memory mode."""
    import xlsxwriter

    from partner_desk.domain.periods import Period
    from partner_desk.files.statement_model import DATETIME_FORMAT, RATE_FORMAT, money_format, percent_format
    from partner_desk.services.statement_data import posted_statement
    from partner_desk.store.models import Agency
    from partner_desk.store.queries import company_tz, reward_schedule

    db = _database(options)
    path = Path(options.work) / "BIG_xlsxwriter.xlsx"
    with db.read() as session:
        agency = session.query(Agency).filter_by(code="BIG").one()
        tz = company_tz(session)
        built, _expected = posted_statement(session, agency, Period.parse(BIG_PERIOD), tz,
                                            reward_schedule(session), date(2026, 11, 2))
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        formats: dict[str, Any] = {}

        def fmt(code: str) -> Any:
            if code not in formats:
                formats[code] = book.add_format({"num_format": code})
            return formats[code]

        sheet = book.add_worksheet("Lines")
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, ["Payment date", "Project ID", "Project", "Payment ID", "Service", "Refund of",
                               "Amount", "Currency", "Rate to USD", "Partner currency rate", "USD amount",
                               "Partner amount", "Percent", "Commission", "Late"], book.add_format({"bold": 1}))
        partner = money_format(agency.currency)
        row = 0
        commission = Decimal(0)
        for line in built.lines:
            row += 1
            sheet.write_datetime(row, 0, line.paid_at, fmt(DATETIME_FORMAT))
            sheet.write_string(row, 1, line.project_id)
            sheet.write_string(row, 2, line.project_name)
            sheet.write_string(row, 3, line.payment_id)
            sheet.write_string(row, 4, line.service)
            if line.refund_of is not None:
                sheet.write_string(row, 5, line.refund_of)
            sheet.write_number(row, 6, float(line.amount), fmt(money_format(line.currency)))
            sheet.write_string(row, 7, line.currency)
            sheet.write_number(row, 8, float(line.pay_rate), fmt(RATE_FORMAT))
            if line.partner_rate is not None:
                sheet.write_number(row, 9, float(line.partner_rate), fmt(RATE_FORMAT))
            sheet.write_number(row, 10, float(line.usd_amount), fmt("#,##0.00"))
            sheet.write_number(row, 11, float(line.partner_amount), fmt(partner))
            sheet.write_number(row, 12, float(line.percent / 100), fmt(percent_format(line.percent)))
            sheet.write_number(row, 13, float(line.commission), fmt(partner))
            sheet.write_boolean(row, 14, line.late)
            commission += line.commission
        sheet.autofilter(0, 0, row, 14)
        sheet.write_number(row + 1, 13, float(commission), fmt(partner))
        book.close()
    return f"{row} lines, commission {commission}, {path.stat().st_size / 2**20:.1f} MiB"


def verify(options: Any) -> str:
    """Read the statement back (openpyxl read-only) and compare it with the posted accrual."""
    from openpyxl import load_workbook

    from partner_desk.domain.money import from_minor, round_money
    from partner_desk.store.models import Accrual, Agency

    db = _database(options)
    with db.read() as session:
        accrual = (session.query(Accrual).join(Agency, Agency.id == Accrual.agency_id)
                   .filter(Agency.code == "BIG", Accrual.period == BIG_PERIOD).one())
        posted = from_minor(accrual.amount_minor, accrual.currency)
        count = accrual.lines
    book = load_workbook(_big_file(options), read_only=True)
    total = Decimal(0)
    lines = 0
    last: tuple[Any, ...] = ()
    for values in book["Lines"].iter_rows(min_row=2, values_only=True):
        last = values
        if values[0] == "Total":
            break
        if len(values) < 4 or values[3] is None:  # a group's heading or subtotal: no payment id
            continue
        lines += 1
        total += Decimal(str(values[13]))
    book.close()
    shown = round_money(Decimal(str(last[13])), "EUR")
    if lines != count or round_money(total, "EUR") != posted or shown != posted:
        raise SystemExit(f"statement does not match: {lines} lines (posted {count}), "
                         f"sum {total}, total row {shown}, posted {posted}")
    return f"{lines} lines read back; the column, the total row and the accrual agree: {posted} EUR"


def bulk(options: Any) -> str:
    from partner_desk.domain.roles import SETUP
    from partner_desk.services.statements import export_statements

    folder = Path(options.work) / "bulk"
    result = export_statements(_database(options), SETUP, BULK_PERIOD, folder)
    lines = sum(r.lines for r in result.written)
    size = sum(r.path.stat().st_size for r in result.written) / 2**20
    return f"{len(result.written)} files, {lines} lines, {size:.0f} MiB"


STEPS = {
    "generate": generate,
    "init": init,
    "import": load,
    "post": post,
    "statement 100k": statement,
    "xlsxwriter 100k": xlsxwriter_lines,
    "read back 100k": verify,
    "bulk": bulk,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the big statement")
    parser.add_argument("--agencies", type=int, default=2_000, help="agencies of the bulk run")
    parser.add_argument("--per-agency", type=int, default=50, help="lines of each agency of the bulk run")
    parser.add_argument("--work", help="folder for the files and the SQLite database (default: a temporary one)")
    parser.add_argument("--only", metavar="STEP,...", help="run only these steps, on the data a previous "
                        "run left in --work (e.g. --only 'statement 100k,xlsxwriter 100k')")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        child_main(STEPS, options.step, options)
        return
    names = list(STEPS)
    if options.only:
        names = [name.strip() for name in options.only.split(",")]
        unknown = [name for name in names if name not in STEPS]
        if unknown or not options.work:
            parser.error(f"--only needs --work and steps among: {', '.join(STEPS)}")
    with tempfile.TemporaryDirectory(prefix="partner-desk-statements-") as temp:
        work = Path(options.work or temp)
        work.mkdir(parents=True, exist_ok=True)
        if not options.only:
            for leftover in work.glob("bench.db*"):
                leftover.unlink()  # a full run always starts from an empty database
        db = f"sqlite:///{work / 'bench.db'}"
        args = ["--lines", str(options.lines), "--agencies", str(options.agencies),
                "--per-agency", str(options.per_agency), "--db", db, "--work", str(work)]
        print(f"statement benchmark: {options.lines:,} lines; {options.agencies:,} agencies x "
              f"{options.per_agency} lines", flush=True)
        results: list[StepResult] = []
        for name in names:
            results.append(run_step(__file__, name, args))
            print(f"  {name}: {results[-1].seconds:.1f} s, {results[-1].peak_mb:.0f} MiB", flush=True)
        print_table(results, TARGETS)


if __name__ == "__main__":
    main()
