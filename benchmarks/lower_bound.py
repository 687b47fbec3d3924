"""The least work an import and a posting need: the yardstick the product's figures are held to.

Only the unavoidable, written plainly: the standard library's csv reader, `Decimal`, the raw `sqlite3`
driver, money in integer minor units, WAL and `synchronous=FULL`, one transaction per step.

    setup   the tables, and the agencies, connections and rates from their CSV files (not timed)
    import  payments.csv: each row's amount read as a Decimal and turned into minor units (more
            decimals than the currency has is refused), its time read (local unless it has an offset),
            its day and month kept; every row inserted, a payment id at most once
    post    one month: each agency's payments (subscription, of a project connected to it at the
            payment's moment) converted to USD at the day's rate for the turnover, the slab percent
            of that turnover, then each line converted to the partner currency at the same rates
            (double conversion, no rounding in between) and its commission rounded half up once;
            every line written (a payment at most once), one accrual and one ledger credit per agency

It knows nothing of refunds, late payments, commission table versions, reward levels, hash chains,
database guards or the audit trail: those are the product's own duties, which it must do within its
ratio to this script. The benchmarks run it beside the product, on the same files, in the same run.

    python benchmarks/lower_bound.py setup  --db FILE --work DIR
    python benchmarks/lower_bound.py import --db FILE --work DIR
    python benchmarks/lower_bound.py post   --db FILE --work DIR --period 2026-09
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

EXACT = Context(prec=60, rounding=ROUND_HALF_UP)
TZ = ZoneInfo("Europe/Kyiv")
DIGITS = {"USD": 2, "EUR": 2, "UAH": 2, "PLN": 2, "GBP": 2, "JPY": 0, "KWD": 3}
# the default commission table: from $0 10%, $500 15%, $1,500 20%, $5,000 25%, $10,000 30%
LEVELS = [(Decimal(0), Decimal(10)), (Decimal(500), Decimal(15)), (Decimal(1500), Decimal(20)),
          (Decimal(5000), Decimal(25)), (Decimal(10000), Decimal(30))]
SCHEMA = """
CREATE TABLE agencies (id INTEGER PRIMARY KEY, code TEXT UNIQUE, currency TEXT);
CREATE TABLE connections (project_id TEXT, agency_id INTEGER, connected_at TEXT, disconnected_at TEXT);
CREATE TABLE rates (currency TEXT, day TEXT, per_usd TEXT, PRIMARY KEY (currency, day));
CREATE TABLE payments (payment_id TEXT PRIMARY KEY, project_id TEXT, paid_at TEXT, day TEXT, period TEXT,
                       service TEXT, amount_minor INTEGER, currency TEXT);
CREATE INDEX payments_period ON payments (period);
CREATE TABLE accruals (id INTEGER PRIMARY KEY, agency_id INTEGER, period TEXT, percent TEXT, amount_minor INTEGER,
                       UNIQUE (agency_id, period));
