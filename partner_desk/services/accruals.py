"""Previewing and posting a period's accruals (SPEC section 4)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import repeat
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from partner_desk.domain.accrual import AgencyAccrual, Candidate, ExactSum, Terms, accrue_agency
from partner_desk.domain.bounds import MAX_STORED_MINOR
from partner_desk.domain.dates import as_of_refusal, future_refusal
from partner_desk.domain.errors import UserError
from partner_desk.domain.ledger import EntryKind
from partner_desk.domain.money import (
    EXACT,
    format_amount,
    format_percent,
    format_usd,
    from_minor,
    minor_digits,
    per_currency,
    to_minor,
)
from partner_desk.domain.periods import ONE_DAY, Period, parse_period, period_bounds, today_in
from partner_desk.domain.posting import before_first, posting_refusals
from partner_desk.domain.rates import RateCollector
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor
from partner_desk.refusal_text import Refused, raise_refusals, read
from partner_desk.services import audit
from partner_desk.services.guard import checked
from partner_desk.store import accrual_queries as q
from partner_desk.store import accrual_scan as scan
from partner_desk.store import chain, locks
from partner_desk.store.bulk import InsertsBehind, collector_paused
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency
from partner_desk.store.queries import company_tz, posted_periods, rate_book, reward_schedule, tier_history

LINE_COLUMNS = (
    "accrual_id", "payment_id", "late", "percent", "pay_rate", "partner_rate", "usd_amount",
    "partner_amount", "commission_minor",
)
# lines per batch: a batch is inserted while the next is priced, and the last is waited for
LINE_BATCH = 20_000
# a line's terms written out: percent, pay rate and partner rate as stored, the three as a line's
# digest has them, and the stored three as the inside of a JSON array
_Shown = tuple[str, str, str | None, str, str]
_PERCENT, _PAY_RATE, _PARTNER_RATE, _DIGEST, _STORED_JSON = map(itemgetter, range(5))
# a line's LINE_COLUMNS as a JSON array: accrual, payment id (as JSON), late (1 or 0), the terms,
# the USD and partner amounts (plain decimal texts), the commission in minor units
_LINE_JSON = '[%d,%s,%d,%s,"%s","%s",%d]'
# agencies priced between two progress reports
PROGRESS_EVERY = 200
AgenciesPriced = Callable[[int], None]
EachAccrual = Callable[[AgencyAccrual], None]


@dataclass(frozen=True)
class AccrualRun:
    """The outcome of a preview or a posting: what was (or would be) accrued."""

    period: Period
    already_accrued: bool
    posted: bool
    accruals: list[AgencyAccrual]
    message: str

    def totals_by_currency(self) -> dict[str, Decimal]:
        return _totals(self.accruals)


@dataclass(frozen=True)
class _Plan:
    posted: list[Period]
    include_late: bool
    ended: bool

    @property
    def next_to_post(self) -> Period | None:
        return self.posted[-1].next() if self.posted else None


def _plan(session: Session, period: Period, today: date) -> _Plan:
    posted = posted_periods(session)
    ended = period.has_ended(today)
    include_late = period == posted[-1].next() if posted else ended
    return _Plan(posted, include_late, ended)


def _compute(session: Session, period: Period, plan: _Plan, only: int | None = None
             ) -> Iterator[tuple[int, AgencyAccrual]]:
    """Price every agency with lines in `period` (or only the agency `only`), in agency code order;
    missing rates are collected, then raised."""
    values = scan.Values(session)
    connections = scan.Connections(session)
    agencies = [a for a in scan.agencies_by_code(session) if only is None or a[0] == only]
    history = tier_history(session)
    table = history.table_for(period)
    rates = RateCollector(rate_book(session))
    rewards = reward_schedule(session)
    closed_before = period if plan.include_late else (plan.posted[0] if plan.posted else None)
    posted = set(plan.posted)
    # before the first posting every earlier payment is late: they are read with the month's own
    first = plan.include_late and not plan.posted
    late = plan.include_late and bool(plan.posted)
    percents: dict[Period, dict[int, Decimal]] = {}

    def percent_for(agency_id: int, earlier: Period) -> Decimal:
        if earlier not in percents:
            percents[earlier] = scan.posted_percents(session, earlier)
        found = percents[earlier].get(agency_id)
        if found is not None:
            return found
        own_table = history.table_for(earlier)
        if earlier in posted or (closed_before is not None and earlier < closed_before):
            return own_table.base_percent
        turnover = ExactSum()
        for currency, day, minor in q.live_payments(session, agency_id, earlier):
            turnover.add(from_minor(minor, currency), rates.rate(currency, day))
        return own_table.percent_for(turnover.value())

    queued = scan.queued(session, values, connections, period) if late else {}
    refunds = scan.refunds(session, values, connections, period, late=late, with_earlier=first)
    own: Callable[[int], list[Candidate]]
    if only is None:
        # the whole month in one pass, packed by agency; each agency's unpacked when it is priced
        month = scan.month_by_agency(session, connections, period, first)

        def own(agency_id: int) -> list[Candidate]:
            return scan.unpack(month.pop(agency_id, []), values)
    else:
        start, end = (values.raw_moment(moment) for moment in period_bounds(period, company_tz(session)))
        projects = connections.by_agency(None if first else start, end).get(only, [])
        single = scan.regular(session, values, connections, period, sorted(set(projects)), only, first)

        def own(agency_id: int) -> list[Candidate]:
            return single.pop(agency_id, [])
    for agency_id, code, currency in agencies:
        candidates = own(agency_id) + queued.pop(agency_id, []) + refunds.pop(agency_id, [])
        if not candidates:
            continue
        result = accrue_agency(
            code, currency, period, candidates, table=table, rates=rates,
            percent_for=lambda earlier, a=agency_id: percent_for(a, earlier),  # type: ignore[misc]
            rewards=rewards,
        )
        if result is not None:
            yield agency_id, result
    rates.raise_if_missing()


def _check_period_text(text_period: str) -> Period:
    return read(parse_period, text_period)


def _reporting(items: Iterable[tuple[int, AgencyAccrual]], priced: AgenciesPriced | None
               ) -> Iterator[tuple[int, AgencyAccrual]]:
    """Pass the accruals through, telling `priced(n)` how many agencies are priced, every
    PROGRESS_EVERY and at the end. It may raise to stop the run: nothing is written then."""
    count = 0
    for item in items:
        yield item
        count += 1
        if priced is not None and count % PROGRESS_EVERY == 0:
            priced(count)
    if priced is not None and (count == 0 or count % PROGRESS_EVERY):
        priced(count)


def preview_period(db: Database, actor: Actor, period: Period | str, as_of: date | None = None,
                   priced: AgenciesPriced | None = None, agency: str | None = None,
                   each: EachAccrual | None = None) -> AccrualRun:
    """The accruals a period would post, computed exactly as posting would, writing nothing;
    `priced(n)` hears how many agencies are priced so far. With `agency` (a code), only that
    agency's accrual is computed: each agency's accrual depends on its own payments alone. With
    `each`, every accrual is handed to it as it is priced, in agency code order, and the run keeps
    the accruals without their lines."""
    period = period if isinstance(period, Period) else _check_period_text(period)
    with db.read() as session, collector_paused():
        today = read_day(session, as_of)
        plan = _plan(session, period, today)
        if period in plan.posted:
            return AccrualRun(period, True, False, [], f"{period} is already accrued: nothing to preview")
        if plan.posted and period < plan.posted[0]:
            # it can never be posted: its payments go, late, into the next run
            raise Refused(before_first(period, plan.posted[0]))
        only = None
        if agency is not None:
            only = session.scalar(select(Agency.id).where(Agency.code == agency))
            if only is None:
                raise Refused(Refusal("unknown_agency", {"agency": agency}))
        accruals = []
        for _, accrual in _reporting(_compute(session, period, plan, only), priced):
            if each is not None:
                each(accrual)
                accrual = accrual.without_lines()
            accruals.append(accrual)
    note = "" if plan.ended else f" ({period} has not ended: preview only)"
    return AccrualRun(period, False, False, accruals, f"preview of {period}: {len(accruals)} accruals{note}")


def read_day(session: Session, as_of: date | None) -> date:
    """The day a read shows things as they stood on: today, or a chosen day that has come."""
    today = today_in(company_tz(session))
    if as_of is None:
        return today
    problem = as_of_refusal(as_of, today)
    if problem is not None:
        raise Refused(problem)
    return as_of


def _refuse_order(plan: _Plan, period: Period, today: date, as_of: date | None) -> None:
    """Posting needs the period to have ended by the real clock, whatever `as_of` says; `as_of`
    itself is a day that has come, on which the period had ended too."""
    if as_of is not None:
        problem = future_refusal(as_of, today, "--as-of")
        if problem is not None:
            raise Refused(problem)
        if not period.has_ended(as_of) and period.has_ended(today):
            raise UserError(f"{period} had not ended on {as_of}: posting it as of that day is refused")
    raise_refusals(posting_refusals(period, plan.posted, today))


def post_period(db: Database, actor: Actor, period: Period | str, as_of: date | None = None,
                priced: AgenciesPriced | None = None, each: EachAccrual | None = None) -> AccrualRun:
    """Post a period: every accrual, its lines and the ledger credits, in one transaction;
    `priced(n)` hears how many agencies are priced so far. With `each`, every accrual is handed to
    it as it is written, in agency code order (before the transaction commits), and the run keeps
    the accruals without their lines: a posting of any size holds one agency's lines at a time."""
    period = period if isinstance(period, Period) else _check_period_text(period)
    with checked(db, actor, Action.ACCRUE_POST, str(period)):
        return _post(db, actor, period, as_of, priced, each)


