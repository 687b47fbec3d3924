"""Reading an accrual run's candidates: the period's payments in one indexed pass, agency by agency.

A run prices agencies in code order and writes (and forgets) each accrual before the next, so its
memory does not grow with the month. Payments are read by the `(period, project_id)` index for the
projects of a group of agencies at a time; the agency each payment earns for is found in memory, by
bisect over its project's connection history (a few intervals), not by a join per payment.

Late payments are not looked for in the whole history. `late_payments` holds every payment a
posting must consider late: one imported into a month already closed, or one of a project given a
new connection over a closed month; each posting empties it. Only the first posting, when no month
is closed yet, reads every earlier payment.

Values are read as the driver gives them (SQLite: moments and days as text), compared in that form,
and turned into domain values only for the rows a run prices.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, delete, exists, func, insert, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from partner_desk.domain.accrual import SUBSCRIPTION, Candidate, Terms
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import Period
from partner_desk.store.models import Accrual, AccrualLine, Agency, Connection, LatePayment, Payment, PostedPeriod

_RAW = String()


def _raw(column: Any) -> Any:
    """The column as the driver gives it, without the type's conversion."""
    return type_coerce(column, _RAW)


class Values:
    """Turns the driver's raw moments and days into domain values, each distinct one once."""

    def __init__(self, session: Session) -> None:
        dialect = session.get_bind().dialect
        paid_at = Payment.__table__.c.paid_at.type
        self._bind = paid_at.dialect_impl(dialect).bind_processor(dialect)
        self.days: dict[Any, date] = {}
        self.periods: dict[str, Period] = {}
        self.exponents: dict[str, int] = {}
        self.moment = self._text_moment if dialect.name == "sqlite" else self._moment

    def raw_moment(self, moment: datetime) -> Any:
        """A UTC moment as the database stores it, to compare with raw values."""
        return self._bind(moment) if self._bind is not None else moment.astimezone(UTC).replace(tzinfo=None)

    @staticmethod
    def _text_moment(raw: str) -> datetime:
        # the stored text is UTC: read with its offset, several times quicker than a replace()
        return datetime.fromisoformat(raw + "+00:00")

    @staticmethod
    def _moment(raw: Any) -> datetime:
        value: datetime = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
        return value.replace(tzinfo=UTC)

    def day(self, raw: Any) -> date:
        found = self.days.get(raw)
        if found is None:
            found = self.days[raw] = raw if isinstance(raw, date) else date.fromisoformat(raw)
        return found

    def period(self, text: str) -> Period:
        found = self.periods.get(text)
        if found is None:
            found = self.periods[text] = Period.parse(text)
        return found

    def amount(self, minor: int, currency: str) -> Decimal:
        exponent = self.exponents.get(currency)
        if exponent is None:
            exponent = self.exponents[currency] = -minor_digits(currency)
        return Decimal(minor).scaleb(exponent)


@dataclass(frozen=True, slots=True)
class _History:
    starts: list[Any]
    ends: list[Any]  # None: still connected
    agencies: list[int]


