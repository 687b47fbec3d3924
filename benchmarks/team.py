"""A team of ten, simulated: ten users act at once on one PostgreSQL database for a few minutes.

A throw-away PostgreSQL server (as the tests start one) gets the demo data set, built as of the 20th
of last month, so that last month is still open; then ten users, each a process with its own
connection, work as people at their windows do: managers read balances, preview agencies, pay
projects and request withdrawals; finance approves, rejects and marks paid. Each acts on what it has
just read, passing what it saw (`expected`), so a colleague's change in between is refused as stale.
Half-way through, finance posts last month and imports a payments file (with refunds) at the same
moment. At the end it prints the throughput per action, the slowest action, and the invariant check:
every balance equals its ledger, no request was paid twice, no available balance below zero, and
`audit --verify` finds the trail and every table intact.

    .venv/bin/python benchmarks/team.py                  # 3 minutes, 10 users
    .venv/bin/python benchmarks/team.py --minutes 0.5    # a quick run
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import quantum
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import Role
from partner_desk.services import ledger, withdrawals
from partner_desk.services.accruals import post_period, preview_period
from partner_desk.services.agency_detail import agency_detail
from partner_desk.services.balances import balances
from partner_desk.services.imports import import_file
from partner_desk.services.sign_in import sign_in
from partner_desk.services.users import add_user
from partner_desk.services.verify import check
from partner_desk.services.versions import Stale
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Connection, LedgerEntry, Payment, Withdrawal
from tests.store.pg_server import PgServer

PASSWORD = "team-bench-1"
TEAM = [(f"manager{n}", Role.MANAGER) for n in range(1, 7)] + [(f"finance{n}", Role.FINANCE) for n in range(1, 5)]
HOLD_KINDS = ("withdrawal_hold", "hold_release")


def _build(url: str, built_on: str) -> None:
    """The demo data set as of `built_on` (the clock set back), and the team's accounts."""
    os.environ["PARTNER_DESK_NOW"] = built_on
    from partner_desk.cli import main as cli

    assert cli(["--db", url, "init", "--demo"]) == 0
    del os.environ["PARTNER_DESK_NOW"]
    db = Database(url)
    admin = sign_in(db, "admin", "partner-demo")
    for name, role in TEAM:
        add_user(db, admin, name, role, PASSWORD)
    db.dispose()


def _payments_file(url: str, folder: Path, today: date) -> Path:
    """A billing export of today: a payment of every connected project, a refund of a tenth of them."""
    db = Database(url)
    with db.read() as s:
        projects = list(s.execute(select(Connection.project_id, Payment.currency).join(
            Payment, Payment.project_id == Connection.project_id).where(Connection.disconnected_at.is_(None))
            .distinct()))
    db.dispose()
    rows = ["payment_id,project_id,paid_at,service,amount,currency,refund_of"]
    for n, (project, currency) in enumerate(sorted(projects)):
        amount = "12000" if currency == "JPY" else "120.000" if currency == "KWD" else "120.00"
        rows.append(f"bench-{n},{project},{today}T08:00:00,subscription,{amount},{currency},")
        if n % 10 == 0:
            back = "-1200" if currency == "JPY" else "-12.000" if currency == "KWD" else "-12.00"
            rows.append(f"bench-r{n},{project},{today}T09:00:00,subscription,{back},{currency},bench-{n}")
    path = folder / "payments-bench.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


