"""The accrual run as it was first written, kept as the oracle of the faster one.

Candidates come from one SQL join per run: every unaccrued eligible payment of the period (and, when
late payments join the run, of every earlier period), each with the agency its project was connected
to at its moment (an interval join), and every unaccrued refund in scope with its original's terms.
It scans the whole history on every run, which the product no longer does; the lines it prices must
be exactly the product's, so tests compare the two on random data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from partner_desk.domain.accrual import (
    HUNDRED,
    SUBSCRIPTION,
    AgencyAccrual,
    Candidate,
    ExactSum,
    Line,
    Terms,
    _level,
)
from partner_desk.domain.money import EXACT, from_minor, minor_digits, round_money, round_usd
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import RateCollector
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.tiers import TierTable
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency, Connection, Payment
from partner_desk.store.queries import posted_periods, rate_book, reward_schedule, tier_history


# the pricing of one agency, as it was first written
def _price(
    candidate: Candidate, currency: str, terms: Terms, *, late: bool
) -> Line:
    """One line: USD and partner amounts exact, the commission rounded once."""
    amount = candidate.amount
    usd = EXACT.divide(amount, terms.pay_rate)
    if terms.partner_rate is None:
        partner = amount
        commission = EXACT.divide(EXACT.multiply(amount, terms.percent), HUNDRED)
    else:
        scaled = EXACT.multiply(amount, terms.partner_rate)
        partner = EXACT.divide(scaled, terms.pay_rate)
        commission = EXACT.divide(
            EXACT.multiply(scaled, terms.percent), EXACT.multiply(terms.pay_rate, HUNDRED)
        )
    # positional, in field order: a posting builds a million of these
    return Line(
        candidate.payment_id, candidate.project_id, candidate.paid_at, candidate.local_date,
        candidate.period, candidate.service, amount, candidate.currency, candidate.refund_of, late,
        terms, usd, partner, round_money(commission, currency),
    )


def terms_at(
    payment_currency: str, partner_currency: str, day: date, percent: Decimal, rates: RateCollector
) -> Terms:
    """The rates of one moment: to USD, then to the partner currency, none when they match."""
    pay_rate = rates.rate(payment_currency, day)
    partner_rate = None if payment_currency == partner_currency else rates.rate(partner_currency, day)
    return Terms(percent, pay_rate, partner_rate)


def _accrue_agency(
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
    if not (regular or late or refunds):
        return None

    turnover = ExactSum()
    # the rates of one currency on one day, looked up once; lines of that day share their Terms
    day_rates: dict[tuple[str, date], Terms] = {}
    for c in regular:
        key = (c.currency, c.local_date)
        rate_terms = day_rates.get(key)
        if rate_terms is None:
            rate_terms = day_rates[key] = terms_at(c.currency, currency, c.local_date, Decimal(0), rates)
        turnover.add(c.amount, rate_terms.pay_rate)
    turnover_value = turnover.value()
    percent = table.percent_for(turnover_value)

    lines: list[Line] = []
    priced: dict[str, Terms] = {}
    day_terms = {key: Terms(percent, t.pay_rate, t.partner_rate) for key, t in day_rates.items()}
    for c in regular:
        terms = day_terms[c.currency, c.local_date]
        priced[c.payment_id] = terms
        lines.append(_price(c, currency, terms, late=False))
    own_percents: dict[Period, Decimal] = {}
    for c in late:
        if c.period not in own_percents:
            own_percents[c.period] = percent_for(c.period)
        terms = terms_at(c.currency, currency, c.local_date, own_percents[c.period], rates)
        priced[c.payment_id] = terms
        lines.append(_price(c, currency, terms, late=True))
    for c in refunds:
        assert c.refund_of is not None
        terms_or_none = c.original_terms or priced.get(c.refund_of)
        if terms_or_none is None:
            if c.original_day is None or c.original_period is None:
                raise ValueError(f"refund {c.payment_id} has no terms for its original")
            terms_or_none = terms_at(
                c.currency, currency, c.original_day, percent_for(c.original_period), rates
            )
        lines.append(_price(c, currency, terms_or_none, late=c.period != period))

    lines.sort(key=attrgetter("paid_at", "payment_id"))
    # lines priced on the same terms are summed first (exactly: amounts have few digits), so each
    # percent and rate is multiplied in once per terms rather than once per line
    by_terms: dict[int, tuple[Terms, Decimal]] = {}
    for line in lines:
        found = by_terms.get(id(line.terms))
        by_terms[id(line.terms)] = (
            (line.terms, line.amount) if found is None else (found[0], EXACT.add(found[1], line.amount))
        )
    reward = ExactSum()
    for terms, amount in by_terms.values():
        reward.add(EXACT.multiply(amount, terms.percent), EXACT.multiply(terms.pay_rate, HUNDRED))
    reward_value = reward.value()
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
        late_lines=sum(1 for line in lines if line.late),
        total=round_money(total, currency),
        reward=reward_value,
        benefits=tuple(rewards.benefits(round_usd(reward_value))),
        reward_level_usd=_level(rewards, round_usd(reward_value)),
    )


def _amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def _connected_at_moment(payment: Any, connection: Any) -> ColumnElement[bool]:
    return and_(
        connection.project_id == payment.project_id,
        connection.connected_at <= payment.paid_at,
        or_(connection.disconnected_at.is_(None), payment.paid_at < connection.disconnected_at),
    )


def _in_scope(payment: Any, period: Period, late_before: Period | None) -> ColumnElement[bool]:
    if late_before is None:
        return and_(payment.period == str(period))
    return or_(payment.period == str(period), payment.period < str(late_before))


def _regular(session: Session, period: Period, late_before: Period | None) -> Iterator[tuple[int, Candidate]]:
    stmt = (
        select(Connection.agency_id, Payment.payment_id, Payment.project_id, Payment.paid_at,
               Payment.local_date, Payment.period, Payment.service, Payment.amount_minor, Payment.currency)
        .join(Connection, _connected_at_moment(Payment, Connection))
        .outerjoin(AccrualLine, AccrualLine.payment_id == Payment.payment_id)
        .where(AccrualLine.id.is_(None), Payment.refund_of.is_(None), Payment.service == SUBSCRIPTION,
               _in_scope(Payment, period, late_before))
        .order_by(Connection.agency_id)
    )
    for agency_id, pid, project, paid_at, day, per, service, minor, currency in session.execute(stmt):
        yield agency_id, Candidate(pid, project, paid_at, day, Period.parse(per), service,
                                   _amount(minor, currency), currency)


def _refunds(session: Session, period: Period, late_before: Period | None) -> Iterator[tuple[int, Candidate]]:
    original = aliased(Payment)
    original_line = aliased(AccrualLine)
    refund_line = aliased(AccrualLine)
    stmt = (
        select(
            Payment.payment_id, Payment.project_id, Payment.paid_at, Payment.local_date, Payment.period,
            Payment.service, Payment.amount_minor, Payment.currency, Payment.refund_of,
            original.local_date, original.period,
            Accrual.agency_id, original_line.percent, original_line.pay_rate, original_line.partner_rate,
            Connection.agency_id,
        )
        .join(original, original.payment_id == Payment.refund_of)
        .outerjoin(refund_line, refund_line.payment_id == Payment.payment_id)
        .outerjoin(original_line, original_line.payment_id == original.payment_id)
        .outerjoin(Accrual, Accrual.id == original_line.accrual_id)
        .outerjoin(Connection, _connected_at_moment(original, Connection))
        .where(Payment.refund_of.is_not(None), refund_line.id.is_(None), original.service == SUBSCRIPTION,
               _in_scope(Payment, period, late_before))
    )
    for (pid, project, paid_at, day, per, service, minor, currency, refund_of, o_day, o_period,
         posted_agency, percent, pay_rate, partner_rate, connected_agency) in session.execute(stmt):
        agency_id = posted_agency if posted_agency is not None else connected_agency
        if agency_id is None:
            continue
        terms = Terms(percent, pay_rate, partner_rate) if posted_agency is not None else None
        yield agency_id, Candidate(pid, project, paid_at, day, Period.parse(per), service,
                                   _amount(minor, currency), currency, refund_of, terms,
                                   o_day, Period.parse(o_period))


def _live(session: Session, agency_id: int, period: Period) -> list[tuple[str, date, int]]:
    stmt = (
        select(Payment.currency, Payment.local_date, func.sum(Payment.amount_minor))
        .join(Connection, _connected_at_moment(Payment, Connection))
        .outerjoin(AccrualLine, AccrualLine.payment_id == Payment.payment_id)
        .where(Connection.agency_id == agency_id, AccrualLine.id.is_(None), Payment.refund_of.is_(None),
               Payment.service == SUBSCRIPTION, Payment.period == str(period))
        .group_by(Payment.currency, Payment.local_date)
    )
    return [(c, d, int(m)) for c, d, m in session.execute(stmt)]


def oracle_accruals(db: Database, period: Period, today: date) -> list[AgencyAccrual]:
    """What a preview (or posting) of `period` on `today` gives, by agency code, computed the first way."""
    with db.read() as session:
        posted = posted_periods(session)
        include_late = period == posted[-1].next() if posted else period.has_ended(today)
        agencies = {a.id: a for a in session.scalars(select(Agency))}
        history = tier_history(session)
        table = history.table_for(period)
        rates = RateCollector(rate_book(session))
        rewards = reward_schedule(session)
        accrued = {(a, Period.parse(p)): pc for a, p, pc in session.execute(
            select(Accrual.agency_id, Accrual.period, Accrual.percent))}
        closed_before = period if include_late else (posted[0] if posted else None)

        def percent_for(agency_id: int, own: Period) -> Decimal:
            found = accrued.get((agency_id, own))
            if found is not None:
                return found
            own_table = history.table_for(own)
            if own in posted or (closed_before is not None and own < closed_before):
                return own_table.base_percent
            turnover = ExactSum()
            for currency, day, minor in _live(session, agency_id, own):
                turnover.add(from_minor(minor, currency), rates.rate(currency, day))
            return own_table.percent_for(turnover.value())

        late_before = period if include_late else None
        refunds: dict[int, list[Candidate]] = defaultdict(list)
        for agency_id, candidate in _refunds(session, period, late_before):
            refunds[agency_id].append(candidate)
        batches: list[tuple[int, list[Candidate]]] = []
        for agency_id, rows in groupby(_regular(session, period, late_before), key=itemgetter(0)):
            batches.append((agency_id, [c for _, c in rows] + refunds.pop(agency_id, [])))
        batches.extend(sorted(refunds.items()))
        found = []
        for agency_id, candidates in batches:
            agency = agencies[agency_id]
            result = _accrue_agency(
                agency.code, agency.currency, period, candidates, table=table, rates=rates,
                percent_for=lambda own, a=agency_id: percent_for(a, own), rewards=rewards,
            )
            if result is not None:
                found.append(result)
        rates.raise_if_missing()
    return sorted(found, key=lambda a: a.agency)
