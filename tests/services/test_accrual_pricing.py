"""Pricing agencies gives exactly the lines of the pricing as it was first written.

`accrue_agency` prices the period's own lines in one pass, takes their reward from the turnover
(they share one percent) and shares each percent and pair of rates between the agencies of a run;
the oracle (tests/services/accrual_oracle.py) prices line by line. Random runs of several agencies
on one rate collector: currencies with 0, 2 and 3 minor digits, rates with up to 4 decimals, amounts
that put a commission exactly on .5 of the partner currency's minor unit, turnovers exactly on a
level's threshold, late payments and refunds (of a payment priced in the run, or posted with its terms).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from partner_desk.domain.accrual import AgencyAccrual, Candidate, Terms, accrue_agency
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import RateBook, RateCollector
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.tiers import DEFAULT_TABLE
from tests.services.accrual_oracle import _accrue_agency as oracle_agency

CURRENCIES = ["USD", "EUR", "UAH", "JPY", "KWD"]
JAN = Period(2026, 1)
DEC = Period(2025, 12)
REWARDS = RewardSchedule()
# thresholds of the default table, in cents: a turnover of exactly one of them reaches its level
THRESHOLDS = [50_000, 150_000, 500_000, 1_000_000]

rate_values = st.one_of(
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4, allow_nan=False),
    st.sampled_from([Decimal("0.5"), Decimal("2"), Decimal("4"), Decimal("8"), Decimal("1.25"), Decimal("40")]),
)
# minor units; the small multiples of 5 make ties at .5 of a minor unit (0.05 × 10% = 0.005)
minors = st.one_of(st.integers(min_value=1, max_value=10**9), st.sampled_from([5, 15, 25, 50, 125, 5_000, 15]))
payment = st.tuples(st.sampled_from(CURRENCIES), minors, st.integers(1, 28), st.sampled_from([JAN, JAN, JAN, DEC]))


def _candidate(pid: str, currency: str, minor: int, day: int, period: Period) -> Candidate:
    moment = datetime(period.year, period.month, day, 12, tzinfo=UTC)
    return Candidate(pid, "P", moment, moment.date(), period, "subscription",
                     Decimal(minor).scaleb(-minor_digits(currency)), currency)


@st.composite
def agency_candidates(draw: st.DrawFn, agency: int) -> list[Candidate]:
    found = [_candidate(f"a{agency}p{i}", *drawn) for i, drawn in enumerate(draw(st.lists(payment, max_size=10)))]
    if draw(st.booleans()):
        # USD payments that add up to exactly a level's threshold
        left = draw(st.sampled_from(THRESHOLDS))
        parts = draw(st.lists(st.integers(1, 10**5), min_size=1, max_size=4))
        for i, part in enumerate(parts[:-1]):
            part = min(part, left - 1)
            if part > 0:
                found.append(_candidate(f"a{agency}t{i}", "USD", part, 1 + i, JAN))
                left -= part
        found.append(_candidate(f"a{agency}t{len(parts)}", "USD", left, 27, JAN))
    for i, (original, share, posted) in enumerate(draw(st.lists(
            st.tuples(st.integers(0, 99), st.integers(1, 100), st.booleans()), max_size=3))):
        if not found:
            break
        source = found[original % len(found)]
        if source.refund_of is not None:
            continue
        minor = int(source.amount.scaleb(minor_digits(source.currency)))
        refunded = -max(1, minor * share // 100)
        terms = Terms(Decimal("25"), Decimal("0.5"), None if source.currency == "USD" else Decimal("2")) \
            if posted else None
        found.append(Candidate(
            f"a{agency}r{i}", "P", source.paid_at, source.local_date, JAN, "subscription",
            Decimal(refunded).scaleb(-minor_digits(source.currency)), source.currency, source.payment_id,
            terms, source.local_date, source.period))
    return found


def _shown(accrual: AgencyAccrual | None) -> str:
    """Every figure and line, exactly as represented (Decimal exponents included)."""
    if accrual is None:
        return "None"
    return repr((accrual.agency, accrual.currency, accrual.turnover, accrual.percent, accrual.total, accrual.reward,
                 accrual.benefits, accrual.reward_level_usd, accrual.line_count, accrual.late_lines, accrual.lines))


@settings(max_examples=200, deadline=None)
@given(rate_of=st.fixed_dictionaries({c: rate_values for c in CURRENCIES if c != "USD"}),
       later=st.fixed_dictionaries({c: rate_values for c in CURRENCIES if c != "USD"}),
       agencies=st.lists(st.tuples(st.sampled_from(CURRENCIES), st.integers(0, 10**6)), min_size=1, max_size=4),
       data=st.data())
def test_pricing_gives_the_oracles_accruals(rate_of, later, agencies, data) -> None:
    book = RateBook([*((date(2025, 12, 1), c, r) for c, r in rate_of.items()),
                     *((date(2026, 1, 15), c, r) for c, r in later.items())])
    shared, alone = RateCollector(book), RateCollector(book)

    def percent_for(_period: Period) -> Decimal:
        return Decimal("15")

    for n, (partner, _) in enumerate(agencies):
        candidates = data.draw(agency_candidates(n))
        mine = accrue_agency(f"AG{n}", partner, JAN, candidates, table=DEFAULT_TABLE, rates=shared,
                             percent_for=percent_for, rewards=REWARDS)
        expected = oracle_agency(f"AG{n}", partner, JAN, candidates, table=DEFAULT_TABLE, rates=alone,
                                 percent_for=percent_for, rewards=REWARDS)
        assert _shown(mine) == _shown(expected)


def test_a_commission_exactly_on_half_a_minor_unit_rounds_away_from_zero() -> None:
    book = RateBook([(date(2026, 1, 1), "JPY", Decimal("150")), (date(2026, 1, 1), "KWD", Decimal("0.5"))])
    rates = RateCollector(book)
    cases = [
        # USD 0.05 at 10% = 0.005 -> 0.01; its refund -0.05 -> -0.005 -> -0.01 (away from zero)
        ("USD", [_candidate("u1", "USD", 5, 3, JAN)], Decimal("0.01")),
        # JPY 5 at 10% = 0.5 -> 1
        ("JPY", [_candidate("j1", "JPY", 5, 3, JAN)], Decimal("1")),
        # KWD 0.005 at 10% = 0.0005 -> 0.001
        ("KWD", [_candidate("k1", "KWD", 5, 3, JAN)], Decimal("0.001")),
        # USD 0.01 -> KWD: 0.01 × 0.5 ÷ 1 = 0.005 KWD, at 10% = 0.0005 -> 0.001
        ("KWD", [_candidate("k2", "USD", 1, 3, JAN)], Decimal("0.001")),
    ]
    for partner, candidates, commission in cases:
        found = accrue_agency("AG", partner, JAN, candidates, table=DEFAULT_TABLE, rates=rates,
                              percent_for=lambda _p: Decimal(0), rewards=REWARDS)
        assert found is not None
        assert [line.commission for line in found.lines] == [commission]
    refund = Candidate("r1", "P", datetime(2026, 1, 4, tzinfo=UTC), date(2026, 1, 4), JAN, "subscription",
                       Decimal("-0.05"), "USD", "u0", Terms(Decimal(10), Decimal(1), None), date(2026, 1, 3), JAN)
    found = accrue_agency("AG", "USD", JAN, [refund], table=DEFAULT_TABLE, rates=rates,
                          percent_for=lambda _p: Decimal(0), rewards=REWARDS)
    assert found is not None
    assert found.lines[0].commission == Decimal("-0.01")
    assert found.total == Decimal("-0.01")


def test_a_turnover_exactly_on_a_threshold_reaches_its_level() -> None:
    # 300.00 + 200.00 USD = 500.00 = the 15% threshold; the lines earn 45.00 + 30.00 = 75.00
    candidates = [_candidate("a", "USD", 30_000, 2, JAN), _candidate("b", "USD", 20_000, 9, JAN)]
    found = accrue_agency("AG", "USD", JAN, candidates, table=DEFAULT_TABLE, rates=RateCollector(RateBook()),
                          percent_for=lambda _p: Decimal(0), rewards=REWARDS)
    assert found is not None
    assert found.percent == Decimal(15)
    assert [line.commission for line in found.lines] == [Decimal("45.00"), Decimal("30.00")]
    assert found.total == Decimal("75.00")
    assert found.reward_usd == Decimal("75.00")
