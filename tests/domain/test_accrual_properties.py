"""The accrual engine checked against an independent computation in exact fractions.

For any set of payments, rates and partner currency: turnover is Σ amount ÷ rate exactly, the percent
is the slab the turnover reaches, every line's commission is amount × partner rate ÷ payment rate ×
percent ÷ 100 rounded half-up once, the total is the sum of the rounded lines, and the reward is
Σ USD × percent ÷ 100.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from partner_desk.domain.accrual import Candidate, accrue_agency
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import RateBook, RateCollector
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.tiers import DEFAULT_TABLE

CURRENCIES = ["USD", "EUR", "UAH", "JPY", "KWD"]
JAN = Period(2026, 1)


def half_up(value: Fraction, digits: int) -> Fraction:
    """Round a fraction half away from zero to `digits` decimals, in integers only."""
    scaled = value * 10**digits
    sign = -1 if scaled < 0 else 1
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Fraction(sign * whole, 10**digits)


def slab(turnover: Fraction) -> Fraction:
    percent = Fraction(0)
    for level in DEFAULT_TABLE.levels:
        if turnover >= Fraction(level.min_usd):
            percent = Fraction(level.percent)
    return percent


rates = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("500"), places=3, allow_nan=False)
payments = st.lists(
    st.tuples(st.sampled_from(CURRENCIES), st.integers(min_value=1, max_value=10**9), st.integers(1, 28)),
    min_size=1, max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(partner=st.sampled_from(CURRENCIES), drawn=payments,
       rate_of=st.fixed_dictionaries({c: rates for c in CURRENCIES if c != "USD"}))
def test_engine_matches_an_independent_fraction_computation(partner: str, drawn, rate_of) -> None:
    book = RateBook((date(2026, 1, 1), c, r) for c, r in rate_of.items())
    candidates = []
    for i, (currency, minor, day) in enumerate(drawn):
        amount = Decimal(minor).scaleb(-minor_digits(currency))
        moment = datetime(2026, 1, day, 12, tzinfo=UTC)
        candidates.append(Candidate(f"p{i}", "P", moment, moment.date(), JAN, "subscription", amount, currency))
    result = accrue_agency("AG", partner, JAN, candidates, table=DEFAULT_TABLE, rates=RateCollector(book),
                           percent_for=lambda p: Decimal(0), rewards=RewardSchedule())
    assert result is not None

    def rate(c: str) -> Fraction:
        return Fraction(1) if c == "USD" else Fraction(rate_of[c])

    usd = {c.payment_id: Fraction(c.amount) / rate(c.currency) for c in candidates}
    turnover = sum(usd.values(), Fraction(0))
    percent = slab(turnover)
    assert result.turnover == turnover
    assert Fraction(result.percent) == percent
    expected_total = Fraction(0)
    for line in result.lines:
        source = next(c for c in candidates if c.payment_id == line.payment_id)
        partner_amount = (Fraction(source.amount) if source.currency == partner
                          else usd[line.payment_id] * rate(partner))
        commission = half_up(partner_amount * percent / 100, minor_digits(partner))
        assert Fraction(line.commission) == commission, line.payment_id
        expected_total += commission
    assert Fraction(result.total) == expected_total
    assert result.reward == turnover * percent / 100
