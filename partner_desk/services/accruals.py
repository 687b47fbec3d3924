"""Previewing and posting a period's accruals (SPEC section 4)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from partner_desk.domain.accrual import AgencyAccrual, Candidate, ExactSum, accrue_agency
from partner_desk.domain.dates import as_of_refusal, future_refusal
from partner_desk.domain.errors import UserError
from partner_desk.domain.money import EXACT, format_amount, format_percent, format_usd, from_minor, to_minor
from partner_desk.domain.periods import ONE_DAY, Period, parse_period, today_in
from partner_desk.domain.posting import before_first, posting_refusals
from partner_desk.domain.rates import RateCollector
from partner_desk.domain.roles import Actor
from partner_desk.services import audit
from partner_desk.services.guard import refused, require
from partner_desk.store import accrual_queries as q
from partner_desk.store import chain, locks
from partner_desk.store.bulk import collector_paused, insert_rows
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency
from partner_desk.store.queries import company_tz, posted_periods, rate_book, reward_schedule, tier_history

LINE_COLUMNS = (
    "accrual_id", "payment_id", "late", "percent", "pay_rate", "partner_rate", "usd_amount",
    "partner_amount", "commission_minor",
)
LINE_BATCH = 50_000
# agencies priced between two progress reports
PROGRESS_EVERY = 200
AgenciesPriced = Callable[[int], None]


@dataclass(frozen=True)
class AccrualRun:
    """The outcome of a preview or a posting: what was (or would be) accrued."""

    period: Period
    already_accrued: bool
    posted: bool
    accruals: list[AgencyAccrual]
    message: str

    def totals_by_currency(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for accrual in self.accruals:
            totals[accrual.currency] += accrual.total
        return dict(sorted(totals.items()))


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


def _agency_batches(session: Session, period: Period, late_before: Period | None, only: int | None
                    ) -> Iterator[tuple[int, list[Candidate]]]:
    refunds: dict[int, list[Candidate]] = defaultdict(list)
    for agency_id, candidate in q.refund_candidates(session, period, late_before):
        if only is None or agency_id == only:
            refunds[agency_id].append(candidate)
    regular = q.regular_candidates(session, period, late_before, agency_id=only)
    for agency_id, rows in groupby(regular, key=itemgetter(0)):
        yield agency_id, [c for _, c in rows] + refunds.pop(agency_id, [])
    yield from sorted(refunds.items())


def _compute(session: Session, period: Period, plan: _Plan, only: int | None = None
             ) -> Iterator[tuple[int, AgencyAccrual]]:
    """Price every agency with lines in `period` (or only the agency `only`); missing rates are
    collected, then raised."""
    agencies = {a.id: a for a in session.scalars(select(Agency))}
    history = tier_history(session)
    table = history.table_for(period)
    rates = RateCollector(rate_book(session))
    rewards = reward_schedule(session)
    accrued: dict[tuple[int, Period], Decimal] | None = None
    closed_before = period if plan.include_late else (plan.posted[0] if plan.posted else None)
    posted = set(plan.posted)

    def percent_for(agency_id: int, own: Period) -> Decimal:
        nonlocal accrued
        if accrued is None:
            accrued = q.accrued_percents(session)
        found = accrued.get((agency_id, own))
        if found is not None:
            return found
        own_table = history.table_for(own)
        if own in posted or (closed_before is not None and own < closed_before):
            return own_table.base_percent
        turnover = ExactSum()
        for currency, day, minor in q.live_payments(session, agency_id, own):
            turnover.add(from_minor(minor, currency), rates.rate(currency, day))
        return own_table.percent_for(turnover.value())

    late_before = period if plan.include_late else None
    for agency_id, candidates in _agency_batches(session, period, late_before, only):
        agency = agencies[agency_id]
        result = accrue_agency(
            agency.code, agency.currency, period, candidates, table=table, rates=rates,
            percent_for=lambda own, a=agency_id: percent_for(a, own), rewards=rewards,  # type: ignore[misc]
        )
        if result is not None:
            yield agency_id, result
    rates.raise_if_missing()


def _check_period_text(text_period: str) -> Period:
    try:
        return parse_period(text_period)
    except ValueError as exc:
        raise UserError(str(exc)) from None


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
                   priced: AgenciesPriced | None = None, agency: str | None = None) -> AccrualRun:
    """The accruals a period would post, computed exactly as posting would, writing nothing;
    `priced(n)` hears how many agencies are priced so far. With `agency` (a code), only that
    agency's accrual is computed: each agency's accrual depends on its own payments alone."""
    period = period if isinstance(period, Period) else _check_period_text(period)
    with db.read() as session, collector_paused():
        today = read_day(session, as_of)
        plan = _plan(session, period, today)
        if period in plan.posted:
            return AccrualRun(period, True, False, [], f"{period} is already accrued: nothing to preview")
        if plan.posted and period < plan.posted[0]:
            # it can never be posted: its payments go, late, into the next run
            raise UserError(before_first(period, plan.posted[0]))
        only = None
        if agency is not None:
            only = session.scalar(select(Agency.id).where(Agency.code == agency))
            if only is None:
                raise UserError(f"unknown agency '{agency}'")
        accruals = [a for _, a in _reporting(_compute(session, period, plan, only), priced)]
    accruals.sort(key=lambda a: a.agency)
    note = "" if plan.ended else f" ({period} has not ended: preview only)"
    return AccrualRun(period, False, False, accruals, f"preview of {period}: {len(accruals)} accruals{note}")


def read_day(session: Session, as_of: date | None) -> date:
    """The day a read shows things as they stood on: today, or a chosen day that has come."""
    today = today_in(company_tz(session))
    if as_of is None:
        return today
    problem = as_of_refusal(as_of, today)
    if problem is not None:
        raise UserError(problem)
    return as_of


def _refuse_order(plan: _Plan, period: Period, today: date, as_of: date | None) -> None:
    """Posting needs the period to have ended by the real clock, whatever `as_of` says; `as_of`
    itself is a day that has come, on which the period had ended too."""
    if as_of is not None:
        problem = future_refusal(as_of, today, "--as-of")
        if problem is not None:
            raise UserError(problem)
        if not period.has_ended(as_of) and period.has_ended(today):
            raise UserError(f"{period} had not ended on {as_of}: posting it as of that day is refused")
    reasons = posting_refusals(period, plan.posted, today)
    if reasons:
        raise UserError("; ".join(reasons))


def post_period(db: Database, actor: Actor, period: Period | str, as_of: date | None = None,
                priced: AgenciesPriced | None = None) -> AccrualRun:
    """Post a period: every accrual, its lines and the ledger credits, in one transaction;
    `priced(n)` hears how many agencies are priced so far."""
    period = period if isinstance(period, Period) else _check_period_text(period)
    require(db, actor, "accrue.post", str(period))
    try:
        return _post(db, actor, period, as_of, priced)
    except UserError as exc:
        refused(db, actor, "accrue.post", str(period), exc)
        raise


def _post(db: Database, actor: Actor, period: Period, as_of: date | None,
          priced: AgenciesPriced | None = None) -> AccrualRun:
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
        buffer: list[tuple[Any, ...]] = []
        credits: list[dict[str, Any]] = []
        accrual_chain = chain.Chain(session, chain.ACCRUALS)
        for agency_id, accrual in _reporting(_compute(session, period, plan), priced):
            accruals.append(accrual)
            _write_accrual(session, actor, agency_id, accrual, buffer, credits, accrual_chain)
            if len(buffer) >= LINE_BATCH:
                _insert_lines(session, buffer)
        _insert_lines(session, buffer)
        # in one statement: there is one or two per accrual
        chain.append(session, chain.LEDGER, credits)
        accruals.sort(key=lambda a: a.agency)
        totals = {cur: format_amount(v, cur) for cur, v in _totals(accruals).items()}
        credited = {a.agency: format_amount(a.total, a.currency) for a in accruals}
        audit.record(session, actor, "accrue.post", str(period),
                     after={"period": str(period), "accruals": len(accruals), "totals": totals,
                            "as_of": day.isoformat(), "credits": credited})
    return AccrualRun(period, False, True, accruals, f"posted {period}: {len(accruals)} accruals")


def _insert_lines(session: Session, buffer: list[tuple[Any, ...]]) -> None:
    # in payment id order, the order of the unique index and of the payments it refers to, so the
    # database walks both indexes forward instead of jumping about them
    buffer.sort(key=itemgetter(1))
    insert_rows(session, AccrualLine.__table__, LINE_COLUMNS, buffer)  # type: ignore[arg-type]
    buffer.clear()


def _totals(accruals: list[AgencyAccrual]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for a in accruals:
        totals[a.currency] += a.total
    return dict(sorted(totals.items()))


def _write_accrual(session: Session, actor: Actor, agency_id: int, accrual: AgencyAccrual,
                   buffer: list[tuple[Any, ...]], credits: list[dict[str, Any]], accruals: chain.Chain) -> None:
    accrual_id = accruals.next_key()
    credit = Decimal(0)
    reversal = Decimal(0)
    parts: list[str] = []
    # the lines of one day and currency share their terms: each is written out once
    terms_texts: dict[int, str] = {}
    for line in accrual.lines:
        if line.refund_of is None:
            credit += line.commission
        else:
            reversal += line.commission
        terms = line.terms
        commission_minor = to_minor(line.commission, accrual.currency)
        buffer.append((
            accrual_id, line.payment_id, line.late, terms.percent, terms.pay_rate,
            terms.partner_rate, line.usd_amount, line.partner_amount, commission_minor,
        ))
        shown = terms_texts.get(id(terms))
        if shown is None:
            shown = terms_texts[id(terms)] = chain.terms_text(terms.percent, terms.pay_rate, terms.partner_rate)
        parts.append(chain.line_text(line.payment_id, line.late, shown, commission_minor))
    # Core inserts, not ORM objects: a run writes thousands of accruals and needs none of them back
    session.connection().execute(insert(Accrual), accruals.link(dict(
        agency_id=agency_id,
        period=str(accrual.period),
        currency=accrual.currency,
        turnover_usd=_exact(accrual.turnover),
        percent=accrual.percent,
        amount_minor=to_minor(accrual.total, accrual.currency),
        reward_usd=accrual.reward_usd,
        reward_level_usd=accrual.reward_level_usd,
        benefits=json.dumps(list(accrual.benefits), ensure_ascii=False),
        tier_version_id=accrual.table.version_id,
        lines=len(accrual.lines),
        late_lines=accrual.late_lines,
        lines_hash=chain.lines_digest(parts),
    )))
    effective = accrual.period.end - ONE_DAY  # credited on the period's last day
    entries = [("accrual", credit)] + ([("refund_reversal", reversal)] if reversal else [])
    credits.extend(
        dict(agency_id=agency_id, kind=kind, amount_minor=to_minor(amount, accrual.currency),
             currency=accrual.currency, effective_on=effective, user_name=actor.name, accrual_id=accrual_id,
             note=f"{accrual.period} accrual" if kind == "accrual" else f"{accrual.period} refunds reversed")
        for kind, amount in entries
    )


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