def _post(db: Database, actor: Actor, period: Period, as_of: date | None,
          priced: AgenciesPriced | None, each: EachAccrual | None) -> AccrualRun:
    with db.write() as session, collector_paused():
        locks.take(session, locks.POSTING)
        locks.agencies(session, key_share=True)  # before the chain's lock (store/locks.py)
        # the real clock decides whether the period has ended; `as_of` is only recorded with it
        today = today_in(company_tz(session))
        plan = _plan(session, period, today)
        if period in plan.posted:
            return AccrualRun(period, True, False, [], f"{period} is already accrued: nothing was posted")
        _refuse_order(plan, period, today, as_of)
        day = as_of or today
        chain.append(session, chain.POSTED, [dict(period=str(period), as_of=day, posted_by=actor.name)])
        accruals: list[AgencyAccrual] = []
        with _Writer(session, actor) as writer:
            for agency_id, accrual in _reporting(_compute(session, period, plan), priced):
                writer.add(agency_id, accrual)
                if each is not None:
                    each(accrual)
                    accrual = accrual.without_lines()
                accruals.append(accrual)
            writer.finish()
        # every payment noted late is accrued now, or earns nothing until a new connection notes it again
        scan.clear_late(session)
        totals = {cur: format_amount(v, cur) for cur, v in _totals(accruals).items()}
        credited = {a.agency: format_amount(a.total, a.currency) for a in accruals}
        audit.record(session, actor, Action.ACCRUE_POST, str(period),
                     after={"period": str(period), "accruals": len(accruals), "totals": totals,
                            "as_of": day.isoformat(), "credits": credited})
    return AccrualRun(period, False, True, accruals, f"posted {period}: {len(accruals)} accruals")


