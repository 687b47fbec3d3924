"""Several processes approve, pay out and spend against one agency at the same moment.

Run on an SQLite file (one writer at a time, from BEGIN IMMEDIATE) and on PostgreSQL (the agency row
locked FOR UPDATE, then the request row; guarded UPDATEs). Whatever the interleaving: each request is
approved once and paid once, the available balance never goes below zero, and every attempt, won
or refused, left exactly one audit record on an intact chain.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor, Role
from partner_desk.services import ledger, withdrawals
from partner_desk.services.balances import balances
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, LedgerEntry
from tests.services.money_world import CLOCK, TODAY, credit, populate, world
from tests.store.pg_server import PgServer

WORKERS = 6
REQUESTS = 4          # pending requests of 150.00 EUR each, made by m1
PAYMENTS = 3          # each worker tries to pay 100.00 EUR to a project this many times
# AG01: 1,000.00 credited, 4 x 150.00 held -> 400.00 available for the spending attempts


def _attempt(kind: str, target: int, run: object, results: list[tuple[str, int, bool]]) -> None:
    try:
        run()
        results.append((kind, target, True))
    except UserError:
        results.append((kind, target, False))


def _worker(url: str, index: int, ids: list[int], barrier: object, queue: object) -> None:
    db = Database(url)
    finance = Actor("f1" if index % 2 else "f2", Role.FINANCE)
    manager = Actor("m2", Role.MANAGER)
    results: list[tuple[str, int, bool]] = []
    barrier.wait()
    order = ids if index % 2 else list(reversed(ids))  # half go the other way round
    for wid in order:
        _attempt("approve", wid, lambda w=wid: withdrawals.approve(db, finance, w, as_of=TODAY), results)
        _attempt("pay", 0, lambda: ledger.pay_project(db, manager, "AG01", "P-EUR", "100.00"), results)
    for wid in order:
        _attempt("paid", wid, lambda w=wid: withdrawals.mark_paid(db, finance, w, f"REF-{index}"), results)
    for _ in range(PAYMENTS - 1):
        _attempt("pay", 0, lambda: ledger.pay_project(db, manager, "AG01", "P-EUR", "100.00"), results)
    _attempt("request", 0, lambda: withdrawals.request_withdrawal(db, manager, "AG01", "120.00", "card", "c",
                                                                  as_of=TODAY), results)
    db.dispose()
    queue.put(results)


def _prepare(db: Database) -> list[int]:
    credit(db, "AG01", "1000.00")
    m1 = Actor("m1", Role.MANAGER)
    return [withdrawals.request_withdrawal(db, m1, "AG01", "150.00", "card", f"card {n}", as_of=TODAY).id
            for n in range(REQUESTS)]


def _race(url: str, ids: list[int]) -> list[tuple[str, int, bool]]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WORKERS)
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(url, i, ids, barrier, queue)) for i in range(WORKERS)]
    for w in workers:
        w.start()
    results = [item for _ in workers for item in queue.get(timeout=120)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    return results


def _check(db: Database, ids: list[int], results: list[tuple[str, int, bool]], records_before: int) -> None:
    won = Counter((kind, target) for kind, target, ok in results if ok)
    for wid in ids:
        assert won[("approve", wid)] == 1
        assert won[("paid", wid)] == 1
    pays, requests = won[("pay", 0)], won[("request", 0)]
    # 400.00 available: at most four payments of 100.00, fewer if a request of 120.00 came first
    assert pays * Decimal("100.00") + requests * Decimal("120.00") <= Decimal("400.00")
    assert pays >= 1
    pos = balances(db, "AG01", TODAY)[0].position
    # 1000 - 4 x 150 paid out - payments; requests still hold theirs
    assert pos.balance == Decimal("400.00") - pays * Decimal("100.00")
    assert pos.held == requests * Decimal("120.00")
    assert pos.available >= 0
    with db.read() as s:
        per_request = Counter((e.withdrawal_id, e.kind) for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.withdrawal_id.in_(ids))))
        records = int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)
        outcomes = Counter(s.scalars(select(AuditRecord.outcome).where(AuditRecord.id > records_before)))
    for wid in ids:
        assert [per_request[(wid, k)] for k in ("withdrawal_hold", "hold_release", "payout")] == [1, 1, 1]
    assert records - records_before == len(results)  # one record per attempt, won or refused
    assert outcomes["ok"] == sum(1 for *_, ok in results if ok)
    # the chains stayed whole and every table agrees with the trail, whatever the interleaving
    with db.read() as s:
        assert check(s).problems == []


def _count_records(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def test_race_on_an_sqlite_file(tmp_path: Path, clock) -> None:
    clock(CLOCK)
    db = world(tmp_path)
    ids = _prepare(db)
    before = _count_records(db)
    db.dispose()
    results = _race(db.url, ids)
    _check(db, ids, results, before)
    db.dispose()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:

    server = PgServer().start()
    try:
        yield server.create_database("race")
    finally:
        server.stop()


def test_race_on_postgresql(pg_url: str, clock) -> None:
    clock(CLOCK)
    db = Database(pg_url)
    populate(db)
    ids = _prepare(db)
    before = _count_records(db)
    db.dispose()
    results = _race(pg_url, ids)
    _check(db, ids, results, before)
    db.dispose()
