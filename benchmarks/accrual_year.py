"""A year of postings: does posting month 12 cost what posting month 1 did, and how fast is the balance?

Generates 2,000 agencies, 20,000 projects (one in twenty moves to another agency in the middle of the
year), daily rates, and twelve months of 200,000 subscription payments (2025-11 to 2026-10), each
month's file also carrying 1,000 payments of the month before it, which arrive late; then the first
half of 2026-11, the running month. Through the command line, month after month, it imports the
month's payments and posts the month, the product's clock set to the 2nd of the next month
(PARTNER_DESK_NOW); then it imports the running month's payments and asks for `balance --json`, the
clock on 2026-11-15. Each step runs in a process of its own: its own time, the whole process's
(start-up included) and its peak memory are printed for every month.

    .venv/bin/python benchmarks/accrual_year.py
    .venv/bin/python benchmarks/accrual_year.py --payments 50000 --months 4     # a quicker run
    .venv/bin/python benchmarks/accrual_year.py --agencies 10000 --work DIR     # the window's data
                                                                                 # (benchmarks/agencies_page.py)

The first and the last postings, and the balance, run `--repeat` times (3 unless told), each posting
from the database as it stood before it, and keep their best time, as `accrual.py` does: a single run
on a shared machine may be slowed by a third.

Targets (2-core machine): posting month 12 within 1.2 times the time of posting month 1;
`partner-desk balance --json` on 2,000 agencies after the year under 1 s, start-up included.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
from accrual import BASE_RATES, CURRENCIES, DIGITS, USD_RANGE, _amount

SEED = 20251101
TIME_ZONE = "Europe/Kyiv"  # the company's, by default
FIRST = (2025, 11)
POST_RATIO = 1.2
BALANCE_SECONDS = 1.0


def months(options: Any) -> list[str]:
    """The posted months, in order, then the running one."""
    year, month = FIRST
    found = []
    for _ in range(options.months + 1):
        found.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return found


def _next_day2(period: str) -> str:
    """The product's clock while a month is imported and posted: the 2nd of the next month."""
    year, month = int(period[:4]), int(period[5:])
    year, month = year + month // 12, month % 12 + 1
    return f"{year:04d}-{month:02d}-02T09:00:00Z"


def running_clock(options: Any) -> str:
    return f"{months(options)[-1]}-15T09:00:00Z"