class Tally:
    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.stale: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.slowest: tuple[float, str] = (0.0, "")
        self.failed: list[str] = []

    def run(self, kind: str, call: Any) -> Any:
        start = time.perf_counter()
        try:
            return call()
        except Stale:
            self.stale[kind] += 1
        except UserError:
            self.refused[kind] += 1
        except Exception as exc:  # no rule explains it: a finding, reported at the end
            self.failed.append(f"{kind}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            took = time.perf_counter() - start
            self.count[kind] += 1
            self.seconds[kind] += took
            self.slowest = max(self.slowest, (took, kind))
        return None


def _user(url: str, name: str, role: Role, deadline: float, middle: float, period: str, payments: str,
          seed: int, queue: Any) -> None:
    rng = random.Random(seed)
    db = Database(url)
    tally = Tally()
    actor = sign_in(db, name, PASSWORD)
    with db.read() as s:
        codes = list(s.scalars(select(Agency.code).order_by(Agency.code)))
    special = {"finance1": "post", "finance2": "import"}.get(name)
    while time.monotonic() < deadline:
        if special and time.monotonic() >= middle:
            if special == "post":
                tally.run("post a month", lambda: post_period(db, actor, period))
            else:
                tally.run("import payments", lambda: import_file(db, actor, "payments", payments))
            special = None
            continue
        roll = rng.random()
        if roll < 0.30:
            tally.run("read balances", lambda: balances(db))
            continue
        if roll < 0.40:
            code = rng.choice(codes)
            tally.run("preview an agency", lambda c=code: preview_period(db, actor, Period.of(date.today()), agency=c))
            continue
        if role is Role.MANAGER:
            code = rng.choice(codes)
            detail = tally.run("open an agency", lambda c=code: agency_detail(db, actor, c))
            if detail is None or detail.available <= 0:
                continue
            share = (detail.available * Decimal(rng.choice((2, 5, 10))) / 100).quantize(
                quantum(detail.currency), rounding=ROUND_DOWN)
            if share <= 0:
                continue
            if roll < 0.70 and detail.current_projects:
                project = rng.choice(detail.current_projects).project_id
                tally.run("pay a project", lambda d=detail, p=project, a=share: ledger.pay_project(
                    db, actor, d.code, p, a, expected=d.ledger_head))
            elif detail.can_withdraw:
                tally.run("request a withdrawal", lambda d=detail, a=share: withdrawals.request_withdrawal(
                    db, actor, d.code, a, "bank_transfer", "IBAN UA21 3223 1300 0002 6007 2335 6600 1",
                    expected=d.ledger_head))
            continue
        queue_rows = tally.run("read the queue", lambda: withdrawals.list_withdrawals(db))
        if not queue_rows:
            continue
        pending = [w for w in queue_rows if w.status.value == "pending"]
        approved = [w for w in queue_rows if w.status.value == "approved"]
        if pending and roll < 0.85:
            w = rng.choice(pending[:20])
            if rng.random() < 0.15:
                tally.run("reject", lambda w=w: withdrawals.reject(db, actor, w.id, "not now", expected="pending"))
            else:
                tally.run("approve", lambda w=w: withdrawals.approve(db, actor, w.id, expected="pending"))
        elif approved:
            w = rng.choice(approved[:20])
            tally.run("mark paid", lambda w=w: withdrawals.mark_paid(db, actor, w.id, f"BANK-{w.id}",
                                                                     expected="approved"))
    db.dispose()
    queue.put((dict(tally.count), dict(tally.refused), dict(tally.stale), dict(tally.seconds), tally.slowest,
               tally.failed))


def _invariants(url: str) -> list[str]:
    db = Database(url)
    problems: list[str] = []
    with db.read() as s:
        money = dict(s.execute(select(LedgerEntry.agency_id, func.sum(LedgerEntry.amount_minor))
                               .where(LedgerEntry.kind.not_in(HOLD_KINDS)).group_by(LedgerEntry.agency_id)).all())
        ids = dict(s.execute(select(Agency.code, Agency.id)).all())
        payouts = Counter(s.scalars(select(LedgerEntry.withdrawal_id).where(LedgerEntry.kind == "payout")))
        paid = set(s.scalars(select(Withdrawal.id).where(Withdrawal.status == "paid")))
        # only a refund's reversal may take an available balance below zero (SPEC section 6)
        reversed_ = set(s.scalars(select(LedgerEntry.agency_id).where(LedgerEntry.kind == "refund_reversal")))
        verified = check(s).problems
    for b in balances(db):
        digits = {"JPY": 0, "KWD": 3}.get(b.position.currency, 2)
        if b.position.balance * (10 ** digits) != money.get(ids[b.code], 0):
            problems.append(f"{b.code}: balance {b.position.balance} is not the sum of its ledger")
        if b.position.available < 0 and ids[b.code] not in reversed_:
            problems.append(f"{b.code}: available {b.position.available} below zero, and no refund reversed")
    twice = [w for w, n in payouts.items() if n > 1]
    if twice or set(payouts) != paid:
        problems.append(f"requests paid twice: {twice}; paid without one payout: {sorted(paid ^ set(payouts))}")
    problems += [f"audit --verify: {p}" for p in verified]
    db.dispose()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    args = parser.parse_args(argv)
    today = date.today()
    last_month = Period.of(today).previous()
    built_on = f"{last_month.first_day.replace(day=20).isoformat()}T10:00:00Z"
    server = PgServer().start()
    folder = Path(tempfile.mkdtemp(prefix="partner-desk-team-"))
    try:
        url = server.create_database("team")
        started = time.perf_counter()
        _build(url, built_on)
        print(f"demo data set built as of {built_on[:10]} in {time.perf_counter() - started:.1f} s; "
              f"{len(TEAM)} users for {args.minutes:g} minutes; {last_month} is posted half-way", flush=True)
        payments = _payments_file(url, folder, today)
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        start = time.monotonic()
        deadline, middle = start + args.minutes * 60, start + args.minutes * 30
        users = [context.Process(target=_user, args=(url, name, role, deadline, middle, str(last_month),
                                                     str(payments), n, queue)) for n, (name, role) in enumerate(TEAM)]
        for user in users:
            user.start()
        reports = [queue.get(timeout=args.minutes * 60 + 600) for _ in users]
        for user in users:
            user.join()
        elapsed = time.monotonic() - start
        count: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        stale: Counter[str] = Counter()
        seconds: defaultdict[str, float] = defaultdict(float)
        slowest = (0.0, "")
        failed: list[str] = []
        for c, r, st, sec, slow, fail in reports:
            failed += fail
            count.update(c)
            refused.update(r)
            stale.update(st)
            for k, v in sec.items():
                seconds[k] += v
            slowest = max(slowest, slow)
        total = sum(count.values())
        print(f"\n{total} actions in {elapsed:.0f} s: {total / elapsed:.1f} actions a second\n")
        print(f"{'action':<22}{'count':>8}{'per s':>8}{'mean ms':>9}{'refused':>9}{'stale':>7}")
        for kind in sorted(count, key=lambda k: -count[k]):
            print(f"{kind:<22}{count[kind]:>8}{count[kind] / elapsed:>8.1f}"
                  f"{seconds[kind] / count[kind] * 1000:>9.0f}{refused[kind]:>9}{stale[kind]:>7}")
        print(f"\nthe slowest action: {slowest[1]}, {slowest[0]:.2f} s")
        started = time.perf_counter()
        problems = _invariants(url) + [f"failed unexpectedly: {f}" for f in failed]
        print(f"invariants (balances = ledgers, no request paid twice, no available below zero, audit --verify) "
              f"checked in {time.perf_counter() - started:.1f} s: " + ("intact" if not problems else "BROKEN"))
        for problem in problems:
            print("  " + problem)
        load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        print(f"machine: {os.cpu_count()} cores, load average now {' '.join(load)}")
        return 1 if problems else 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
