"""What the "Today" page shows each morning: the period to post next and why it cannot be posted
yet, requests waiting for approval and approved ones not yet paid, agencies close to their next
commission level this month, benefits reached and not yet fulfilled, agencies that could withdraw
and have no request open, the last import of each kind, and the currencies without today's rate.

Every rule is asked of the place that owns it: posting of `accrual_views.post_refusals` (over
`domain/posting.py`), the next period of `accrual_views.calendar`, eligibility of
`domain/withdrawals.py`, the next level of `domain/tiers.py` (`TierTable.within_reach`), a qualifying
month of `domain/rewards.py` (`qualified`). A manager sees the agencies they manage only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import USD, round_usd
from partner_desk.domain.periods import Period, local_date, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.rewards import Fulfilment, qualified
from partner_desk.domain.roles import Actor, Role
from partner_desk.domain.withdrawals import SETTLED, Status, withdrawal_refusals
from partner_desk.services.accrual_views import calendar, post_refusals
from partner_desk.services.accruals import preview_period
from partner_desk.services.balances import positions
from partner_desk.services.imports import KINDS
from partner_desk.services.reporting import Reporting, reporting
from partner_desk.services.withdrawals import WithdrawalView, list_withdrawals
from partner_desk.store.engine import Database
from partner_desk.store.models import (
    Accrual,
    Agency,
    Benefit,
    BenefitState,
    ImportRun,
    Project,
    Rate,
    RewardLevelRow,
)
from partner_desk.store.queries import company_tz, rate_book


class AgencyFacts(Protocol):
    """What the page reads of each agency (a row of the agencies table)."""

    id: int
    code: str
    name: str
    currency: str
    offer_accepted_at: datetime | None
    manager: str | None


@dataclass(frozen=True, slots=True)
class Posting:
    """The period to post next (None: nothing to post yet) and every reason it cannot be posted now."""

    period: Period | None
    refusals: list[Refusal]  # typed: the window words them in its language (refusal_text.shown)

    @property
    def can_post(self) -> bool:
        return self.period is not None and not self.refusals


@dataclass(frozen=True, slots=True)
class Requests:
    """Requests of one state: how many, and their total per currency."""

    status: Status
    count: int
    totals: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class NearLevel:
    """An agency whose running month is close to the next commission level."""

    code: str
    name: str
    turnover: Decimal  # USD so far, rounded for showing
    threshold: Decimal  # USD, the next level's
    missing: Decimal  # USD, rounded for showing
    percent: Decimal  # the next level's


@dataclass(frozen=True, slots=True)
class BenefitDue:
    """A benefit an agency reached in a posted month and that is not delivered yet."""

    code: str
    name: str
    benefit: str
    min_reward_usd: Decimal
    last_month: str  # the latest posted month that qualified
    state: str | None  # the latest fulfilment state, None when nobody set one


@dataclass(frozen=True, slots=True)
class IdleBalance:
    """An agency that may withdraw today and has no request pending or approved."""

    code: str
    name: str
    currency: str
    available: Decimal


@dataclass(frozen=True, slots=True)
class LastImport:
    kind: str
    at: datetime | None  # None: never imported
    file_name: str | None
    user_name: str | None


@dataclass(frozen=True, slots=True)
class MissingRate:
    """A currency in use with no rate dated today; `latest` the day of its newest rate, if any."""

    currency: str
    latest: date | None


@dataclass(frozen=True)
class Today:
    today: date
    running: Period
    mine_only: bool  # a manager: only the agencies they manage
    posting: Posting
    pending: Requests
    approved: Requests
    near: list[NearLevel]
    near_note: str | None  # why the running month could not be previewed
    benefits: list[BenefitDue]
    idle: list[IdleBalance]
    imports: list[LastImport]
    missing_rates: list[MissingRate]
    reporting: Reporting
    currencies_in_use: list[str] = field(default_factory=list)
    near_pending: bool = False  # read with near=False: `near_levels` fills `near` and `near_note`


def _requests(status: Status, requests: Iterable[WithdrawalView]) -> Requests:
    rows = [r for r in requests if r.status is status]
    totals: dict[str, Decimal] = {}
    for r in rows:
        totals[r.currency] = totals.get(r.currency, Decimal(0)) + r.amount
    return Requests(status, len(rows), dict(sorted(totals.items())))


def _benefits_due(agencies: Sequence[AgencyFacts], accrued: Iterable[tuple[int, str, Decimal | None]],
                  benefit_rows: Sequence[tuple[int, str, Decimal]],
                  states: dict[tuple[int, int], str]) -> list[BenefitDue]:
    """Each benefit an agency's posted months reached and that is not delivered; `accrued` by period."""
    months_of: dict[int, list[tuple[str, Decimal | None]]] = {}
    for aid, period, level in accrued:
        months_of.setdefault(aid, []).append((period, level))
    benefits: list[BenefitDue] = []
    for a in agencies:
        months = months_of.get(a.id)
        if not months:
            continue
        for benefit_id, benefit_name, minimum in benefit_rows:
            state = states.get((a.id, benefit_id))
            if state == Fulfilment.DELIVERED.value:
                continue
            latest = next((p for p, level in reversed(months) if qualified(level, minimum)), None)
            if latest is not None:
                benefits.append(BenefitDue(a.code, a.name, benefit_name, minimum, latest, state))
    return benefits