CREATE TABLE lines (payment_id TEXT PRIMARY KEY, accrual_id INTEGER, commission_minor INTEGER);
CREATE TABLE ledger (id INTEGER PRIMARY KEY, agency_id INTEGER, amount_minor INTEGER, currency TEXT);
"""


def connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def rows(path: Path) -> csv.DictReader[str]:
    return csv.DictReader(path.open(encoding="utf-8", newline=""))


def setup(db: sqlite3.Connection, work: Path) -> str:
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    codes = {}
    for n, row in enumerate(rows(work / "agencies.csv"), start=1):
        codes[row["code"]] = n
        db.execute("INSERT INTO agencies VALUES (?, ?, ?)", (n, row["code"], row["currency"]))
    db.executemany("INSERT INTO connections VALUES (?, ?, ?, ?)", [
        (r["project_id"], codes[r["agency_code"]], r["connected_at"], r["disconnected_at"] or None)
        for r in rows(work / "projects.csv")])
    db.executemany("INSERT INTO rates VALUES (?, ?, ?)",
                   [(r["currency"], r["date"], r["per_usd"]) for r in rows(work / "rates.csv")])
    db.execute("COMMIT")
    return f"{len(codes)} agencies"


def import_payments(db: sqlite3.Connection, work: Path) -> str:
    reader = csv.reader((work / "payments.csv").open(encoding="utf-8", newline=""))
    next(reader)
    batch = []
    count = 0
    db.execute("BEGIN IMMEDIATE")
    insert = "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    for payment_id, project_id, paid_at, service, amount, currency, _refund_of in reader:
        moment = datetime.fromisoformat(paid_at)
        if moment.tzinfo is not None:
            moment = moment.astimezone(TZ).replace(tzinfo=None)
        scaled = Decimal(amount).scaleb(DIGITS[currency])
        minor = int(scaled)
        if minor != scaled:
            raise SystemExit(f"{payment_id}: {amount} has more decimals than {currency} allows")
        local = moment.isoformat()
        batch.append((payment_id, project_id, local, local[:10], local[:7], service, minor, currency))
        if len(batch) == 50_000:
            db.executemany(insert, batch)
            count += len(batch)
            batch.clear()
    db.executemany(insert, batch)
    count += len(batch)
    db.execute("COMMIT")
    return f"{count} payments"


def post(db: sqlite3.Connection, period: str) -> str:
    db.execute("BEGIN IMMEDIATE")
    currency_of = dict(db.execute("SELECT id, currency FROM agencies"))
    connected: dict[str, list[tuple[str, str | None, int]]] = defaultdict(list)
    for project_id, agency_id, since, until in db.execute("SELECT * FROM connections"):
        connected[project_id].append((since, until, agency_id))
    series: dict[str, tuple[list[str], list[Decimal]]] = {}
    for currency, day, per_usd in db.execute("SELECT currency, day, per_usd FROM rates ORDER BY currency, day"):
        days, values = series.setdefault(currency, ([], []))
        days.append(day)
        values.append(Decimal(per_usd))
    one = Decimal(1)

    def rate(currency: str, day: str) -> Decimal:
        if currency == "USD":
            return one
        days, values = series[currency]
        return values[bisect_right(days, day) - 1]

    by_agency: dict[int, list[tuple[str, Decimal, str, str]]] = defaultdict(list)
    for payment_id, project_id, paid_at, day, minor, currency in db.execute(
            "SELECT payment_id, project_id, paid_at, day, amount_minor, currency FROM payments "
            "WHERE period = ? AND service = 'subscription'", (period,)):
        for since, until, agency_id in connected.get(project_id, ()):
            if since <= paid_at and (until is None or paid_at < until):
                by_agency[agency_id].append((payment_id, Decimal(minor).scaleb(-DIGITS[currency]), currency, day))
                break
    lines = []
    accruals = []
    ledger = []
    hundred = Decimal(100)
    for accrual_id, (agency_id, payments) in enumerate(sorted(by_agency.items()), start=1):
        partner = currency_of[agency_id]
        turnover = Decimal(0)
        for _, amount, currency, day in payments:
            turnover = EXACT.add(turnover, EXACT.divide(amount, rate(currency, day)))
        percent = Decimal(0)
        for threshold, level_percent in LEVELS:
            if turnover >= threshold:
                percent = level_percent
        quantum = Decimal(1).scaleb(-DIGITS[partner])
        total = 0
        for payment_id, amount, currency, day in payments:
            if currency == partner:
                commission = EXACT.divide(EXACT.multiply(amount, percent), hundred)
            else:
                pay_rate = rate(currency, day)
                commission = EXACT.divide(EXACT.multiply(EXACT.multiply(amount, rate(partner, day)), percent),
                                          EXACT.multiply(pay_rate, hundred))
            minor = int(commission.quantize(quantum, rounding=ROUND_HALF_UP).scaleb(DIGITS[partner]))
            total += minor
            lines.append((payment_id, accrual_id, minor))
        accruals.append((accrual_id, agency_id, period, str(percent), total))
        ledger.append((agency_id, total, partner))
    db.executemany("INSERT INTO accruals VALUES (?, ?, ?, ?, ?)", accruals)
    db.executemany("INSERT INTO lines VALUES (?, ?, ?)", lines)
    db.executemany("INSERT INTO ledger (agency_id, amount_minor, currency) VALUES (?, ?, ?)", ledger)
    db.execute("COMMIT")
    return f"{len(accruals)} accruals, {len(lines)} lines"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["setup", "import", "post"])
    parser.add_argument("--db", required=True, help="the SQLite file (its own, not the product's)")
    parser.add_argument("--work", required=True, help="the folder of the benchmark's CSV files")
    parser.add_argument("--period", help="YYYY-MM, for post")
    args = parser.parse_args(argv)
    db = connect(args.db)
    work = Path(args.work)
    if args.step == "setup":
        done = setup(db, work)
    elif args.step == "import":
        done = import_payments(db, work)
    else:
        done = post(db, args.period)
    db.close()
    return done


if __name__ == "__main__":
    print(main(sys.argv[1:]))