class Connections:
    """Every project's connection history (raw moments), and the agency at a moment by bisect."""

    def __init__(self, session: Session) -> None:
        rows = session.connection().execute(select(Connection.project_id, _raw(Connection.connected_at),
                                      _raw(Connection.disconnected_at), Connection.agency_id)
                               .order_by(Connection.project_id, Connection.connected_at))
        grouped: dict[str, list[tuple[Any, Any, int]]] = defaultdict(list)
        for project, start, end, agency in rows:
            grouped[project].append((start, end, agency))
        self.projects = {project: _History([s for s, _, _ in spans], [e for _, e, _ in spans],
                                           [a for _, _, a in spans])
                         for project, spans in grouped.items()}

    def agency_at(self, project: str, moment: Any) -> int | None:
        """The agency the project was connected to at `moment` (raw): from <= moment < until."""
        history = self.projects.get(project)
        if history is None:
            return None
        index = bisect_right(history.starts, moment) - 1
        if index < 0:
            return None
        end = history.ends[index]
        return history.agencies[index] if end is None or moment < end else None

    def single(self) -> dict[str, tuple[int, Any, Any]]:
        """project -> (agency, from, until) for the projects connected only once (most are): their
        payments' agency is found by two comparisons, no bisect needed."""
        return {project: (history.agencies[0], history.starts[0], history.ends[0])
                for project, history in self.projects.items() if len(history.starts) == 1}

    def by_agency(self, since: Any | None, until: Any) -> dict[int, list[str]]:
        """The projects connected to each agency at some moment in [since, until) (since None: ever)."""
        found: dict[int, list[str]] = defaultdict(list)
        for project, history in self.projects.items():
            for start, end, agency in zip(history.starts, history.ends, history.agencies, strict=True):
                if start < until and (end is None or since is None or end > since):
                    found[agency].append(project)
        return found


def agencies_by_code(session: Session) -> list[tuple[int, str, str]]:
    """(id, code, currency) of every agency, in code order: the order a run prices them in."""
    return [(aid, code, cur) for aid, code, cur in
            session.execute(select(Agency.id, Agency.code, Agency.currency).order_by(Agency.code))]


def regular(session: Session, values: Values, connections: Connections, period: Period, projects: list[str],
            agency: int, with_earlier: bool) -> dict[int, list[Candidate]]:
    """One agency's eligible payments (subscriptions, not refunds) of `period` (and, `with_earlier`,
    of every earlier period), read project by project: what a preview of one agency needs."""
    found: dict[int, list[Candidate]] = defaultdict(list)
    if not projects:
        return found
    in_scope = Payment.period <= str(period) if with_earlier else Payment.period == str(period)
    stmt = (
        select(Payment.payment_id, Payment.project_id, _raw(Payment.paid_at), _raw(Payment.local_date),
               Payment.period, Payment.amount_minor, Payment.currency)
        .where(in_scope, Payment.project_id.in_(projects), Payment.service == SUBSCRIPTION,
               Payment.refund_of.is_(None))
    )
    packed = [_pack(row) for row in session.connection().execute(stmt)
              if connections.agency_at(row[1], row[2]) == agency]
    found[agency] = unpack(packed, values)
    return found


_SEPARATOR = "\x1f"  # imports refuse control characters in ids (domain/bounds.py)


def _pack(row: Sequence[Any]) -> str:
    """A payment's values (in `_PACKED` order, as the driver gives them) in one text `unpack` reads."""
    return _SEPARATOR.join(map(str, row))


def month_by_agency(session: Session, connections: Connections, period: Period,
                    with_earlier: bool) -> dict[int, list[str]]:
    """Every eligible payment (subscription, not a refund) of `period` (and, `with_earlier`, of every
    earlier period), by the agency its project was connected to at its moment; each payment packed
    in one text (`unpack` reads it), so a month of a million payments fits in little memory.

    The month is read in one pass in the order the payments were stored (its index on `period`
    lists them so), which reads each page of the table once."""
    found: dict[int, list[str]] = defaultdict(list)
    agency_at, single = connections.agency_at, connections.single().get
    rows, close = _month_rows(session, period, with_earlier)
    try:
        for project, paid_at, packed in rows:
            only = single(project)
            if only is None:
                agency = agency_at(project, paid_at)
                if agency is None:
                    continue
            elif only[1] <= paid_at and (only[2] is None or paid_at < only[2]):
                agency = only[0]
            else:
                continue
            found[agency].append(packed)
    finally:
        close()
    return found