def today_view(db: Database, actor: Actor, as_of: date | None = None, *, near: bool = True) -> Today:
    """Everything the Today page shows, for `actor` (a manager: their agencies only). With
    `near=False` the agencies close to their next level are left for `near_levels` (previewing the
    running month is the costly part), and the view says so in `near_pending`."""
    mine_only = actor.role is Role.MANAGER
    with db.read() as session:
        tz = company_tz(session)
        today = as_of or today_in(tz)
        agencies: list[AgencyFacts] = [
            a for a in session.execute(select(Agency.id, Agency.code, Agency.name, Agency.currency,
                                              Agency.offer_accepted_at, Agency.manager).order_by(Agency.code))
            if not mine_only or a.manager == actor.name]
        ids = {a.id: a for a in agencies}
        found = (positions(session, list(ids)) if mine_only else positions(session)) if ids else {}
        book = rate_book(session)
        benefit_rows = list(session.execute(
            select(Benefit.id, Benefit.name, RewardLevelRow.min_reward_usd)
            .join(RewardLevelRow, RewardLevelRow.id == Benefit.level_id)
            .order_by(RewardLevelRow.min_reward_usd, Benefit.position)))
        states: dict[tuple[int, int], str] = {}
        for row in session.scalars(select(BenefitState).order_by(BenefitState.id)):
            states[(row.agency_id, row.benefit_id)] = row.state  # the latest row wins
        accrued = list(session.execute(select(Accrual.agency_id, Accrual.period, Accrual.reward_level_usd)
                                       .order_by(Accrual.period)))
        imports: dict[str, LastImport] = {}
        for done in session.scalars(select(ImportRun).order_by(ImportRun.id.desc())):
            imports.setdefault(done.kind, LastImport(done.kind, done.at, done.file_name, done.user_name))
        in_use = sorted((set(session.scalars(select(Agency.currency).distinct()))
                         | set(session.scalars(select(Project.currency).distinct()))) - {USD})
        latest = {cur: session.scalar(select(Rate.day).where(Rate.currency == cur)
                                      .order_by(Rate.day.desc()).limit(1)) for cur in in_use}
        idle_candidates = []
        for a in agencies:
            accepted = local_date(a.offer_accepted_at, tz) if a.offer_accepted_at else None
            reasons = withdrawal_refusals(offer_accepted_on=accepted, available=found[a.id].available,
                                          currency=a.currency, rate=book.maybe_rate(a.currency, today),
                                          today=today)
            if not reasons:
                idle_candidates.append(a)
    codes = {a.code for a in agencies}

    cal = calendar(db, as_of)
    period = cal.next_to_post
    posting = Posting(period, post_refusals(db, actor, period, as_of) if period is not None else [])

    requests = [r for r in list_withdrawals(db) if r.agency in codes]
    open_agencies = {r.agency for r in requests if r.status not in SETTLED}
    pending, approved = _requests(Status.PENDING, requests), _requests(Status.APPROVED, requests)

    benefits = _benefits_due(agencies, accrued, benefit_rows, states)

    idle = [IdleBalance(a.code, a.name, a.currency, found[a.id].available)
            for a in idle_candidates if a.code not in open_agencies]
    shown_imports = [imports.get(kind, LastImport(kind, None, None, None)) for kind in KINDS]
    missing = [MissingRate(cur, latest[cur]) for cur in in_use if latest[cur] != today]
    currencies = set(pending.totals) | set(approved.totals) | {i.currency for i in idle}
    found_today = Today(today, cal.running, mine_only, posting, pending, approved, [], None, benefits, idle,
                        shown_imports, missing, reporting(db, currencies, today), in_use, near_pending=True)
    return near_levels(db, actor, found_today, as_of) if near else found_today


def near_levels(db: Database, actor: Actor, view: Today, as_of: date | None = None) -> Today:
    """`view` with the agencies whose running month is within reach of their next level (of
    `TierTable.within_reach`), from a preview of the running month as of the same day; a month that
    cannot be previewed leaves the list empty and says why in `near_note`."""
    with db.read() as session:
        query = select(Agency.code, Agency.name)
        if view.mine_only:
            query = query.where(Agency.manager == actor.name)
        names = {code: name for code, name in session.execute(query)}
    near: list[NearLevel] = []
    try:
        run = preview_period(db, actor, view.running, as_of)
    except UserError as exc:
        return replace(view, near=near, near_note=str(exc), near_pending=False)
    for accrual in run.accruals:
        nxt = accrual.table.within_reach(accrual.turnover)
        if accrual.agency in names and nxt is not None:
            near.append(NearLevel(accrual.agency, names[accrual.agency], round_usd(accrual.turnover),
                                  nxt.min_usd, round_usd(Fraction(nxt.min_usd) - accrual.turnover),
                                  nxt.percent))
    return replace(view, near=near, near_note=None, near_pending=False)