def _totals(accruals: list[AgencyAccrual]) -> dict[str, Decimal]:
    """The accruals' commissions summed per currency, in currency order."""
    return per_currency((a.total, a.currency) for a in accruals)


class _Writer:
    """Writes a posting's accruals, their lines and ledger credits in batches, in the run's transaction.

    An accrual's row (chained) waits for its batch; its lines follow their accruals' rows, in payment
    id order (the order of their unique index, and of the payments they refer to), as the database's
    own text: each line's terms are shared by the lines of a day and currency and are written out once.
    A batch of lines is inserted while the next is priced (`InsertsBehind`); leaving the `with` block
    waits for it, whether the run succeeded or failed."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.chain = chain.Chain(session, chain.ACCRUALS)
        self.accruals: list[dict[str, Any]] = []
        self.credits: list[dict[str, Any]] = []
        self.texts: dict[tuple[int, int, int], tuple[Terms, _Shown]] = {}
        # each terms object of the run (agencies share them) -> its texts; the objects are kept, so
        # their ids stay theirs for the whole run
        self.shown: dict[int, _Shown] = {}
        self.kept: list[Terms] = []
        # a batch's lines go in in payment id order: the order of their unique index, and of the payments
        self.inserts = InsertsBehind(session, AccrualLine.__table__, LINE_COLUMNS,  # type: ignore[arg-type]
                                     order_by="payment_id")
        # a line as stored: a tuple of LINE_COLUMNS' values, or (SQLite) the text of its JSON array
        self.lines: list[Any] = []

    def __enter__(self) -> _Writer:
        self.inserts.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.inserts.__exit__(*exc)

    def add(self, agency_id: int, accrual: AgencyAccrual) -> None:
        accrual_id = self.chain.next_key()
        currency = accrual.currency
        credit = reversal = 0
        parts: list[str] = []
        if accrual.lines:
            # column by column: each column's values made in one pass
            (payment_ids, _projects, _moments, _days, _periods, _services, _amounts, _currencies, refunds, lates,
             terms, usd_amounts, partner_amounts, commissions) = zip(*accrual.lines, strict=True)
            minors = list(map(int, map(Decimal.scaleb, commissions, repeat(minor_digits(currency)), repeat(EXACT))))
            if max(minors) > MAX_STORED_MINOR or min(minors) < -MAX_STORED_MINOR:
                for commission, minor in zip(commissions, minors, strict=True):
                    if abs(minor) > MAX_STORED_MINOR:
                        to_minor(commission, currency)  # refused there, with the amount
            credit = sum(minors)
            if refunds.count(None) < len(refunds):
                reversal = sum(minor for minor, refund_of in zip(minors, refunds, strict=True) if refund_of is not None)
                credit -= reversal
            shown = self._shown(terms)
            usd_texts = map(format, usd_amounts, repeat("f"))
            partner_texts = map(format, partner_amounts, repeat("f"))
            if self.inserts.texts:
                self.lines.extend(map(_LINE_JSON.__mod__, zip(
                    repeat(accrual_id), map(encode_basestring, payment_ids), lates, map(_STORED_JSON, shown),
                    usd_texts, partner_texts, minors)))
            else:
                self.lines.extend(zip(repeat(accrual_id), payment_ids, lates, map(_PERCENT, shown),
                                      map(_PAY_RATE, shown), map(_PARTNER_RATE, shown), usd_texts, partner_texts,
                                      minors))
            parts = chain.line_texts(payment_ids, lates, map(_DIGEST, shown), minors)
        self.accruals.append(self.chain.link(dict(
            agency_id=agency_id,
            period=str(accrual.period),
            currency=currency,
            turnover_usd=_exact(accrual.turnover),
            percent=accrual.percent,
            amount_minor=to_minor(accrual.total, currency),
            reward_usd=accrual.reward_usd,
            reward_level_usd=accrual.reward_level_usd,
            benefits=json.dumps(list(accrual.benefits), ensure_ascii=False),
            tier_version_id=accrual.table.version_id,
            lines=accrual.line_count,
            late_lines=accrual.late_lines,
            lines_hash=chain.lines_digest(parts),
        )))
        effective = accrual.period.end - ONE_DAY  # credited on the period's last day
        note = f"{accrual.period} accrual"
        self.credits.append(dict(agency_id=agency_id, kind=EntryKind.ACCRUAL, amount_minor=credit, currency=currency,
                                 effective_on=effective, user_name=self.actor.name, accrual_id=accrual_id,
                                 note=note))
        if reversal:
            self.credits.append(dict(agency_id=agency_id, kind=EntryKind.REFUND_REVERSAL, amount_minor=reversal,
                                     currency=currency, effective_on=effective, user_name=self.actor.name,
                                     accrual_id=accrual_id, note=f"{accrual.period} refunds reversed"))
        if len(self.lines) >= LINE_BATCH:
            self.flush()

    def _shown(self, terms: tuple[Terms, ...]) -> list[_Shown]:
        """Each line's terms written out (`_terms`), each terms object of the run once."""
        known = self.shown
        for key, one in {id(one): one for one in terms}.items():
            if key not in known:
                known[key] = self._terms(one)
                self.kept.append(one)
        return list(map(known.__getitem__, map(id, terms)))

    def _terms(self, terms: Terms) -> _Shown:
        """A line's terms as stored (percent, pay rate, partner rate), as its digest has them, and as
        the stored three in a JSON array's text.

        A run's percents and rates are a few objects (the rate book's, the commission table's), each
        shared by many terms, so each combination is written out once; the objects are kept with
        their texts, so their ids stay theirs for the whole run."""
        key = (id(terms.percent), id(terms.pay_rate), id(terms.partner_rate))
        found = self.texts.get(key)
        if found is None:
            partner_rate = None if terms.partner_rate is None else format(terms.partner_rate, "f")
            stored = (format(terms.percent, "f"), format(terms.pay_rate, "f"), partner_rate)
            shown = (*stored, chain.terms_text(terms.percent, terms.pay_rate, terms.partner_rate),
                     json.dumps(stored, separators=(",", ":"))[1:-1])
            found = self.texts[key] = (terms, shown)
        return found[1]

    def flush(self) -> None:
        if self.accruals:
            # Core inserts, not ORM objects: a run writes thousands of accruals and needs none back
            self.session.connection().execute(insert(Accrual), self.accruals)
            self.accruals = []
        if self.lines:
            if self.inserts.texts:
                self.inserts.put_texts(self.lines)
            else:
                self.inserts.put(self.lines)
            self.lines = []

    def finish(self) -> None:
        self.flush()
        # the credits in one statement: there is one or two per accrual
        chain.append(self.session, chain.LEDGER, self.credits)


