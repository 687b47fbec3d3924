"""Accrual benchmark: one big month through the command line, beside the least work it needs.

Generates 2,000 agencies, 20,000 projects, a month of daily rates and 1,000,000 subscription
payments (2026-09) as CSV files; imports each file and posts the month with `partner-desk`, and runs
`lower_bound.py` (the least work: csv, Decimal, raw sqlite3) on the same files right after each
product step. Each step runs in a process of its own, so its peak memory is its own; its time is
taken twice, the step's own and the whole process's (start-up included). The product's clock is set
to 2026-10-05 (PARTNER_DESK_NOW), a few days after the month ended.

    .venv/bin/python benchmarks/accrual.py                      # the full size
    .venv/bin/python benchmarks/accrual.py --payments 200000    # a quicker run
    .venv/bin/python benchmarks/accrual.py --payments 200000 --profile   # where the time goes
    .venv/bin/python benchmarks/accrual.py --postgresql         # the product on a local PostgreSQL

Each compared step (the product's import and postings, the least work's import and posting) runs
`--repeat` times (3 unless told), each time from the same database as it stood before the step, and
keeps its best time: a shared machine slows single runs of either side at random, and the best of
several is what the step itself costs. The runs of one group alternate (product, least work, ...),
so both sides see the same machine. Peak memory is the largest of the runs.

Targets (2-core machine): at 1,000,000 payments, import and posting each within 2.0 times the
least work, import's peak under 300 MiB and posting's under 400 MiB with or without --json; at any
size, within 2.5 times counting the processes' start-up.
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

import lower_bound
from _measure import (
    StepResult,
    best_of,
    child_main,
    copy_database,
    load_line,
    machine_line,
    restore_database,
    run_step,
)

PERIOD = "2026-09"
NOW = "2026-10-05T09:00:00Z"  # the product's clock: the month has ended
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
# the product's steps held to the least work: (product step, least-work step, peak MiB target)
COMPARED = (("import payments", "least import", 300), ("post", "least post", 400),
            ("post --json", "least post", 400))
STEP_RATIO = 2.0  # the step's own time, at the full size
PROCESS_RATIO = 2.5  # the whole process's, start-up included
FULL_SIZE = 1_000_000


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


def _cli(options: Any, *argv: str, out: Path | None = None) -> str:
    """Run `partner-desk --db URL argv...` in this process; its output to `out`, or its first line back."""
    import contextlib
    import io

    from partner_desk.cli import main as cli_main

    sink: Any = out.open("w", encoding="utf-8") if out is not None else io.StringIO()
    with sink, contextlib.redirect_stdout(sink):
        code = cli_main(["--db", options.db, *argv])
        text = "" if out is not None else sink.getvalue()
    if code != 0:
        raise SystemExit(f"partner-desk {' '.join(argv)} exited {code}")
    if out is not None:
        return f"{out.stat().st_size / 2**20:.0f} MiB of JSON"
    return text.splitlines()[0] if text else ""


def init(options: Any) -> str:
    return _cli(options, "init")


def _importer(kind: str) -> Any:
    def step(options: Any) -> str:
        return _cli(options, "import", kind, str(_files(options)[kind]))

    return step


def post(options: Any) -> str:
    return _cli(options, "accrue", "--period", PERIOD)


def post_json(options: Any) -> str:
    return _cli(options, "accrue", "--period", PERIOD, "--json", out=Path(options.work) / "post.json")


def _least(step: str) -> Any:
    def run(options: Any) -> str:
        argv = [step, "--db", str(Path(options.work) / "least.db"), "--work", options.work, "--period", PERIOD]
        return lower_bound.main(argv)

    return run


STEPS = {
    "generate": generate,
    "init": init,
    "import agencies": _importer("agencies"),
    "import projects": _importer("projects"),
    "import rates": _importer("rates"),
    "least setup": _least("setup"),
    "import payments": _importer("payments"),
    "least import": _least("import"),
    "post": post,
    "post --json": post_json,
    "least post": _least("post"),
}
PROFILED = ("import payments", "post", "post --json")


def print_comparison(results: dict[str, StepResult], payments: int) -> None:
    """The product's steps beside the least work's, as ratios, with the targets each is held to."""
    print(f"\n{'step':<17}{'product s':>10}{'with start':>11}{'least s':>9}{'with start':>11}"
          f"{'ratio':>7}{'w/ start':>9}{'cpu':>6}{'peak MiB':>9}  targets")
    for name, least_name, memory in COMPARED:
        mine, least = results[name], results[least_name]
        ratio = mine.seconds / least.seconds
        process_ratio = mine.process_seconds / least.process_seconds
        started_ok = "ok" if process_ratio <= PROCESS_RATIO else "MISSED"
        checks = [f"start {process_ratio:.2f} <= {PROCESS_RATIO} {started_ok}"]
        if payments >= FULL_SIZE:
            checks.insert(0, f"{ratio:.2f} <= {STEP_RATIO} " + ("ok" if ratio <= STEP_RATIO else "MISSED"))
            checks.append(f"{mine.peak_mb:.0f} < {memory} MiB " + ("ok" if mine.peak_mb < memory else "MISSED"))
        cpu_ratio = mine.cpu_seconds / least.cpu_seconds
        print(f"{name:<17}{mine.seconds:>10.2f}{mine.process_seconds:>11.2f}{least.seconds:>9.2f}"
              f"{least.process_seconds:>11.2f}{ratio:>7.2f}{process_ratio:>9.2f}{cpu_ratio:>6.2f}{mine.peak_mb:>9.0f}  "
              + "; ".join(checks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=FULL_SIZE)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite in the work folder)")
    parser.add_argument("--postgresql", action="store_true",
                        help="run the product on a throw-away local PostgreSQL server (durable: fsync on)")
    parser.add_argument("--work", help="folder for the CSV files and the SQLite files (default: a temporary one)")
    parser.add_argument("--profile", action="store_true",
                        help="run the product's steps under cProfile and print where their time goes "
                             "(their figures are then the profiler's, not for comparison)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each compared step, from the same start; its best is kept (default 3)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    options = parser.parse_args()
    os.environ["PARTNER_DESK_NOW"] = NOW
    if options.step:
        child_main(STEPS, options.step, options)
        return
    server = None
    if options.postgresql:
        from tests.store.pg_server import PgServer

        server = PgServer(durable=True).start()
        options.db = server.create_database("bench")
    try:
        with tempfile.TemporaryDirectory(prefix="partner-desk-bench-") as temp:
            _run(options, Path(options.work or temp))
    finally:
        if server is not None:
            server.stop()


# the steps compared, run in turns from the same start: (its steps, the databases it changes)
GROUPS = (("import payments", "least import"), ("post", "post --json", "least post"))


def _run(options: Any, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    if not options.db:
        for leftover in [*work.glob("bench*.db*"), *work.glob("least*.db*")]:
            leftover.unlink()  # a run always starts from empty databases
    db = options.db or f"sqlite:///{work / 'bench.db'}"
    least_db = f"sqlite:///{work / 'least.db'}"
    args = ["--payments", str(options.payments), "--agencies", str(options.agencies),
            "--projects", str(options.projects), "--work", str(work)]
    print(f"accrual benchmark: {options.payments:,} payments, database {db.split('?')[0]}; "
          f"each compared step the best of {options.repeat} runs", flush=True)
    print(f"machine: {machine_line()}; {load_line()}", flush=True)
    results: dict[str, StepResult] = {}
    profiles: dict[str, Path] = {}
    grouped = {name for group in GROUPS for name in group}

    def run(name: str, step_db: str) -> StepResult:
        profile = None
        if options.profile and name in PROFILED:
            profile = work / f"profile-{name.replace(' ', '-').replace('--', '')}.txt"
            profiles[name] = profile
        return run_step(__file__, name, [*args, "--db", step_db], profile=str(profile) if profile else None)

    def show(name: str, result: StepResult) -> None:
        print(f"  {name:<16} {result.seconds:7.2f} s  ({result.process_seconds:.2f} s with start-up, "
              f"peak {result.peak_mb:.0f} MiB)  {result.detail}", flush=True)

    for name in STEPS:
        if name in grouped:
            continue
        results[name] = run(name, db)
        show(name, results[name])
        if name == "least setup":
            for group in GROUPS:
                _run_group(group, db, least_db, options.repeat, run, results)
                for member in group:
                    show(member, results[member])
    print_comparison(results, options.payments)
    print(f"at the end: {load_line()}")
    for name, path in profiles.items():
        print(f"\nprofile of {name} (cProfile, the {options.payments:,}-payment run):")
        print(path.read_text(encoding="utf-8"))


def _run_group(group: tuple[str, ...], db: str, least_db: str, repeat: int, run: Any,
               results: dict[str, StepResult]) -> None:
    """Run a group's steps in turns, `repeat` times, each from the databases as they stood before it;
    the databases are left as the last turn made them."""
    json_db = copy_database(db, "-json") if "post --json" in group else db
    databases = {name: least_db if name.startswith("least") else json_db if name == "post --json" else db
                 for name in group}
    snapshots = {url: copy_database(url, "-before") for url in set(databases.values())}
    runs: dict[str, list[StepResult]] = {name: [] for name in group}
    for turn in range(repeat):
        for name in group:
            if turn:
                restore_database(snapshots[databases[name]], databases[name])
            # the copies written to disk first: a step's own writes then wait for no one else's
            os.sync()
            runs[name].append(run(name, databases[name]))
    for name in group:
        results[name] = best_of(runs[name])

if __name__ == "__main__":
    main()
