"""Accrual benchmark: one big month through the real import and posting services.

Generates 2,000 agencies, 20,000 projects, a month of daily rates and 1,000,000 subscription
payments (2026-09) as CSV files, imports each file and posts the month, and prints the wall time and
peak resident memory of every step. Each step runs in its own process, so its peak is its own.

    .venv/bin/python benchmarks/accrual.py                      # the full size
    .venv/bin/python benchmarks/accrual.py --payments 100000    # a quick run
    .venv/bin/python benchmarks/accrual.py --db postgresql://user@host/empty_db

Targets (2-core machine): payments import < 60 s, posting < 30 s, every step's peak < 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
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

PERIOD = "2026-09"
AS_OF = date(2026, 10, 5)
RATE_DAYS = (date(2026, 8, 25), date(2026, 9, 30))
SEED = 20260901
# partner and project currencies, weighted towards the common ones; JPY and KWD keep the
# zero- and three-decimal paths busy
CURRENCIES = ("USD", "USD", "EUR", "EUR", "UAH", "UAH", "PLN", "GBP", "JPY", "KWD")
DIGITS = {"USD": 2, "EUR": 2, "UAH": 2, "PLN": 2, "GBP": 2, "JPY": 0, "KWD": 3}
BASE_RATES = {
    "EUR": Decimal("0.92"), "UAH": Decimal("41.3"), "PLN": Decimal("3.95"), "GBP": Decimal("0.79"),
    "JPY": Decimal("149.5"), "KWD": Decimal("0.3075"),
}
# a monthly subscription of 15-400 USD, in the project's currency
USD_RANGE = (15, 400)
# peak memory target of every step, in MiB; time targets of the two steps the targets name
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "generate": (None, 1536),
    "init": (None, 1536),
    "import agencies": (None, 1536),
    "import projects": (None, 1536),
    "import rates": (None, 1536),
    "import payments": (60, 1536),
    "post": (30, 1536),
}


def _files(options: Any) -> dict[str, Path]:
    work = Path(options.work)
    return {kind: work / f"{kind}.csv" for kind in ("agencies", "projects", "rates", "payments")}


def _amount(minor: int, currency: str) -> str:
    digits = DIGITS[currency]
    if digits == 0:
        return str(minor)
    text = str(minor).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}"


def generate(options: Any) -> str:
    rnd = random.Random(SEED)
    files = _files(options)
    agencies = options.agencies
    projects = options.projects
    with files["agencies"].open("w", encoding="utf-8", newline="") as out:
        out.write("code,name,currency,offer_accepted_at,manager\n")
        for i in range(agencies):
            accepted = f"2026-0{1 + i % 8}-15T10:00:00" if i % 3 else ""
            out.write(f"AG{i:05d},Agency {i},{CURRENCIES[i % len(CURRENCIES)]},{accepted},manager{i % 7}\n")
    project_currency = []
    with files["projects"].open("w", encoding="utf-8", newline="") as out:
        out.write("project_id,name,currency,agency_code,connected_at,disconnected_at\n")
        for p in range(projects):
            currency = CURRENCIES[rnd.randrange(len(CURRENCIES))]
            project_currency.append(currency)
            out.write(f"PR{p:06d},Client {p},{currency},AG{p % agencies:05d},2026-01-01T00:00:00,\n")
    day, last = RATE_DAYS
    rate_rows = 0
    with files["rates"].open("w", encoding="utf-8", newline="") as out:
        out.write("date,currency,per_usd\n")
        while day <= last:
            for currency, base in BASE_RATES.items():
                wobble = Decimal(rnd.randrange(-200, 201)) / Decimal(10000)
                out.write(f"{day.isoformat()},{currency},{(base * (1 + wobble)).quantize(Decimal('0.0001'))}\n")
                rate_rows += 1
            day += timedelta(days=1)
    # a project's amount range in its own minor units, from the USD range at the base rate
    ranges = {}
    for currency, digits in DIGITS.items():
        rate = BASE_RATES.get(currency, Decimal(1))
        ranges[currency] = (int(USD_RANGE[0] * rate * 10**digits), int(USD_RANGE[1] * rate * 10**digits))
    randrange = rnd.randrange
    with files["payments"].open("w", encoding="utf-8", newline="") as out:
        out.write("payment_id,project_id,paid_at,service,amount,currency,refund_of\n")
        chunk = []
        for n in range(options.payments):
            p = randrange(projects)
            currency = project_currency[p]
            low, high = ranges[currency]
            stamp = f"2026-09-{1 + randrange(30):02d}T{randrange(24):02d}:{randrange(60):02d}:{randrange(60):02d}"
            chunk.append(f"PAY{n:08d},PR{p:06d},{stamp},subscription,{_amount(randrange(low, high), currency)},"
                         f"{currency},\n")
            if len(chunk) >= 50_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    size = files["payments"].stat().st_size / 2**20
    return f"{agencies} agencies, {projects} projects, {rate_rows} rates, {options.payments} payments ({size:.0f} MiB)"


def _database(options: Any) -> Any:
    from partner_desk.store.engine import Database

    return Database(options.db)


def init(options: Any) -> str:
    from partner_desk.services.setup import init_database

    db = _database(options)
    init_database(db)
    return db.url


def _importer(kind: str) -> Any:
    def step(options: Any) -> str:
        from partner_desk.domain.roles import SETUP
        from partner_desk.services.imports import import_file

        return str(import_file(_database(options), SETUP, kind, _files(options)[kind]))

    return step


def post(options: Any) -> str:
    from partner_desk.domain.roles import SETUP
    from partner_desk.services.accruals import post_period

    run = post_period(_database(options), SETUP, PERIOD, as_of=AS_OF)
    lines = sum(len(a.lines) for a in run.accruals)
    return f"{run.message}, {lines} lines"


STEPS = {
    "generate": generate,
    "init": init,
    "import agencies": _importer("agencies"),
    "import projects": _importer("projects"),
    "import rates": _importer("rates"),
    "import payments": _importer("payments"),
    "post": post,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite in the work folder)")
    parser.add_argument("--work", help="folder for the CSV files and the SQLite file (default: a temporary one)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        child_main(STEPS, options.step, options)
        return
    with tempfile.TemporaryDirectory(prefix="partner-desk-bench-") as temp:
        work = Path(options.work or temp)
        work.mkdir(parents=True, exist_ok=True)
        if not options.db:
            for leftover in work.glob("bench.db*"):
                leftover.unlink()  # a run always starts from an empty database
        db = options.db or f"sqlite:///{work / 'bench.db'}"
        args = ["--payments", str(options.payments), "--agencies", str(options.agencies),
                "--projects", str(options.projects), "--db", db, "--work", str(work)]
        print(f"accrual benchmark: {options.payments:,} payments, database {db}; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        results: list[StepResult] = []
        for name in STEPS:
            results.append(run_step(__file__, name, args))
            print(f"  {name}: {results[-1].seconds:.1f} s", flush=True)
        print_table(results, TARGETS)
        print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