def _days(period: str, last: int | None = None) -> int:
    year, month = int(period[:4]), int(period[5:])
    following = date(year + month // 12, month % 12 + 1, 1)
    return last or (following - timedelta(days=1)).day


def _work(options: Any) -> Path:
    return Path(options.work)


def generate(options: Any) -> str:
    rnd = random.Random(SEED)
    work = _work(options)
    agencies, projects = options.agencies, options.projects
    periods = months(options)
    with (work / "agencies.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("code,name,currency,offer_accepted_at,manager\n")
        for i in range(agencies):
            accepted = f"2025-0{1 + i % 8}-15T10:00:00" if i % 3 else ""
            out.write(f"AG{i:05d},Agency {i},{CURRENCIES[i % len(CURRENCIES)]},{accepted},manager{i % 25}\n")
    project_currency = []
    moved_on = f"{periods[len(periods) // 2]}-01T00:00:00"
    with (work / "projects.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("project_id,name,currency,agency_code,connected_at,disconnected_at\n")
        for p in range(projects):
            currency = CURRENCIES[rnd.randrange(len(CURRENCIES))]
            project_currency.append(currency)
            agency = p % agencies
            if p % 20:
                out.write(f"PR{p:06d},Client {p},{currency},AG{agency:05d},2025-01-01T00:00:00,\n")
            else:  # one project in twenty moves to another agency in the middle of the year
                out.write(f"PR{p:06d},Client {p},{currency},AG{agency:05d},2025-01-01T00:00:00,{moved_on}\n")
                out.write(f"PR{p:06d},Client {p},{currency},AG{(agency + 7) % agencies:05d},{moved_on},\n")
    first = date(int(periods[0][:4]), int(periods[0][5:]), 1) - timedelta(days=7)
    last = date(int(periods[-1][:4]), int(periods[-1][5:]), 14)  # up to the running month's clock
    day = first
    with (work / "rates.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("date,currency,per_usd\n")
        while day <= last:
            for currency, base in BASE_RATES.items():
                wobble = Decimal(rnd.randrange(-200, 201)) / Decimal(10000)
                out.write(f"{day.isoformat()},{currency},{(base * (1 + wobble)).quantize(Decimal('0.0001'))}\n")
            day += timedelta(days=1)
    ranges = {}
    for currency, digits in DIGITS.items():
        rate = BASE_RATES.get(currency, Decimal(1))
        ranges[currency] = (int(USD_RANGE[0] * rate * 10**digits), int(USD_RANGE[1] * rate * 10**digits))
    randrange = rnd.randrange
    skipped = _skipped_hours(periods)

    def payment(number: str, period: str, days: int) -> str:
        p = randrange(projects)
        currency = project_currency[p]
        low, high = ranges[currency]
        day, hour = f"{period}-{1 + randrange(days):02d}", randrange(24)
        if (day, hour) in skipped:  # that hour does not exist on the company's clocks
            hour += 1
        stamp = f"{day}T{hour:02d}:{randrange(60):02d}:{randrange(60):02d}"
        return f"{number},PR{p:06d},{stamp},subscription,{_amount(randrange(low, high), currency)},{currency},\n"

    total = 0
    for index, period in enumerate(periods):
        running = index == len(periods) - 1
        count = options.payments // 2 if running else options.payments
        days = 14 if running else _days(period)
        with (work / f"payments-{period}.csv").open("w", encoding="utf-8", newline="") as out:
            out.write("payment_id,project_id,paid_at,service,amount,currency,refund_of\n")
            chunk = [payment(f"P{index:02d}{n:07d}", period, days) for n in range(count)]
            if index and not running:  # payments of the month before, imported after it was posted
                before = periods[index - 1]
                chunk += [payment(f"L{index:02d}{n:07d}", before, _days(before)) for n in range(options.late)]
            out.write("".join(chunk))
            total += len(chunk)
    return (f"{agencies} agencies, {projects} projects, {len(periods) - 1} months and a half, "
            f"{total:,} payments")


def _skipped_hours(periods: list[str]) -> set[tuple[str, int]]:
    """(day, hour) of every local hour the company's clocks skip in spring, in these months."""
    tz = ZoneInfo(TIME_ZONE)
    found = set()
    day = date(int(periods[0][:4]), int(periods[0][5:]), 1)
    while day.strftime("%Y-%m") <= periods[-1]:
        for hour in range(24):
            local = datetime(day.year, day.month, day.day, hour, 30, tzinfo=tz)
            if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
                found.add((day.isoformat(), hour))
        day += timedelta(days=1)
    return found


def _cli(options: Any, *argv: str, out: Path | None = None) -> str:
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
        return f"{out.stat().st_size / 2**10:.0f} KiB of JSON"
    return text.splitlines()[0] if text else ""


def steps(options: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"generate": generate, "init": lambda o: _cli(o, "init")}
    for kind in ("agencies", "projects", "rates"):
        found[f"import {kind}"] = lambda o, k=kind: _cli(o, "import", k, str(_work(o) / f"{k}.csv"))
    periods = months(options)
    for period in periods:
        found[f"import {period}"] = lambda o, p=period: _cli(
            o, "import", "payments", str(_work(o) / f"payments-{p}.csv"))
        if period != periods[-1]:
            found[f"post {period}"] = lambda o, p=period: _cli(o, "accrue", "--period", p)
    found["balance --json"] = lambda o: _cli(o, "balance", "--json", out=_work(o) / "balance.json")
    return found


def clock_for(name: str, options: Any) -> str:
    period = name.split()[-1]
    if name.startswith(("import 2", "post ")) and period != months(options)[-1]:
        return _next_day2(period)
    return running_clock(options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=200_000, help="payments a month")
    parser.add_argument("--late", type=int, default=1_000, help="late payments a month")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite in the work folder)")
    parser.add_argument("--work", help="folder for the files and the SQLite file (default: a temporary one); "
                        "kept, with the database, for benchmarks/agencies_page.py")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the first and last postings and of the balance, each from the same start; "
                             "the best is kept (default 3)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        child_main(steps(options), options.step, options)
        return
    with tempfile.TemporaryDirectory(prefix="partner-desk-year-") as temp:
        work = Path(options.work or temp)
        work.mkdir(parents=True, exist_ok=True)
        if not options.db:
            for leftover in work.glob("year.db*"):
                leftover.unlink()
        options.db = options.db or f"sqlite:///{work / 'year.db'}"
        _run(options, work)


def _run(options: Any, work: Path) -> None:
    args = ["--payments", str(options.payments), "--late", str(options.late), "--months", str(options.months),
            "--agencies", str(options.agencies), "--projects", str(options.projects), "--work", str(work),
            "--db", options.db]
    print(f"a year of postings: {options.agencies:,} agencies, {options.projects:,} projects, "
          f"{options.payments:,} payments a month, database {options.db}", flush=True)
    print(f"machine: {machine_line()}; {load_line()}", flush=True)
    results: dict[str, StepResult] = {}
    periods = months(options)
    # the two postings compared, and the balance, run `--repeat` times from the same start; the best kept
    repeated = {f"post {periods[0]}", f"post {periods[-2]}", "balance --json"}
    for name in steps(options):
        os.environ["PARTNER_DESK_NOW"] = clock_for(name, options)
        turns = options.repeat if name in repeated else 1
        snapshot = copy_database(options.db, "-before") if turns > 1 and name.startswith("post") else None
        runs = []
        for turn in range(turns):
            if turn and snapshot is not None:
                restore_database(snapshot, options.db)
            os.sync()  # the copies written to disk first: a step's own writes then wait for no one else's
            runs.append(run_step(__file__, name, args))
        results[name] = result = best_of(runs) if turns > 1 else runs[0]
        print(f"  {name:<18} {result.seconds:7.2f} s  ({result.process_seconds:.2f} s with start-up, "
              f"peak {result.peak_mb:.0f} MiB)  {result.detail}", flush=True)
    print(f"\n{'month':<9}{'import s':>9}{'w/ start':>9}{'peak MiB':>9}{'post s':>8}{'w/ start':>9}{'peak MiB':>9}")
    for period in periods:
        imp, post = results[f"import {period}"], results.get(f"post {period}")
        line = f"{period:<9}{imp.seconds:>9.2f}{imp.process_seconds:>9.2f}{imp.peak_mb:>9.0f}"
        if post is not None:
            line += f"{post.seconds:>8.2f}{post.process_seconds:>9.2f}{post.peak_mb:>9.0f}"
        print(line)
    first, last = results[f"post {periods[0]}"], results[f"post {periods[-2]}"]
    ratio = last.seconds / first.seconds
    print(f"post {periods[-2]} / post {periods[0]}: {ratio:.2f} (target <= {POST_RATIO}: "
          f"{'ok' if ratio <= POST_RATIO else 'MISSED'})")
    balance = results["balance --json"]
    print(f"balance --json, {options.agencies:,} agencies: {balance.seconds:.2f} s, "
          f"{balance.process_seconds:.2f} s with start-up (target < {BALANCE_SECONDS:g} s: "
          f"{'ok' if balance.process_seconds < BALANCE_SECONDS else 'MISSED'})")
    print(f"at the end: {load_line()}")


if __name__ == "__main__":
    main()
