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
    """Add to `lines` the lines of candidates priced on the same terms (`price_each`)."""
    found = list(candidates)
    price_each(found, [0] * len(found), [terms], step, late, lines)


def price_each(candidates: list[Candidate], keys: list[int], terms_of: list[Terms], step: Decimal, late: bool,
               lines: list[Line]) -> None:
    """Add to `lines` the lines of candidates, each priced on its terms (`terms_of[keys[i]]`): its amount
    converted to USD (÷ pay rate) and to the partner currency (× partner rate ÷ pay rate), exactly; the
    commission (partner amount × percent ÷ 100) rounded once, half up, to `step` (the partner currency's
    unit). The one pricing of a line: a posting prices a month's payments in one pass, whatever their days."""
    divide, multiply = EXACT.divide, EXACT.multiply
    append = lines.append
    # per terms: (terms, percent, pay rate, partner rate, pay rate × 100)
    shared = [(t, t.percent, t.pay_rate, t.partner_rate, multiply(t.pay_rate, HUNDRED)) for t in terms_of]
    for c, key in zip(candidates, keys, strict=True):
        terms, percent, pay_rate, partner_rate, pay_hundred = shared[key]
        amount = c[6]
        if partner_rate is None:
            commission = divide(multiply(amount, percent), HUNDRED).quantize(step, ROUND_HALF_UP, EXACT)
            partner = amount
        else:
            scaled = multiply(amount, partner_rate)
            commission = divide(multiply(scaled, percent), pay_hundred).quantize(step, ROUND_HALF_UP, EXACT)
            partner = divide(scaled, pay_rate)
        if commission.is_zero():
            commission = commission.copy_abs()
        # positional tuples, in field order: a posting builds a million of these
        append(_new_line(Line, (c[0], c[1], c[2], c[3], c[4], c[5], amount, c[7], c[8], late, terms,
                                divide(amount, pay_rate), partner, commission)))


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

    keys, day_rates, turnover_value = _days(regular, currency, rates)
    percent = table.percent_for(turnover_value)

    lines: list[Line] = []
    priced: dict[str, Terms] = {}
    step = quantum(currency)
    # the period's own lines share the percent: their reward is the turnover times it, exactly;
    # late lines and refunds add theirs, summed per terms (amounts have few digits)
    reward = ExactSum()
    day_terms = _shared_terms(percent, day_rates, rates)
    price_each(regular, keys, day_terms, step, False, lines)
    if refunds:
        for c, key in zip(regular, keys, strict=True):
            priced[c[0]] = day_terms[key]
    own_percents: dict[Period, Decimal] = {}
    others: dict[int, tuple[Terms, Decimal]] = {}
    for c in late:
        if c.period not in own_percents:
            own_percents[c.period] = percent_for(c.period)
        terms = terms_at(c.currency, currency, c.local_date, own_percents[c.period], rates)
        priced[c.payment_id] = terms
        price_all([c], step, terms, True, lines)
        others[id(terms)] = (terms, c.amount)
    add = EXACT.add
    late_lines = len(late)
    for c in refunds:
        refund_terms = _refund_terms(c, currency, priced, percent_for, rates)
        is_late = c.period != period
        late_lines += is_late
        price_all([c], step, refund_terms, is_late, lines)
        found_terms = others.get(id(refund_terms))
        others[id(refund_terms)] = (refund_terms, c.amount if found_terms is None else add(found_terms[1], c.amount))
    for terms, amount in others.values():
        reward.add(EXACT.multiply(amount, terms.percent), EXACT.multiply(terms.pay_rate, HUNDRED))

    # by moment, then payment id: paid_at and payment_id are a line's third and first fields
    lines.sort(key=itemgetter(2, 0))
    reward_value = turnover_value * Fraction(percent) / 100 + reward.value()
    total = sum(map(_COMMISSION, lines), Decimal(0))
    return AgencyAccrual(
        agency=agency,
        period=period,
        currency=currency,
        table=table,
        turnover=turnover_value,
        percent=percent,
        lines=tuple(lines),
        line_count=len(lines),
        late_lines=late_lines,
        total=round_money(total, currency),
        reward=reward_value,
        benefits=tuple(rewards.benefits(round_usd(reward_value))),
        reward_level_usd=_level(rewards, round_usd(reward_value)),
    )


_COMMISSION = itemgetter(13)


def _shared_terms(percent: Decimal, day_rates: list[tuple[Decimal, Decimal | None]], rates: RateCollector
                  ) -> list[Terms]:
    """The terms of each pair of rates at `percent`: one object per percent and pair for the whole
    run (the collector keeps each pair, and each terms here keeps its percent), so the agencies of a
    run share them and what is written once per terms is written once."""
    shared = rates.shared
    found: list[Terms] = []
    for pair in day_rates:
        key = (id(percent), id(pair))
        terms = shared.get(key)
        if terms is None:
            terms = shared[key] = Terms(percent, *pair)
        found.append(terms)
    return found


def _split(candidates: Iterable[Candidate], period: Period) -> tuple[list[Candidate], list[Candidate],
                                                                     list[Candidate]]:
    """The period's own payments, late payments of earlier periods, and refunds."""
    regular: list[Candidate] = []
    late: list[Candidate] = []
    refunds: list[Candidate] = []
    same: Period | None = None  # the candidates' own object for `period`, once one is seen
    for c in candidates:
        if c[8] is not None:
            refunds.append(c)
        elif c[4] is same:
            regular.append(c)
        elif c[4] == period:
            same = c[4]
            regular.append(c)
        else:
            late.append(c)
    return regular, late, refunds


def _days(regular: list[Candidate], currency: str, rates: RateCollector) -> tuple[
        list[int], list[tuple[Decimal, Decimal | None]], Fraction]:
    """Each of the period's own payments' currency and day (an index into the day's rates, each
    looked up once), and the exact USD turnover: the amounts summed per rate, divided once."""
    index: dict[tuple[str, date], int] = {}
    day_rates: list[tuple[Decimal, Decimal | None]] = []
    keys: list[int] = []
    key_of = keys.append
    sums: list[Decimal] = []
    pair, add = rates.pair, EXACT.add
    for c in regular:
        key = (c[7], c[3])
        found = index.get(key)
        if found is None:
            found = index[key] = len(day_rates)
            day_rates.append(pair(c[7], currency, c[3]))
            sums.append(c[6])
        else:
            sums[found] = add(sums[found], c[6])
        key_of(found)
    turnover = ExactSum()
    for rate_pair, amounts in zip(day_rates, sums, strict=True):
        turnover.add(amounts, rate_pair[0])
    return keys, day_rates, turnover.value()


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


def _level(rewards: RewardSchedule, reward_usd: Decimal) -> Decimal | None:
    """The threshold of the highest reward level reached, None below all of them."""
    reached = rewards.reached(reward_usd)
    return reached[-1].min_reward_usd if reached else None
