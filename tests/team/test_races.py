"""Races on SQLite and on a real PostgreSQL server, round after round: several users act on the same
thing at the same moment. Whatever the interleaving there is exactly one winner, no available balance
goes below zero, and afterwards the audit trail, the chains and every table verify intact.

Each race runs `rounds(...)` rounds here; `make test-deep` runs more.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from partner_desk.domain.roles import SETUP
from partner_desk.services import ledger, withdrawals
from partner_desk.services.accruals import post_period
from partner_desk.services.balances import balances
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.services.verify import check
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Payment
from tests.services.money_world import ACTORS, CLOCK, TODAY, credit, populate, world
from tests.team.crew import Crew, action, rounds

_names = itertools.count()


# what the workers do ---------------------------------------------------------------------------------
@action
def approve(db: Database, who: str, wid: int) -> str:
    return str(withdrawals.approve(db, ACTORS[who], wid, as_of=TODAY).status)


@action
def reject(db: Database, who: str, wid: int) -> str:
    return str(withdrawals.reject(db, ACTORS[who], wid, "not this time").status)


@action
def request(db: Database, who: str, amount: str) -> int:
    return withdrawals.request_withdrawal(db, ACTORS[who], "AG01", amount, "card", "card 4111", as_of=TODAY).id


@action
def pay(db: Database, who: str, amount: str) -> str:
    return str(ledger.pay_project(db, ACTORS[who], "AG01", "P-EUR", amount).amount)


@action
def post(db: Database, period: str) -> bool:
    return post_period(db, SETUP, period).posted


@action
def spend(db: Database, amount: str) -> str:
    """A project payment in set-up mode (the posting world has no users)."""
    return str(ledger.pay_project(db, SETUP, "AG01", "P1", amount).amount)


# the databases ---------------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'race.db'}"
    return str(request.getfixturevalue("pg_server").create_database(f"race{next(_names)}"))


@pytest.fixture
def money_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Any) -> Iterator[str]:
    """The money world (money_world.py) with 200.00 EUR on AG01, its connections closed."""
    clock(CLOCK)
    if kind == "sqlite":
        db = world(tmp_path)
    else:
        db = Database(_url(kind, tmp_path, request))
        populate(db)
    credit(db, "AG01", "200.00")
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    return url


def _available(db: Database) -> Decimal:
    return balances(db, "AG01", TODAY)[0].position.available


def _intact(db: Database) -> None:
    with db.read() as session:
        assert check(session).problems == []


def _one_winner(outcomes: list[Any]) -> Any:
    winners = [o for o in outcomes if o.won]
    assert len(winners) == 1, outcomes
    return winners[0]


# the races -------------------------------------------------------------------------------------------
def test_four_finance_users_decide_one_request_once(money_url: str) -> None:
    with Crew(money_url, 4) as crew:
        db = Database(money_url)
        credit(db, "AG01", "99800.00")  # 100,000.00 EUR: room for every round's request of 150.00
        for n in range(rounds(80, 500)):
            wid = withdrawals.request_withdrawal(db, ACTORS["m1"], "AG01", "150.00", "card", "c",
                                                 as_of=TODAY).id
            last = ("reject" if n % 3 == 0 else "approve", ("a2", wid))
            winner = _one_winner(crew.round([("approve", ("f1", wid)), ("approve", ("f2", wid)),
                                             ("approve", ("a1", wid)), last]))
            assert withdrawals.get_withdrawal(db, wid).status == winner.value
        assert _available(db) >= 0
        _intact(db)
        db.dispose()


def test_two_requests_against_one_available_balance(money_url: str) -> None:
    with Crew(money_url, 3) as crew:
        db = Database(money_url)
        for _ in range(rounds(60, 400)):
            # 200.00 available: one request of 150.00 fits, two do not
            winner = _one_winner(crew.round([("request", ("m1", "150.00")), ("request", ("m2", "150.00")),
                                             ("request", ("f1", "150.00"))]))
            assert _available(db) == Decimal("50.00")
            withdrawals.cancel(db, ACTORS["f2"], winner.value)
        assert _available(db) == Decimal("200.00")
        _intact(db)
        db.dispose()


def test_a_request_against_a_project_payment(money_url: str) -> None:
    with Crew(money_url, 2) as crew:
        db = Database(money_url)
        for n in range(rounds(60, 400)):
            tasks = [("request", ("m1", "150.00")), ("pay", ("m2", "150.00"))]
            winner = _one_winner(crew.round(tasks if n % 2 else tasks[::-1]))
            assert _available(db) == Decimal("50.00")
            if isinstance(winner.value, int):
                withdrawals.cancel(db, ACTORS["m1"], winner.value)
            else:
                ledger.correct(db, ACTORS["a1"], "AG01", "150.00", "the race's project payment given back")
        assert _available(db) == Decimal("200.00")
        _intact(db)
        db.dispose()


PAYMENTS_HEAD = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


def _months(count: int) -> list[str]:
    return [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


def test_three_postings_of_one_period_post_it_once_beside_a_project_payment(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Any) -> None:
    """Three postings of a month and a payment from the agency's balance at the same moment: the month
    is posted once, and the payment waits or goes first, never locking the posting out (nor in)."""
    clock(CLOCK)
    url = _url(kind, tmp_path, request)
    months = _months(rounds(60, 320))
    db = Database(url)
    init_database(db)
    files = {
        "agencies": "code,name,currency\nAG01,Alpha,USD",
        "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2000-01-01",
        # a payment each month, and a refund of half of it in the next
        "payments": "\n".join([PAYMENTS_HEAD] + [f"p{m},P1,{m}-10T10:00,subscription,100.00,USD," for m in months]
                              + [f"r{m},P1,{n}-05T10:00,subscription,-50.00,USD,p{m}"
                                 for m, n in itertools.pairwise(months)]),
    }
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text + "\n", encoding="utf-8")
        import_file(db, SETUP, name, tmp_path / f"{name}.csv")
    db.dispose()
    spent = 0
    with Crew(url, 4) as crew:
        for month in months:
            outcomes = crew.round([("post", (month,))] * 3 + [("spend", ("1.00",))])
            assert sorted(o.value for o in outcomes[:3]) == [False, False, True], (month, outcomes)
            # the only refusal a payment may meet: nothing posted yet to pay with
            assert outcomes[3].won or "available" in outcomes[3].value, outcomes[3]
            spent += outcomes[3].won
    db = Database(url)
    data = balances(db, "AG01", date(2026, 11, 20))
    # 10% of 100.00 a month, less 10% of each refund of 50.00 but the last month's (not yet refunded),
    # less 1.00 for each project payment
    assert data[0].position.balance == (Decimal("10.00") * len(months) - Decimal("5.00") * (len(months) - 1)
                                        - spent)
    _intact(db)
    db.dispose()


@action
def post_after(db: Database, period: str, delay: float) -> bool:
    """A posting that starts `delay` seconds after the round does."""
    time.sleep(delay)
    return post_period(db, SETUP, period).posted


@action
def import_after(db: Database, path: str, delay: float) -> int:
    """A payments import that starts `delay` seconds after the round does."""
    time.sleep(delay)
    return import_file(db, SETUP, "payments", path).added


def test_an_import_never_lands_inside_a_posting_on_postgresql(tmp_path: Path, request: pytest.FixtureRequest,
                                                              clock: Any) -> None:
    """A payments import and a posting run at the same moment, round after round: the import lands
    wholly before the posting (its payments in the month) or wholly after it (late, in the next
    month's run), so every refund is priced with the very terms of its original, never before it."""


    clock(CLOCK)
    url = _url("postgresql", tmp_path, request)
    months = _months(rounds(120, 320))
    db = Database(url)
    init_database(db)
    files = {
        "agencies": "code,name,currency\nAG01,Alpha,USD\nAG02,Beta,EUR",
        "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2000-01-01\n"
                    "P2,Store,EUR,AG02,2000-01-01",
        "rates": "date,currency,per_usd\n" + "\n".join(f"{m}-01,EUR,{Decimal('0.80') + n * Decimal('0.001')}"
                                                       for n, m in enumerate(months)),
    }
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text + "\n", encoding="utf-8")
        import_file(db, SETUP, name, tmp_path / f"{name}.csv")
    db.dispose()
    paths = []
    for previous, month in itertools.pairwise(["", *months]):
        # $600 reaches the 15% level when it counts in its month's turnover; late, it earns the base 10%
        rows = [f"a{month},P1,{month}-10T10:00,subscription,600.00,USD,",
                f"b{month},P2,{month}-11T10:00,subscription,500.00,EUR,",
                f"ra{month},P1,{month}-20T10:00,subscription,-100.00,USD,a{month}",
                f"rb{month},P2,{month}-21T10:00,subscription,-40.00,EUR,b{month}"]
        if previous:
            rows.append(f"rp{month},P1,{month}-02T10:00,subscription,-50.00,USD,a{previous}")
        path = tmp_path / f"payments-{month}.csv"
        path.write_text("\n".join([PAYMENTS_HEAD, *rows]) + "\n", encoding="utf-8")
        paths.append(str(path))
    with Crew(url, 2) as crew:
        for n, (month, path) in enumerate(zip(months, paths, strict=True)):
            # one of the two starts 0 to 0.16 s after the other, the posting in odd rounds and the
            # import in even ones, so that both orders happen whatever the machine's load, and every
            # overlap in between
            delay = (n // 2 % 5) * 0.04
            tasks = [("post_after", (month, delay if n % 2 else 0.0)),
                     ("import_after", (path, 0.0 if n % 2 else delay))]
            outcomes = crew.round(tasks if n % 2 else tasks[::-1])
            assert all(o.won for o in outcomes), outcomes
    db = Database(url)
    original, refund = aliased(AccrualLine), aliased(AccrualLine)
    with db.read() as s:
        pairs = s.execute(
            select(Payment.payment_id, refund.accrual_id, refund.percent, refund.pay_rate, refund.partner_rate,
                   original.accrual_id, original.percent, original.pay_rate, original.partner_rate)
            .join(refund, refund.payment_id == Payment.payment_id)
            .outerjoin(original, original.payment_id == Payment.refund_of)
            .where(Payment.refund_of.is_not(None))).all()
        accrued = set(s.scalars(select(AccrualLine.payment_id)))
        late = int(s.scalar(select(func.count()).select_from(AccrualLine).where(AccrualLine.late)) or 0)
        runs = len(s.scalars(select(Accrual.id)).all())
    for pid, r_accrual, *r_terms, o_accrual, o_p, o_pay, o_partner in pairs:
        assert o_accrual is not None, f"refund {pid} has no accrued original"
        assert o_accrual <= r_accrual, f"refund {pid} was accrued before its original"
        assert r_terms == [o_p, o_pay, o_partner], f"refund {pid} was not priced with its original's terms"
    # every refund is accrued (359 for 120 months), but the last month's when its import came last;
    # both orders happened: imports before their month's posting, and after it (their lines late)
    assert len(pairs) >= 3 * len(months) - 1 - 3
    assert late > 0
    assert len(accrued) - late > 0
    assert runs > 0
    _intact(db)
    db.dispose()
