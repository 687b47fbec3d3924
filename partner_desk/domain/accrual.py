"""The monthly accrual of one agency (SPEC sections 2-5), from plain payment values.

The caller decides which payments are candidates for a period (unaccrued, eligible, attributed to
the agency); this module prices them: double conversion at each payment's own rates, the slab
percent of the period's turnover, late payments at their own period's percent, refunds at their
original's terms, one half-up rounding per line, and the reward with the benefits it unlocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from math import lcm
from operator import itemgetter
from typing import NamedTuple

from partner_desk.domain.money import EXACT, quantum, round_money, round_usd
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import RateCollector
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.tiers import TierTable

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class ServiceKind(StrEnum):
    """What a payment paid for (SPEC section 1); only a subscription earns commission."""

    SUBSCRIPTION = "subscription"
    NUMBERS = "numbers"
    TELEPHONY = "telephony"
    OTHER = "other"


SUBSCRIPTION = ServiceKind.SUBSCRIPTION
SERVICE_KINDS = tuple(kind.value for kind in ServiceKind)


class ExactSum:
    """A sum of quotients n/d kept exact: numerators are added per divisor, divided once at the end."""

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: dict[Decimal, Decimal] = {}

    def add(self, numerator: Decimal, divisor: Decimal) -> None:
        parts = self._parts
        parts[divisor] = EXACT.add(parts.get(divisor, Decimal(0)), numerator)

    def value(self) -> Fraction:
        # every quotient as integers over one common denominator, reduced once at the end: the same
        # exact Fraction as adding Fractions term by term, without a gcd of ever larger numbers per term
        numerators: list[int] = []
        denominators: list[int] = []
        for divisor, numerator in self._parts.items():
            n_num, n_den = numerator.as_integer_ratio()
            d_num, d_den = divisor.as_integer_ratio()
            numerators.append(n_num * d_den)
            denominators.append(n_den * d_num)
        common = lcm(*denominators)
        return Fraction(sum(n * (common // d) for n, d in zip(numerators, denominators, strict=True)), common)


class Terms(NamedTuple):
    """How a payment was priced: the percent and the two rates (partner_rate None: no conversion).
    A named tuple: a run makes one per agency, currency and day."""

    percent: Decimal
    pay_rate: Decimal
    partner_rate: Decimal | None


class Candidate(NamedTuple):
    """A payment that may become a line of an agency's accrual.

    For a refund, `original_terms` carries the terms its original was posted with; when it is None
    the original is priced in the same run (or, failing that, at its own period's percent and rates,
    from `original_day` and `original_period`).
    """

    payment_id: str
    project_id: str
    paid_at: datetime
    local_date: date
    period: Period
    service: str
    amount: Decimal
    currency: str
    refund_of: str | None = None
    original_terms: Terms | None = None
    original_day: date | None = None
    original_period: Period | None = None


class Line(NamedTuple):
    """A priced payment. Candidates and lines are named tuples: a posting builds a million of each,
    and a tuple is built several times faster than a frozen dataclass."""

    payment_id: str
    project_id: str
    paid_at: datetime
    local_date: date
    period: Period
    service: str
    amount: Decimal
    currency: str
    refund_of: str | None
    late: bool
    terms: Terms
    usd_amount: Decimal
    partner_amount: Decimal
    commission: Decimal

    @property
    def percent(self) -> Decimal:
        return self.terms.percent


@dataclass(frozen=True, slots=True)
class AgencyAccrual:
    """One agency's accrual of a period. `line_count` and `late_lines` count its lines, so a run
    that streams the lines away (`without_lines`) still tells how many there were."""

    agency: str
    period: Period
    currency: str
    table: TierTable
    turnover: Fraction
    percent: Decimal
    lines: tuple[Line, ...]
    total: Decimal
    reward: Fraction
    benefits: tuple[str, ...]
    line_count: int
    late_lines: int
    reward_level_usd: Decimal | None = None

    @property
    def turnover_usd(self) -> Decimal:
        return round_usd(self.turnover)

    @property
    def reward_usd(self) -> Decimal:
        return round_usd(self.reward)

    def without_lines(self) -> AgencyAccrual:
        """The same accrual, its figures and counts kept, its lines let go."""
        return replace(self, lines=())


def price(
    candidate: Candidate, currency: str, terms: Terms, *, late: bool
) -> Line:
    """One line: USD and partner amounts exact, the commission rounded once."""
    lines: list[Line] = []
    price_all([candidate], quantum(currency), terms, late, lines)
    return lines[0]


_new_line = tuple.__new__


def price_all(candidates: Iterable[Candidate], step: Decimal, terms: Terms, late: bool, lines: list[Line]) -> None:
    """Add to `lines` the lines of candidates priced on the same terms: each amount converted to USD
    (÷ pay rate) and to the partner currency (× partner rate ÷ pay rate), exactly; the commission
    (partner amount × percent ÷ 100) rounded once, half up, to `step` (the partner currency's unit)."""
    divide, multiply = EXACT.divide, EXACT.multiply
    pay_rate, partner_rate, percent = terms.pay_rate, terms.partner_rate, terms.percent
    append = lines.append
    # positional tuples, in field order: a posting builds a million of these
    if partner_rate is None:
        for c in candidates:
            amount = c[6]
            commission = divide(multiply(amount, percent), HUNDRED).quantize(step, ROUND_HALF_UP, EXACT)
            if commission.is_zero():
                commission = commission.copy_abs()
            append(_new_line(Line, (c[0], c[1], c[2], c[3], c[4], c[5], amount, c[7], c[8], late, terms,
                                    divide(amount, pay_rate), amount, commission)))
        return
    pay_hundred = multiply(pay_rate, HUNDRED)
    for c in candidates:
        amount = c[6]
        scaled = multiply(amount, partner_rate)
        commission = divide(multiply(scaled, percent), pay_hundred).quantize(step, ROUND_HALF_UP, EXACT)
        if commission.is_zero():
            commission = commission.copy_abs()
        append(_new_line(Line, (c[0], c[1], c[2], c[3], c[4], c[5], amount, c[7], c[8], late, terms,
                                divide(amount, pay_rate), divide(scaled, pay_rate), commission)))


def terms_at(
    payment_currency: str, partner_currency: str, day: date, percent: Decimal, rates: RateCollector
) -> Terms:
    """The rates of one moment: to USD, then to the partner currency, none when they match."""
    pay_rate, partner_rate = rates.pair(payment_currency, partner_currency, day)
    return Terms(percent, pay_rate, partner_rate)


def accrue_agency(
    agency: str,
    currency: str,
    period: Period,
    candidates: Iterable[Candidate],
    *,
    table: TierTable,
    rates: RateCollector,
    percent_for: Callable[[Period], Decimal],
    rewards: RewardSchedule,
) -> AgencyAccrual | None:
    """Price an agency's candidates for `period`; None when it has no lines.

    `percent_for(p)` gives the percent the agency's own accrual of an earlier period p reached
    (the base level of p's table if it had none); late payments and refunds use it.
    """
    regular, late, refunds = _split(candidates, period)
    if not (regular or late or refunds):
        return None

    days, day_rates, sums, turnover_value = _days(regular, currency, rates)
    percent = table.percent_for(turnover_value)

    lines: list[Line] = []
    priced: dict[str, Terms] = {}
    # lines priced on the same terms are summed first (exactly: amounts have few digits), so each
    # percent and rate is multiplied in once per terms rather than once per line
    by_terms: dict[int, tuple[Terms, Decimal]] = {}
    step = quantum(currency)
    for key, group in days.items():
        terms = Terms(percent, *day_rates[key])
        price_all(group, step, terms, False, lines)
        by_terms[id(terms)] = (terms, sums[key])
        if refunds:
            for c in group:
                priced[c[0]] = terms
    own_percents: dict[Period, Decimal] = {}
    for c in late:
        if c.period not in own_percents:
            own_percents[c.period] = percent_for(c.period)
        terms = terms_at(c.currency, currency, c.local_date, own_percents[c.period], rates)
        priced[c.payment_id] = terms
        price_all([c], step, terms, True, lines)
        by_terms[id(terms)] = (terms, c.amount)
    add = EXACT.add
    for c in refunds:
        refund_terms = _refund_terms(c, currency, priced, percent_for, rates)
        price_all([c], step, refund_terms, c.period != period, lines)
        found_terms = by_terms.get(id(refund_terms))
        by_terms[id(refund_terms)] = (refund_terms, c.amount if found_terms is None else add(found_terms[1], c.amount))

    # by moment, then payment id: paid_at and payment_id are a line's third and first fields
    lines.sort(key=itemgetter(2, 0))
    reward_value = _reward(by_terms.values())
    total = sum((line.commission for line in lines), Decimal(0))
    return AgencyAccrual(
        agency=agency,
        period=period,
        currency=currency,
        table=table,
        turnover=turnover_value,
        percent=percent,
        lines=tuple(lines),
        line_count=len(lines),
        late_lines=sum(1 for line in lines if line[9]),
        total=round_money(total, currency),
        reward=reward_value,
        benefits=tuple(rewards.benefits(round_usd(reward_value))),
        reward_level_usd=_level(rewards, round_usd(reward_value)),
    )


def _split(candidates: Iterable[Candidate], period: Period) -> tuple[list[Candidate], list[Candidate],
                                                                     list[Candidate]]:
    """The period's own payments, late payments of earlier periods, and refunds."""
    regular: list[Candidate] = []
    late: list[Candidate] = []
    refunds: list[Candidate] = []
    for c in candidates:
        if c.refund_of is not None:
            refunds.append(c)
        elif c.period == period:
            regular.append(c)
        else:
            late.append(c)
    return regular, late, refunds


def _days(regular: list[Candidate], currency: str, rates: RateCollector) -> tuple[
        dict[tuple[str, date], list[Candidate]], dict[tuple[str, date], tuple[Decimal, Decimal | None]],
        dict[tuple[str, date], Decimal], Fraction]:
    """The period's own payments by currency and day, each day's rates (looked up once), each day's
    exact sum, and the exact USD turnover: the payments of one currency on one day share their rates
    and their Terms."""
    days: dict[tuple[str, date], list[Candidate]] = {}
    for c in regular:
        key = (c[7], c[3])
        found = days.get(key)
        if found is None:
            days[key] = [c]
        else:
            found.append(c)
    pair = rates.pair
    day_rates = {key: pair(key[0], currency, key[1]) for key in days}
    add = EXACT.add
    turnover = ExactSum()
    sums: dict[tuple[str, date], Decimal] = {}
    for key, group in days.items():
        amounts = group[0][6]
        for c in group[1:]:
            amounts = add(amounts, c[6])
        sums[key] = amounts
        turnover.add(amounts, day_rates[key][0])
    return days, day_rates, sums, turnover.value()


def _refund_terms(c: Candidate, currency: str, priced: dict[str, Terms], percent_for: Callable[[Period], Decimal],
                  rates: RateCollector) -> Terms:
    """A refund reverses at its original's terms: as posted, as priced in this run, or as its own period's."""
    assert c.refund_of is not None
    terms = c.original_terms or priced.get(c.refund_of)
    if terms is not None:
        return terms
    if c.original_day is None or c.original_period is None:
        raise ValueError(f"refund {c.payment_id} has no terms for its original")
    return terms_at(c.currency, currency, c.original_day, percent_for(c.original_period), rates)


def _reward(by_terms: Iterable[tuple[Terms, Decimal]]) -> Fraction:
    """The exact USD reward: the amounts priced on each terms, times their percent, in USD. Lines
    priced on the same terms are summed first (exactly: amounts have few digits), so each percent and
    rate is multiplied in once per terms rather than once per line."""
    reward = ExactSum()
    for terms, amount in by_terms:
        reward.add(EXACT.multiply(amount, terms.percent), EXACT.multiply(terms.pay_rate, HUNDRED))
    return reward.value()


def _level(rewards: RewardSchedule, reward_usd: Decimal) -> Decimal | None:
    """The threshold of the highest reward level reached, None below all of them."""
    reached = rewards.reached(reward_usd)
    return reached[-1].min_reward_usd if reached else None
