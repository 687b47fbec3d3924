"""Pricing one agency's accrual: double conversion, slab percent, late lines, refunds, reward (SPEC 2-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from partner_desk.domain.accrual import Candidate, Terms, accrue_agency
from partner_desk.domain.errors import MissingRates
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import RateBook, RateCollector
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.tiers import DEFAULT_TABLE

JAN = Period(2026, 1)
DEC = Period(2025, 12)
RATES = [
    (date(2025, 12, 1), "UAH", Decimal("40")),
    (date(2025, 12, 1), "EUR", Decimal("0.8")),
    (date(2026, 1, 1), "UAH", Decimal("40")),
    (date(2026, 1, 1), "EUR", Decimal("0.9")),
    (date(2026, 1, 20), "EUR", Decimal("0.8")),
    (date(2026, 1, 1), "JPY", Decimal("150")),
]


def pay(pid: str, day: date, amount: str, currency: str, *, refund_of: str | None = None,
        original_terms: Terms | None = None, original_day: date | None = None,
        original_period: Period | None = None) -> Candidate:
    return Candidate(
        payment_id=pid, project_id="PR1", paid_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        local_date=day, period=Period.of(day), service="subscription", amount=Decimal(amount),
        currency=currency, refund_of=refund_of, original_terms=original_terms, original_day=original_day,
        original_period=original_period,
    )


def accrue(currency: str, candidates: list[Candidate], percent_for=None, rates=RATES):
    collector = RateCollector(RateBook(rates))
    result = accrue_agency(
        "AG01", currency, JAN, candidates, table=DEFAULT_TABLE, rates=collector,
        percent_for=percent_for or (lambda p: pytest.fail(f"percent_for({p}) was not expected")),
        rewards=RewardSchedule(),
    )
    collector.raise_if_missing()
    return result


def test_no_candidates_no_accrual() -> None:
    assert accrue("EUR", []) is None


def test_double_conversion_slab_and_one_rounding_per_line() -> None:
    result = accrue("EUR", [
        pay("p1", date(2026, 1, 5), "1000.00", "UAH"),  # 1000/40 = $25; ×0.9 = €22.50
        pay("p2", date(2026, 1, 6), "300.00", "USD"),  # $300; ×0.9 = €270.00
        pay("p3", date(2026, 1, 21), "200.00", "EUR"),  # 200/0.8 = $250; no conversion: €200.00
    ])
    assert result is not None
    # turnover = 25 + 300 + 250 = $575 -> from $500: 15%
    assert result.turnover == Fraction(575)
    assert result.percent == Decimal("15")
    by_id = {line.payment_id: line for line in result.lines}
    assert by_id["p1"].partner_amount == Decimal("22.5")
    assert by_id["p1"].commission == Decimal("3.38")  # 22.5 × 15% = 3.375, a tie: half-up
    assert by_id["p2"].commission == Decimal("40.50")  # 270 × 15%
    assert by_id["p3"].commission == Decimal("30.00")  # 200 × 15%
    assert by_id["p3"].terms.partner_rate is None  # same currency: no conversion at all
    assert result.total == Decimal("73.88")  # 3.38 + 40.50 + 30.00: the sum of rounded lines
    # reward = Σ USD × percent = (25 + 300 + 250) × 15% = $86.25
    assert result.reward == Fraction(8625, 100)
    assert result.reward_usd == Decimal("86.25")
    assert result.benefits == ()
    assert [line.payment_id for line in result.lines] == ["p1", "p2", "p3"]


def test_no_rounding_between_the_two_conversions() -> None:
    # 100 UAH on a day when UAH is 41.5 per USD and EUR 0.9: 100/41.5 = $2.40963.., € 2.16867..
    # rounding the USD first (2.41 × 0.9 = 2.169) would differ; exact: 100 × 0.9 / 41.5 = 2.168674..
    # commission at 10% = 0.2168674.. -> 0.22
    rates = [(date(2026, 1, 1), "UAH", Decimal("41.5")), (date(2026, 1, 1), "EUR", Decimal("0.9"))]
    result = accrue("EUR", [pay("p1", date(2026, 1, 3), "100.00", "UAH")], rates=rates)
    assert result is not None
    line = result.lines[0]
    assert round(line.partner_amount, 10) == Decimal("2.1686746988")
    assert line.commission == Decimal("0.22")


def test_rounding_after_double_conversion_and_a_tie_half_up() -> None:
    # 45.00 UAH at 40 per USD = $1.125; ×0.9 EUR = €1.0125; at 10% = 0.10125 -> 0.10
    # 50.00 UAH = $1.25; €1.125 × 10% = 0.1125 -> 0.11
    result = accrue("EUR", [pay("p1", date(2026, 1, 3), "45.00", "UAH"),
                            pay("p2", date(2026, 1, 4), "50.00", "UAH")])
    assert result is not None
    assert [line.commission for line in result.lines] == [Decimal("0.10"), Decimal("0.11")]
    # a USD payment into a USD account: 0.25 × 10% = 0.025, a tie -> 0.03
    usd = accrue("USD", [pay("p3", date(2026, 1, 3), "0.25", "USD")])
    assert usd is not None
    assert usd.lines[0].commission == Decimal("0.03")


def test_partner_currency_without_minor_units() -> None:
    # $33.33 at 150 JPY = ¥4999.5; 10% = ¥499.95 -> ¥500
    result = accrue("JPY", [pay("p1", date(2026, 1, 3), "33.33", "USD")])
    assert result is not None
    assert result.lines[0].partner_amount == Decimal("4999.5")
    assert result.total == Decimal("500")


def test_turnover_exactly_at_a_threshold_earns_the_higher_percent() -> None:
    # $500.00 exactly -> 15% on the whole turnover (a slab): 75.00
    result = accrue("USD", [pay("p1", date(2026, 1, 3), "200.00", "USD"),
                            pay("p2", date(2026, 1, 4), "300.00", "USD")])
    assert result is not None
    assert result.percent == Decimal("15")
    assert result.total == Decimal("75.00")


def test_turnover_a_cent_below_a_threshold_earns_the_lower_percent() -> None:
    # $499.99 -> 10%: 49.999 -> 20.00 + 29.999 rounded per line: 20.00 + 30.00 = 50.00
    result = accrue("USD", [pay("p1", date(2026, 1, 3), "200.00", "USD"),
                            pay("p2", date(2026, 1, 4), "299.99", "USD")])
    assert result is not None
    assert result.percent == Decimal("10")
    assert [line.commission for line in result.lines] == [Decimal("20.00"), Decimal("30.00")]
    assert result.total == Decimal("50.00")


def test_late_payment_uses_its_own_period_percent_and_rates_and_is_not_turnover() -> None:
    asked: list[Period] = []

    def percent_for(period: Period) -> Decimal:
        asked.append(period)
        return Decimal("20")

    result = accrue("EUR", [
        pay("jan", date(2026, 1, 5), "100.00", "USD"),  # $100 -> 10%, ×0.9 = €90 -> €9.00
        pay("dec", date(2025, 12, 10), "100.00", "USD"),  # late: December's 20%, rate 0.8 -> €80 -> €16.00
    ], percent_for=percent_for)
    assert result is not None
    assert asked == [DEC]
    assert result.turnover == Fraction(100)  # the late payment counts in no turnover
    assert result.percent == Decimal("10")
    late = next(line for line in result.lines if line.late)
    assert late.payment_id == "dec"
    assert late.partner_amount == Decimal("80")
    assert late.commission == Decimal("16.00")
    assert result.total == Decimal("25.00")  # 9.00 + 16.00
    assert result.late_lines == 1
    # reward = 100 × 10% + 100 × 20% = $30
    assert result.reward == Fraction(30)


def test_refund_priced_in_the_same_run_reverses_at_the_original_terms() -> None:
    result = accrue("EUR", [
        pay("p1", date(2026, 1, 5), "600.00", "USD"),  # $600 -> 15%; €540 -> 81.00
        pay("r1", date(2026, 1, 25), "-200.00", "USD", refund_of="p1"),
    ])
    assert result is not None
    # the refund does not change turnover: still $600, 15%
    assert result.turnover == Fraction(600)
    refund = next(line for line in result.lines if line.refund_of == "p1")
    # at p1's rate (EUR 0.9 on Jan 5, not 0.8 on Jan 25): -200 × 0.9 = -180 × 15% = -27.00
    assert refund.terms == Terms(Decimal("15"), Decimal(1), Decimal("0.9"))
    assert refund.commission == Decimal("-27.00")
    assert not refund.late
    assert result.total == Decimal("54.00")  # 81.00 - 27.00
    # reward = (600 - 200) × 15% = $60
    assert result.reward == Fraction(60)


def test_refund_of_a_posted_payment_uses_the_posted_terms() -> None:
    posted = Terms(Decimal("25"), Decimal("40"), Decimal("0.8"))
    result = accrue("EUR", [
        pay("r1", date(2026, 1, 10), "-400.00", "UAH", refund_of="old", original_terms=posted),
    ])
    assert result is not None
    # -400 UAH / 40 = -$10; × 0.8 = -€8 × 25% = -€2.00; a refund alone gives no turnover
    assert result.turnover == 0
    assert result.lines[0].commission == Decimal("-2.00")
    assert result.total == Decimal("-2.00")
    assert result.reward == Fraction(-10 * 25, 100)  # -$2.50


def test_refund_of_an_unposted_original_of_an_earlier_period_uses_that_period() -> None:
    result = accrue(
        "EUR",
        [pay("r1", date(2026, 1, 10), "-100.00", "USD", refund_of="old",
             original_day=date(2025, 12, 20), original_period=DEC)],
        percent_for=lambda p: Decimal("20") if p == DEC else Decimal("0"),
    )
    assert result is not None
    # December 20 rate: EUR 0.8; -100 × 0.8 = -80 × 20% = -16.00
    assert result.lines[0].commission == Decimal("-16.00")


def test_a_refund_dated_in_an_earlier_period_is_late() -> None:
    result = accrue("USD", [
        pay("r1", date(2025, 12, 28), "-10.00", "USD", refund_of="old",
            original_terms=Terms(Decimal("10"), Decimal(1), None)),
    ])
    assert result is not None
    assert result.lines[0].late
    assert result.lines[0].commission == Decimal("-1.00")


def test_missing_rates_are_all_named() -> None:
    with pytest.raises(MissingRates) as caught:
        accrue("KWD", [pay("p1", date(2026, 1, 5), "10.00", "GBP"),
                       pay("p2", date(2026, 1, 6), "10.00", "USD")])
    assert str(caught.value) == (
        "missing exchange rate: GBP on 2026-01-05, KWD on 2026-01-05, KWD on 2026-01-06"
    )


def test_reward_unlocks_cumulative_benefits() -> None:
    # $2,000 of turnover -> 20%: reward $400 reaches the $200 level only
    result = accrue("USD", [pay("p1", date(2026, 1, 5), "2000.00", "USD")])
    assert result is not None
    assert result.reward_usd == Decimal("400.00")
    assert result.benefits == (
        "Joint case study on the company blog and in online media",
        "Recommendation to the company's clients",
    )
    # $12,000 -> 30%: $3,600 reaches both levels, five benefits
    big = accrue("USD", [pay("p1", date(2026, 1, 5), "12000.00", "USD")])
    assert big is not None
    assert big.reward_usd == Decimal("3600.00")
    assert len(big.benefits) == 5


def test_benefits_follow_the_reward_rounded_to_cents() -> None:
    # $1333.32 × 15% = $199.998 -> shown $200.00: the $200 level is reached as shown
    result = accrue("USD", [pay("p1", date(2026, 1, 5), "1333.32", "USD")])
    assert result is not None
    assert result.reward_usd == Decimal("200.00")
    assert len(result.benefits) == 2
