"""Set-based queries of the accrual run: candidates streamed by agency, posted terms, live turnover."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from partner_desk.domain.accrual import SUBSCRIPTION, Candidate, Terms
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.store.connections import connected_at
from partner_desk.store.models import Accrual, AccrualLine, Connection, Payment
from partner_desk.store.sums import exact_sum

_periods: dict[str, Period] = {}


def _period(text: str) -> Period:
    found = _periods.get(text)
    if found is None:
        found = _periods[text] = Period.parse(text)
    return found


def _amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def connected_at_moment(payment: Any, connection: Any) -> ColumnElement[bool]:
    # `payment` is the Payment entity or an alias of it
    return and_(connection.project_id == payment.project_id, connected_at(connection, payment.paid_at))


def _in_scope(payment: Any, period: Period, late_before: Period | None) -> ColumnElement[bool]:
    if late_before is None:
        return and_(payment.period == str(period))
    return or_(payment.period == str(period), payment.period < str(late_before))


def _rare(session: Session, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """`condition`, marked for SQLite's planner as seldom true (other databases keep statistics)."""
    if session.get_bind().dialect.name == "sqlite":
        # untyped: a Boolean-typed function would be compared with 1, which hides it from the planner
        hinted: ColumnElement[bool] = func.unlikely(condition)
        return hinted
    return condition


def regular_candidates(session: Session, period: Period, late_before: Period | None,
                       batch: int = 20_000, agency_id: int | None = None) -> Iterator[tuple[int, Candidate]]:
    """Unaccrued eligible payments (not refunds) of `period`, and of periods before `late_before`,
    with the agency each was connected to at its moment, ordered by agency (or of one agency)."""
    stmt = (
        select(Connection.agency_id, Payment.payment_id, Payment.project_id, Payment.paid_at,
               Payment.local_date, Payment.period, Payment.service, Payment.amount_minor, Payment.currency)
        .join(Connection, connected_at_moment(Payment, Connection))
        .outerjoin(AccrualLine, AccrualLine.payment_id == Payment.payment_id)
        .where(
            AccrualLine.id.is_(None),
            Payment.refund_of.is_(None),
            Payment.service == SUBSCRIPTION,
            _in_scope(Payment, period, late_before),
        )
        .order_by(Connection.agency_id)
        .execution_options(yield_per=batch)
    )
    if agency_id is not None:
        stmt = stmt.where(Connection.agency_id == agency_id)
    # Core, not ORM, execution: plain rows, without the ORM's per-row loading work
    rows = session.connection().execute(stmt)
    exponents: dict[str, int] = {}
    for agency_id, pid, project, paid_at, day, per, service, minor, currency in rows:
        exponent = exponents.get(currency)
        if exponent is None:
            exponent = exponents[currency] = -minor_digits(currency)
        period_value = _periods.get(per) or _period(per)
        yield agency_id, Candidate(pid, project, paid_at, day, period_value, service,
                                   Decimal(minor).scaleb(exponent), currency)


def refund_candidates(session: Session, period: Period, late_before: Period | None) -> Iterator[tuple[int, Candidate]]:
    """Unaccrued refunds in scope whose original earned (or will earn) commission, with the agency
    of the original and, when the original is posted, the terms it was posted with."""
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
        .outerjoin(Connection, connected_at_moment(original, Connection))
        .where(
            # said outright (the join implies it), and marked rare, so that refunds are found through
            # their own index rather than by reading every payment of the period
            _rare(session, Payment.refund_of.is_not(None)),
            refund_line.id.is_(None),
            original.service == SUBSCRIPTION,
            _in_scope(Payment, period, late_before),
        )
    )
    for (pid, project, paid_at, day, per, service, minor, currency, refund_of, o_day, o_period,
         posted_agency, percent, pay_rate, partner_rate, connected_agency) in session.execute(stmt):
        agency_id = posted_agency if posted_agency is not None else connected_agency
        if agency_id is None:
            continue  # the original earned nothing, so its refund earns nothing
        terms = Terms(percent, pay_rate, partner_rate) if posted_agency is not None else None
        yield agency_id, Candidate(pid, project, paid_at, day, _period(per), service,
                                   _amount(minor, currency), currency, refund_of, terms,
                                   o_day, _period(o_period))


def accrued_percents(session: Session) -> dict[tuple[int, Period], Decimal]:
    rows = session.execute(select(Accrual.agency_id, Accrual.period, Accrual.percent))
    return {(agency_id, _period(per)): percent for agency_id, per, percent in rows}


def live_payments(session: Session, agency_id: int, period: Period) -> list[tuple[str, date, int]]:
    """Unaccrued eligible non-refund payments of one agency in one period: (currency, day, minor)."""
    stmt = (
        select(Payment.currency, Payment.local_date, exact_sum(Payment.amount_minor))
        .join(Connection, connected_at_moment(Payment, Connection))
        .outerjoin(AccrualLine, AccrualLine.payment_id == Payment.payment_id)
        .where(
            Connection.agency_id == agency_id,
            AccrualLine.id.is_(None),
            Payment.refund_of.is_(None),
            Payment.service == SUBSCRIPTION,
            Payment.period == str(period),
        )
        .group_by(Payment.currency, Payment.local_date)
    )
    return [(c, d, int(m)) for c, d, m in session.execute(stmt)]


