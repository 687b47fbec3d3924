"""The accrual run gives exactly the lines of the run as it was first written, on random data.

Random worlds (mixed currencies with 0, 2 and 3 minor digits, rates with gaps, projects moved at
awkward moments, a project connected only after its payments' months were posted, payments of
every service kind, refunds, payments arriving after their month was posted) go through imports
and postings. Before each posting and at each preview, the oracle (tests/services/accrual_oracle.py:
one SQL join over the whole history) prices the period; the product must give the same accruals,
line for line, figure for figure, the same `accrue --json` text, and store the same lines.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from partner_desk.domain.accrual import AgencyAccrual
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.services.accrual_json import RunJson
from partner_desk.services.accruals import AccrualRun, post_period, preview_period, run_as_dict
from partner_desk.services.audit_trail import verify
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store import chain
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency
from tests.services.accrual_oracle import oracle_accruals

KYIV = ZoneInfo("Europe/Kyiv")
CURRENCIES = ["USD", "EUR", "UAH", "JPY", "KWD"]
PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
PROJECTS = "project_id,name,currency,agency_code,connected_at,disconnected_at"
# awkward moments: local midnight, the first 03:30 of the autumn change, a plain afternoon
MOVES = ["2025-12-01T00:00", "2025-10-26T03:30", "2026-01-15T14:00", "2026-02-01T00:00"]
# (period posted, the payment months of the wave imported before it)
SCHEDULE = [("2025-12", ["2025-10", "2025-11", "2025-12"]), ("2026-01", ["2025-11", "2025-12", "2026-01"]),
            ("2026-02", ["2025-12", "2026-01", "2026-02", "2026-03"])]


class World:
    """One random world's files, written as the schedule asks for them."""

    def __init__(self, rng: random.Random, folder: Path) -> None:
        self.rng = rng
        self.folder = folder
        self.n = 0
        self.agencies = {f"AG{i}": rng.choice(CURRENCIES) for i in range(1, rng.randrange(3, 6))}
        self.currency: dict[str, str] = {}
        self.connections: list[str] = []
        codes = sorted(self.agencies)
        for i in range(1, rng.randrange(5, 10)):
            pid, cur = f"P{i}", rng.choice(CURRENCIES)
            self.currency[pid] = cur
            first, second = rng.sample(codes, 2)
            fate = rng.random()
            if fate < 0.35:
                moment = rng.choice(MOVES)
                self.connections.append(f"{pid},Project {pid},{cur},{first},2025-09-01,{moment}")
                self.connections.append(f"{pid},Project {pid},{cur},{second},{moment},")
            elif fate < 0.5:
                self.connections.append(f"{pid},Project {pid},{cur},{first},2025-09-01,{rng.choice(MOVES)}")
            else:
                self.connections.append(f"{pid},Project {pid},{cur},{first},2025-09-01,")
        # connected only later, from a day its earlier payments fall after (or not)
        self.latecomer = "L1"
        self.currency[self.latecomer] = rng.choice(CURRENCIES)
        self.latecomer_row = (f"{self.latecomer},Project {self.latecomer},{self.currency[self.latecomer]},"
                              f"{rng.choice(codes)},{rng.choice(['2025-09-01', '2025-11-20T08:00'])},")
        self.currency["N1"] = "USD"  # never connected
        self.issued: list[tuple[str, str, datetime, int, str]] = []

    def write(self, name: str, lines: list[str]) -> Path:
        path = self.folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def reference(self) -> dict[str, Path]:
        rng = self.rng
        rates = ["date,currency,per_usd"]
        day = date(2025, 9, 1)
        while day <= date(2026, 3, 31):
            for cur, base in (("EUR", 0.92), ("UAH", 41.3), ("JPY", 151.7), ("KWD", 0.3071)):
                rates.append(f"{day},{cur},{base * rng.uniform(0.97, 1.03):.4f}")
            day += timedelta(days=rng.choice([1, 3, 7]))
        agencies = ["code,name,currency"] + [f"{c},Agency {c},{cur}" for c, cur in self.agencies.items()]
        return {"agencies": self.write("agencies.csv", agencies),
                "projects": self.write("projects.csv", [PROJECTS, *self.connections]),
                "rates": self.write("rates.csv", rates)}

    def wave(self, name: str, months: list[str]) -> Path:
        rng = self.rng
        rows = []
        for _ in range(rng.randrange(15, 35)):
            self.n += 1
            year, month = (int(x) for x in rng.choice(months).split("-"))
            project = rng.choice(sorted(self.currency))
            cur = self.currency[project]
            moment = datetime(year, month, 1, tzinfo=KYIV) + timedelta(
                days=rng.randrange(0, 28), hours=rng.randrange(0, 24), minutes=rng.choice([0, 0, 15, 59]))
            if moment > datetime(2026, 3, 27, tzinfo=KYIV):
                moment = datetime(2026, 3, 20, 12, tzinfo=KYIV)
            service = rng.choice(["subscription"] * 5 + ["numbers", "telephony", "other"])
            minor = rng.randrange(1, 400_000)
            digits = minor_digits(cur)
            rows.append(f"X{self.n},{project},{moment.isoformat()},{service},{minor / 10**digits:.{digits}f},{cur},")
            self.issued.append((f"X{self.n}", project, moment, minor, cur))
        for _ in range(rng.randrange(0, 5)):  # refunds of earlier payments, some in a later month
            original = rng.choice(self.issued)
            pid, project, moment, minor, cur = original
            self.n += 1
            when = min(moment + timedelta(days=rng.randrange(0, 40)), datetime(2026, 3, 27, tzinfo=KYIV))
            if when < moment:
                continue
            self.issued.remove(original)  # refunded once, so refunds never exceed the original
            part = rng.randrange(1, minor + 1)
            digits = minor_digits(cur)
            rows.append(f"R{self.n},{project},{when.isoformat()},subscription,{-part / 10**digits:.{digits}f},"
                        f"{cur},{pid}")
        return self.write(name, [PAY, *rows])


