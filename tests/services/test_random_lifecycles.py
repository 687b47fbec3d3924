"""Random small worlds run through three months of imports and postings, then checked as a whole.

Each seed makes agencies and projects in mixed currencies, moves some projects between agencies at
awkward moments (exactly midnight, the autumn clock change), imports payments in three waves (each
wave also brings payments of months already posted, and refunds), and posts December, January and
February. Afterwards every eligible payment was accrued exactly once, nothing ineligible was, and
every stored line and accrual follows from the stored rows (tests/services/test_posted_invariants).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from partner_desk.domain.money import minor_digits
from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import post_period, run_as_dict
from partner_desk.services.imports import import_file
from partner_desk.store.engine import Database
from partner_desk.store.models import AccrualLine, Connection, Payment
from tests.services.test_posted_invariants import assert_posted_rules

KYIV = ZoneInfo("Europe/Kyiv")
CURRENCIES = ["USD", "EUR", "UAH", "JPY", "KWD"]
PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
# awkward moments for a move: local midnight, the first 03:30 of the autumn change, a plain afternoon
MOVES = ["2025-12-01T00:00", "2025-10-26T03:30", "2026-01-15T14:00", "2026-02-01T00:00"]


def world(rng: random.Random) -> tuple[dict[str, str], list[list[str]]]:
    """The CSV texts of the reference files, and three waves of payment rows."""
    agencies = {f"AG{i}": rng.choice(CURRENCIES) for i in range(1, 5)}
    lines = ["code,name,currency"] + [f"{code},Agency {code},{cur}" for code, cur in agencies.items()]
    projects = ["project_id,name,currency,agency_code,connected_at,disconnected_at"]
    project_currency = {}
    for i in range(1, 8):
        pid, cur = f"P{i}", rng.choice(CURRENCIES)
        project_currency[pid] = cur
        first, second = rng.sample(sorted(agencies), 2)
        fate = rng.random()
        if fate < 0.4:
            moment = rng.choice(MOVES)
            projects.append(f"{pid},Project {pid},{cur},{first},2025-09-01,{moment}")
            projects.append(f"{pid},Project {pid},{cur},{second},{moment},")
        elif fate < 0.55:
            projects.append(f"{pid},Project {pid},{cur},{first},2025-09-01,{rng.choice(MOVES)}")
        else:
            projects.append(f"{pid},Project {pid},{cur},{first},2025-09-01,")
    project_currency["P9"] = "USD"  # never connected
    rates = ["date,currency,per_usd"]
    day = date(2025, 9, 1)
    while day <= date(2026, 3, 31):
        for cur, base in (("EUR", 0.92), ("UAH", 41.3), ("JPY", 151.7), ("KWD", 0.3071)):
            rates.append(f"{day},{cur},{base * rng.uniform(0.97, 1.03):.4f}")
        day += timedelta(days=rng.choice([1, 3, 7]))

    def payment(n: int, month_start: date) -> tuple[str, str, datetime, str]:
        pid = rng.choice(sorted(project_currency))
        moment = datetime(month_start.year, month_start.month, 1, tzinfo=KYIV) + timedelta(
            days=rng.randrange(0, 28), hours=rng.randrange(0, 24), minutes=rng.choice([0, 0, 15, 59]))
        service = rng.choice(["subscription"] * 5 + ["numbers", "telephony", "other"])
        return f"X{n}", pid, moment, service

    waves: list[list[str]] = [[], [], []]
    issued: list[tuple[str, str, datetime, int, str]] = []
    months = {0: [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)],
              1: [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)],
              2: [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]}
    n = 0
    for wave in range(3):
        for _ in range(25):
            n += 1
            pid, project, moment, service = payment(n, rng.choice(months[wave]))
            cur = project_currency[project]
            minor = rng.randrange(1, 400_000)
            amount = f"{minor / 10 ** minor_digits(cur):.{minor_digits(cur)}f}"
            waves[wave].append(f"{pid},{project},{moment.isoformat()},{service},{amount},{cur},")
            issued.append((pid, project, moment, minor, cur))
        for _ in range(3):  # refunds of earlier payments, some in a later month
            original = rng.choice(issued)
            pid_o, project, moment, minor, cur = original
            n += 1
            part = rng.randrange(1, minor + 1)
            when = min(moment + timedelta(days=rng.randrange(0, 40)), datetime(2026, 2, 27, tzinfo=KYIV))
            if when < moment:
                continue
            issued.remove(original)  # refunded once, so the sum never exceeds the original
            amount = f"{-part / 10 ** minor_digits(cur):.{minor_digits(cur)}f}"
            waves[wave].append(f"R{n},{project},{when.isoformat()},subscription,{amount},{cur},{pid_o}")
    files = {"agencies": "\n".join(lines), "projects": "\n".join(projects), "rates": "\n".join(rates)}
    return files, waves


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run_lifecycle(db: Database, folder: Path, seed: int) -> list[dict[str, object]]:
    """Import a seed's world and post its three months; returns the three runs as `accrue --json` has them."""
    files, waves = world(random.Random(seed))
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("agencies", "projects", "rates"):
        import_file(db, SETUP, kind, write(folder, f"{kind}.csv", files[kind]))
    schedule = [("2025-12", date(2026, 1, 1)), ("2026-01", date(2026, 2, 1)), ("2026-02", date(2026, 3, 1))]
    runs = []
    for wave, (period, as_of) in zip(waves, schedule, strict=True):
        import_file(db, SETUP, "payments", write(folder, f"w{period}.csv", "\n".join([PAY, *wave])))
        run = post_period(db, SETUP, period, as_of=as_of)
        assert run.posted
        runs.append(run_as_dict(run))
    return runs


@pytest.mark.parametrize("seed", range(1, 7))
def test_random_world_posts_every_eligible_payment_once(db: Database, tmp_path: Path, seed: int) -> None:
    run_lifecycle(db, tmp_path, seed)

    with db.read() as session:
        payments = {p.payment_id: p for p in session.scalars(select(Payment))}
        accrued = list(session.scalars(select(AccrualLine.payment_id)))
        connections = list(session.scalars(select(Connection)))
    assert len(accrued) == len(set(accrued))

    def earns(p: Payment) -> bool:
        return p.service == "subscription" and any(
            c.project_id == p.project_id and c.connected_at <= p.paid_at
            and (c.disconnected_at is None or p.paid_at < c.disconnected_at) for c in connections)

    expected = set()
    for p in payments.values():
        if p.period > "2026-02":
            continue
        original = payments[p.refund_of] if p.refund_of else p
        if earns(original):
            expected.add(p.payment_id)
    assert set(accrued) == expected
    accruals, lines, _refunds, late = assert_posted_rules(db)
    assert accruals > 0
    assert lines == len(expected)
    assert late > 0