def _exact(value: Fraction) -> Decimal:
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


def accrual_as_dict(accrual: AgencyAccrual) -> dict[str, Any]:
    """The `accrue --json` shape of one accrual (SPEC section 10)."""
    cur = accrual.currency
    return {
        "agency": accrual.agency,
        "period": str(accrual.period),
        "currency": cur,
        "turnover_usd": format_usd(accrual.turnover),
        "percent": format_percent(accrual.percent),
        "amount": format_amount(accrual.total, cur),
        "reward_usd": format_usd(accrual.reward),
        "benefits": list(accrual.benefits),
        "lines": [
            {
                "payment_id": line.payment_id,
                "project_id": line.project_id,
                "paid_at": line.paid_at.isoformat().replace("+00:00", "Z"),
                "service": line.service,
                "amount": format_amount(line.amount, line.currency),
                "currency": line.currency,
                "usd_amount": format_usd(line.usd_amount),
                "partner_amount": format_amount(line.partner_amount, cur),
                "commission": format_amount(line.commission, cur),
                "percent": format_percent(line.terms.percent),
                "late": line.late,
                "refund_of": line.refund_of,
            }
            for line in accrual.lines
        ],
    }


def run_as_dict(run: AccrualRun) -> dict[str, Any]:
    return {
        "period": str(run.period),
        "already_accrued": run.already_accrued,
        "accruals": [accrual_as_dict(a) for a in run.accruals],
    }