def _shown(accruals: list[AgencyAccrual]) -> list[str]:
    """Every figure and line of the accruals, exactly as represented (Decimal exponents included)."""
    return [repr((a.agency, a.period, a.currency, a.turnover, a.percent, a.total, a.reward, a.benefits,
                  a.reward_level_usd, a.line_count, a.late_lines, a.lines)) for a in accruals]


def _json(period: Period, accruals: list[AgencyAccrual]) -> str:
    out = io.StringIO()
    json.dump(run_as_dict(AccrualRun(period, False, True, accruals, "")), out, ensure_ascii=False, indent=2)
    return out.getvalue() + "\n"


def _stored_lines(db: Database, period: Period) -> dict[str, tuple[str, list[tuple[object, ...]]]]:
    """agency code -> (lines digest, lines as stored) of a posted period."""
    found: dict[str, tuple[str, list[tuple[object, ...]]]] = {}
    with db.read() as session:
        accruals = session.execute(select(Accrual.id, Agency.code, Accrual.lines_hash)
                                   .join(Agency, Agency.id == Accrual.agency_id)
                                   .where(Accrual.period == str(period)))
        for accrual_id, code, digest in accruals:
            lines = session.execute(
                select(AccrualLine.payment_id, AccrualLine.late, AccrualLine.percent, AccrualLine.pay_rate,
                       AccrualLine.partner_rate, AccrualLine.usd_amount, AccrualLine.partner_amount,
                       AccrualLine.commission_minor)
                .where(AccrualLine.accrual_id == accrual_id).order_by(AccrualLine.payment_id))
            found[code] = (digest or "", [tuple(_text(v) for v in line) for line in lines])
    return found


def _expected_lines(accrual: AgencyAccrual) -> tuple[str, list[tuple[object, ...]]]:
    digits = minor_digits(accrual.currency)
    rows = sorted(
        (line.payment_id, line.late, line.terms.percent, line.terms.pay_rate, line.terms.partner_rate,
         line.usd_amount, line.partner_amount, int(line.commission.scaleb(digits)))
        for line in accrual.lines)
    parts = [chain.line_text(r[0], r[1], chain.terms_text(r[2], r[3], r[4]), r[7]) for r in rows]
    return chain.lines_digest(parts), [tuple(_text(v) for v in r) for r in rows]


def _text(value: object) -> str:
    """A value as the database stores it: a Decimal as its exact text, without exponent."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def check_world(seed: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db = Database(f"sqlite:///{folder / 'oracle.db'}")
        try:
            init_database(db)
            world = World(random.Random(seed), folder)
            for kind, path in world.reference().items():
                import_file(db, SETUP, kind, path)
            for index, (text, months) in enumerate(SCHEDULE):
                period = Period.parse(text)
                import_file(db, SETUP, "payments", world.wave(f"wave{index}.csv", months))
                if index == 1:  # a project connected only now, after months of its payments were posted
                    import_file(db, SETUP, "projects", world.write("late.csv", [PROJECTS, world.latecomer_row]))
                today = period.end + timedelta(days=2)
                for ahead in (period, period.next()):
                    assert _shown(preview_period(db, SETUP, ahead, today).accruals) == \
                        _shown(oracle_accruals(db, ahead, today)), f"preview of {ahead}, seed {seed}"
                expected = oracle_accruals(db, period, today)
                out = io.StringIO()
                writer = RunJson(out)
                run = post_period(db, SETUP, period, as_of=today, each=writer.accrual)
                assert run.posted
                assert len(run.accruals) == len(expected)
                text = writer.head(period, False) + out.getvalue() + writer.tail()
                assert text == _json(period, expected), f"--json of {period}, seed {seed}"
                assert _shown([a.without_lines() for a in expected]) == _shown(run.accruals)
                assert _stored_lines(db, period) == {a.agency: _expected_lines(a) for a in expected}
            found = verify(db, SETUP)
            assert found.intact, [str(p) for p in found.problems]
        finally:
            db.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_posting_and_previews_give_the_oracles_lines(seed: int) -> None:
    check_world(seed)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_posting_and_previews_give_the_oracles_lines_deeply(seed: int) -> None:
    check_world(seed)