def _month_rows(session: Session, period: Period, with_earlier: bool
                ) -> tuple[Iterable[tuple[Any, Any, str]], Callable[[], None]]:
    """The month's eligible payments as (project, moment as the driver gives it, the payment packed
    for `unpack`), and how to close the reading."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # by the index on period alone: a period's rows come in table order, each page read once;
        # SQLite packs each payment's values (its own text of them, as the driver would give it)
        op = "<=" if with_earlier else "="
        driver: Any = connection.connection.dbapi_connection
        cursor = driver.cursor()
        packed = " || char(31) || ".join(_PACKED)
        cursor.execute(f"SELECT project_id, paid_at, {packed} FROM payments INDEXED BY ix_payments_period "
                       f"WHERE period {op} ? AND service = 'subscription' AND refund_of IS NULL", (str(period),))
        return cursor, cursor.close
    in_scope = Payment.period <= str(period) if with_earlier else Payment.period == str(period)
    stmt = (select(Payment.payment_id, Payment.project_id, _raw(Payment.paid_at), _raw(Payment.local_date),
                   Payment.period, Payment.amount_minor, Payment.currency)
            .where(in_scope, Payment.service == SUBSCRIPTION, Payment.refund_of.is_(None)))
    result = connection.execute(stmt.execution_options(yield_per=20_000))
    return ((row[1], row[2], _pack(row)) for row in result), result.close


# what `unpack` reads, in its order, separated by _SEPARATOR
_PACKED = ("payment_id", "project_id", "paid_at", "local_date", "period", "amount_minor", "currency")


def unpack(packed: list[str], values: Values) -> list[Candidate]:
    """The candidates `month_by_agency` packed."""
    moment, day_of, period_of, amount = values.moment, values.day, values.period, values.amount
    days, periods, exponents = values.days, values.periods, values.exponents
    new, subscription, sep, number = tuple.__new__, SUBSCRIPTION, _SEPARATOR, Decimal
    found: list[Candidate] = []
    append = found.append
    for one in packed:
        pid, project, paid_at, local, row_period, minor, currency = one.split(sep)
        day = days.get(local)
        if day is None:
            day = day_of(local)
        row_in = periods.get(row_period)
        if row_in is None:
            row_in = period_of(row_period)
        exponent = exponents.get(currency)
        append(new(Candidate, (
            pid, project, moment(paid_at), day, row_in, subscription,
            amount(int(minor), currency) if exponent is None else number(int(minor)).scaleb(exponent),
            currency, None, None, None, None)))
    return found


def _unaccrued(payment: Any) -> Any:
    return ~exists().where(AccrualLine.payment_id == payment.payment_id)


def queued(session: Session, values: Values, connections: Connections, period: Period
           ) -> dict[int, list[Candidate]]:
    """The eligible payments (not refunds) of earlier periods in `late_payments`, by agency.

    The payments are looked up by id from `late_payments` (an IN over it, not a join, which SQLite
    would answer by reading every earlier period through the period index)."""
    stmt = (
        select(Payment.payment_id, Payment.project_id, _raw(Payment.paid_at), _raw(Payment.local_date),
               Payment.period, Payment.amount_minor, Payment.currency)
        .where(Payment.payment_id.in_(select(LatePayment.payment_id).scalar_subquery()),
               Payment.period < str(period), Payment.service == SUBSCRIPTION, Payment.refund_of.is_(None),
               _unaccrued(Payment))
    )
    found: dict[int, list[Candidate]] = defaultdict(list)
    for pid, project, paid_at, local, row_period, minor, currency in session.connection().execute(stmt):
        agency = connections.agency_at(project, paid_at)
        if agency is not None:
            found[agency].append(Candidate(pid, project, values.moment(paid_at), values.day(local),
                                           values.period(row_period), SUBSCRIPTION,
                                           values.amount(minor, currency), currency))
    return found


def refunds(session: Session, values: Values, connections: Connections, period: Period, *,
            late: bool, with_earlier: bool) -> dict[int, list[Candidate]]:
    """Unaccrued refunds of `period` (with `late`, also those in `late_payments`; `with_earlier`,
    those of every earlier period) whose original earned or will earn, by the original's agency,
    with the terms the original was posted with when it was."""
    original = aliased(Payment)
    original_line = aliased(AccrualLine)
    if with_earlier:
        scope = Payment.period <= str(period)
    elif late:
        scope = or_(Payment.period == str(period),
                    Payment.payment_id.in_(select(LatePayment.payment_id).scalar_subquery()))
    else:
        scope = and_(Payment.period == str(period))
    stmt = (
        select(
            Payment.payment_id, Payment.project_id, _raw(Payment.paid_at), _raw(Payment.local_date),
            Payment.period, Payment.service, Payment.amount_minor, Payment.currency, Payment.refund_of,
            original.project_id, _raw(original.paid_at), _raw(original.local_date), original.period,
            Accrual.agency_id, original_line.percent, original_line.pay_rate, original_line.partner_rate,
        )
        .join(original, original.payment_id == Payment.refund_of)
        .outerjoin(original_line, original_line.payment_id == original.payment_id)
        .outerjoin(Accrual, Accrual.id == original_line.accrual_id)
        .where(Payment.refund_of.is_not(None), scope, original.service == SUBSCRIPTION, _unaccrued(Payment))
    )
    found: dict[int, list[Candidate]] = defaultdict(list)
    for (pid, project, paid_at, local, row_period, service, minor, currency, refund_of, o_project, o_paid_at,
         o_local, o_period, posted_agency, percent, pay_rate, partner_rate) in session.connection().execute(stmt):
        agency = posted_agency if posted_agency is not None else connections.agency_at(o_project, o_paid_at)
        if agency is None:
            continue  # the original earned nothing, so its refund earns nothing
        terms = Terms(percent, pay_rate, partner_rate) if posted_agency is not None else None
        found[agency].append(Candidate(pid, project, values.moment(paid_at), values.day(local),
                                       values.period(row_period), service, values.amount(minor, currency),
                                       currency, refund_of, terms, values.day(o_local), values.period(o_period)))
    return found


def posted_percents(session: Session, period: Period) -> dict[int, Decimal]:
    """agency id -> the percent its posted accrual of `period` reached."""
    rows = session.execute(select(Accrual.agency_id, Accrual.percent).where(Accrual.period == str(period)))
    return {agency_id: percent for agency_id, percent in rows}


def queue_late(session: Session, payment_ids: Iterable[str]) -> None:
    """Note payments the next posting must consider late (already noted ones stay noted once)."""
    wanted = sorted(set(payment_ids))
    if not wanted:
        return
    known = set(session.scalars(select(LatePayment.payment_id).where(LatePayment.payment_id.in_(wanted))))
    fresh = [{"payment_id": pid} for pid in wanted if pid not in known]
    if fresh:
        session.execute(insert(LatePayment), fresh)


def last_posted(session: Session) -> str | None:
    """The last posted period (YYYY-MM): payments of it and before are late once imported."""
    last = session.scalar(select(func.max(PostedPeriod.period)))
    return None if last is None else str(last)  # compared with payments' periods, stored as text


def queue_project(session: Session, project_id: str, since: datetime, last: str) -> None:
    """Note the payments of a project given a new connection from `since` that a posting could now
    accrue late: not accrued, of a closed month, from `since` on (a refund is never before its original)."""
    values = Values(session)
    first = Period.of(since.astimezone(UTC).date()).previous()  # the local month may begin a day earlier
    months = []
    month = first
    while str(month) <= last:
        months.append(str(month))
        month = month.next()
    if not months:
        return
    stmt = (
        select(Payment.payment_id)
        .where(Payment.period.in_(months), Payment.project_id == project_id,
               _raw(Payment.paid_at) >= values.raw_moment(since),
               or_(Payment.service == SUBSCRIPTION, Payment.refund_of.is_not(None)), _unaccrued(Payment))
    )
    queue_late(session, session.scalars(stmt))


def clear_late(session: Session) -> None:
    session.execute(delete(LatePayment))
