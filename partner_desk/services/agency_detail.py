"""One agency as its page shows it (reads only): header, progress to the next levels, benefits,
withdrawal eligibility, projects with connection history, payments, accruals with their lines, the
ledger and a 12-month series of licence turnover and commission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select

from partner_desk.domain.accrual import SUBSCRIPTION, AgencyAccrual
from partner_desk.domain.errors import PeriodNote, UserError
from partner_desk.domain.languages import DEFAULT_STATEMENT_LANGUAGE, statement_language
from partner_desk.domain.ledger import Position, running
from partner_desk.domain.money import from_minor, round_usd
from partner_desk.domain.periods import Period, local_date, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.rewards import qualified as qualified_for
from partner_desk.domain.roles import Actor
from partner_desk.domain.tiers import TierHistory, TierTable
from partner_desk.refusal_text import Refused
from partner_desk.services.accrual_views import PeriodLine, posted_line
from partner_desk.services.accruals import preview_period
from partner_desk.services.balances import balances
from partner_desk.services.versions import ledger_head
from partner_desk.store.accrual_queries import connected_at_moment
from partner_desk.store.connections import is_connected, view_moment
from partner_desk.store.engine import Database
from partner_desk.store.models import (
    Accrual,
    AccrualLine,
    Agency,
    Benefit,
    BenefitState,
    Connection,
    LedgerEntry,
    Payment,
    Project,
    RewardLevelRow,
)
from partner_desk.store.queries import (
    company_tz,
    default_statement_language,
    posted_periods,
    reward_schedule,
    tier_history,
)

CHART_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a value is from the next level; `target` None when the top level is reached."""

    value: Decimal
    reached: Decimal | None
    target: Decimal | None
    next_value: Decimal | None  # the percent (commission) or threshold (reward) of the next level

    @property
    def missing(self) -> Decimal:
        return max(self.target - self.value, Decimal(0)) if self.target is not None else Decimal(0)


@dataclass(frozen=True, slots=True)
class MonthLevels:
    """One month on the commission and reward levels: the last month (posted, or its preview) or the
    running one (its preview so far)."""

    period: Period
    posted: bool
    turnover: Decimal  # licence turnover, USD, rounded for showing
    percent: Decimal  # the accrual's percent; with no accrual, the level its turnover reaches
    commission: Progress  # turnover against the commission levels of the table in force that month
    reward: Progress  # the reward (the commission's value in USD) against the reward levels


def month_levels(period: Period, posted: bool, turnover: Decimal | Fraction, percent: Decimal | None, reward: Decimal,
                 table: TierTable, schedule: RewardSchedule) -> MonthLevels:
    """Where a month's exact licence turnover and rounded reward stand on the levels: levels are
    judged on the exact turnover, as posting judges them; only the shown value is rounded."""
    reached_index = table.level_index(turnover)
    nxt = table.next_level(turnover)
    commission = Progress(round_usd(turnover), table.levels[reached_index].min_usd if reached_index >= 0 else None,
                          nxt.min_usd if nxt else None, nxt.percent if nxt else None)
    reached_levels = schedule.reached(reward)
    next_reward = schedule.next_level(reward)
    reward_progress = Progress(reward, reached_levels[-1].min_reward_usd if reached_levels else None,
                               next_reward.min_reward_usd if next_reward else None,
                               next_reward.min_reward_usd if next_reward else None)
    return MonthLevels(period, posted, round_usd(turnover),
                       percent if percent is not None else table.percent_for(turnover),
                       commission, reward_progress)


@dataclass(frozen=True, slots=True)
class BenefitRow:
    benefit_id: int
    name: str
    min_reward_usd: Decimal
    reached_last_month: bool
    months_qualified: tuple[str, ...]
    state: str | None
    changed_by: str | None
    changed_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    project_id: str
    project_name: str
    project_currency: str
    connected_at: datetime
    disconnected_at: datetime | None
    current: bool


@dataclass(frozen=True, slots=True)
class MonthPoint:
    period: Period
    turnover_usd: Decimal
    commission: Decimal | None
    posted: bool


@dataclass(frozen=True)
class AgencyDetail:
    id: int
    code: str
    name: str
    currency: str
    manager: str | None
    offer_accepted_on: date | None
    today: date
    last_period: Period
    running_period: Period
    last_percent: Decimal | None
    last_reward_usd: Decimal | None
    last_posted: bool
    running: AgencyAccrual | None
    commission: Progress
    reward: Progress
    balance: Decimal
    held: Decimal
    available: Decimal
    reasons: tuple[Refusal, ...]
    benefits: list[BenefitRow]
    connections: list[ConnectionRow]
    chart: list[MonthPoint]
    notes: list[PeriodNote]
    last_levels: MonthLevels | None  # None when the last month's preview is refused
    running_levels: MonthLevels
    reward_levels: tuple[Decimal, ...]  # the reward levels that unlock benefits, USD a month
    time_zone: str = "UTC"  # the company's, for showing stored UTC moments
    language: str | None = None  # of its statements; None: the company default
    default_language: str = DEFAULT_STATEMENT_LANGUAGE
    # the version of the balance shown (services/versions.py): read before it, so a change between
    # the two reads makes an action refuse rather than act on a balance nobody saw
    ledger_head: int = 0

    @property
    def statement_language(self) -> str:
        return statement_language(None, self.language, self.default_language)

    @property
    def can_withdraw(self) -> bool:
        return not self.reasons

    @property
    def current_projects(self) -> list[ConnectionRow]:
        return [c for c in self.connections if c.current]


def _agency(db: Database, code: str) -> Agency:
    with db.read() as session:
        agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise Refused(Refusal("unknown_agency", {"agency": code}))
    return agency


def _preview_of(db: Database, actor: Actor, period: Period, today: date, code: str,
                notes: list[PeriodNote]) -> tuple[bool, AgencyAccrual | None]:
    try:
        run = preview_period(db, actor, period, today, agency=code)
    except UserError as exc:
        notes.append(PeriodNote(period, exc))
        return False, None
    return True, next(iter(run.accruals), None)


@dataclass
class _Stored:
    """What the agency page reads of one agency in one read transaction."""

    tz: ZoneInfo
    today: date
    posted: list[Period]
    tiers: TierHistory
    schedule: RewardSchedule
    default_language: str
    accruals: dict[Period, Accrual]
    connections: list[ConnectionRow]
    benefit_rows: list[tuple[Benefit, Decimal]]
    states: dict[int, BenefitState]
    ledger_head: int


def _read(db: Database, agency: Agency, as_of: date | None) -> _Stored:
    with db.read() as session:
        head = ledger_head(session, agency.id)
        tz = company_tz(session)
        today = as_of or today_in(tz)
        moment = view_moment(as_of, tz)
        accruals = {Period.parse(a.period): a
                    for a in session.scalars(select(Accrual).where(Accrual.agency_id == agency.id))}
        connections = [
            ConnectionRow(c.project_id, p.name, p.currency, c.connected_at, c.disconnected_at,
                          is_connected(c.connected_at, c.disconnected_at, moment))
            for c, p in session.execute(
                select(Connection, Project).join(Project, Project.project_id == Connection.project_id)
                .where(Connection.agency_id == agency.id)
                .order_by(Connection.project_id, Connection.connected_at))
        ]
        benefit_rows = [(b, m) for b, m in session.execute(
            select(Benefit, RewardLevelRow.min_reward_usd).join(RewardLevelRow, RewardLevelRow.id == Benefit.level_id)
            .order_by(RewardLevelRow.min_reward_usd, Benefit.position))]
        states: dict[int, BenefitState] = {}
        for state in session.scalars(select(BenefitState).where(BenefitState.agency_id == agency.id)
                                     .order_by(BenefitState.id)):
            states[state.benefit_id] = state  # the latest row wins
        return _Stored(tz, today, posted_periods(session), tier_history(session), reward_schedule(session),
                       default_statement_language(session), accruals, connections, benefit_rows, states, head)


@dataclass
class _LastMonth:
    """Last month as the page shows it: posted, or its preview while it is not posted."""

    percent: Decimal | None
    reward: Decimal | None  # None when no preview can be made
    turnover: Decimal | Fraction


def _last_month(db: Database, actor: Actor, stored: _Stored, last: Period, code: str,
                notes: list[PeriodNote]) -> _LastMonth:
    if last in stored.posted:
        accrual = stored.accruals.get(last)
        if accrual is None:
            return _LastMonth(None, Decimal(0), Decimal(0))
        return _LastMonth(accrual.percent, round_usd(accrual.reward_usd), accrual.turnover_usd)
    ok, prev = _preview_of(db, actor, last, stored.today, code, notes)
    if prev is None:
        return _LastMonth(None, Decimal(0) if ok else None, Decimal(0))
    return _LastMonth(prev.percent, round_usd(prev.reward), prev.turnover)


def _benefits(stored: _Stored, last_reward: Decimal | None) -> list[BenefitRow]:
    # a posted month qualified for a benefit when the reward level it reached, as posted, is the
    # benefit's level or a higher one (levels are cumulative)
    qualified = {lv: tuple(str(p) for p, a in sorted(stored.accruals.items())
                           if qualified_for(a.reward_level_usd, lv))
                 for lv in {m for _b, m in stored.benefit_rows}}
    benefits = []
    for benefit, minimum in stored.benefit_rows:
        latest = stored.states.get(benefit.id)
        benefits.append(BenefitRow(
            benefit.id, benefit.name, minimum,
            last_reward is not None and last_reward >= minimum, qualified.get(minimum, ()),
            latest.state if latest else None, latest.changed_by if latest else None,
            latest.changed_at if latest else None, latest.note if latest else None))
    return benefits


def agency_detail(db: Database, actor: Actor, code: str, as_of: date | None = None) -> AgencyDetail:
    """Everything the agency page's header and tabs (but payments and ledger) show."""
    agency = _agency(db, code)
    stored = _read(db, agency, as_of)
    today, tz, schedule = stored.today, stored.tz, stored.schedule
    running_period = Period.of(today)
    last = running_period.previous()
    last_posted = last in stored.posted
    notes: list[PeriodNote] = []
    prior = _last_month(db, actor, stored, last, code, notes)
    _ok, running = _preview_of(db, actor, running_period, today, code, notes)
    running_levels = month_levels(running_period, False, running.turnover if running else Decimal(0),
                                  running.percent if running else None,
                                  round_usd(running.reward) if running else Decimal(0),
                                  stored.tiers.table_for(running_period), schedule)
    last_levels = None if prior.reward is None else month_levels(
        last, last_posted, prior.turnover, prior.percent, prior.reward, stored.tiers.table_for(last), schedule)
    (position,) = balances(db, code, today)
    return AgencyDetail(
        agency.id, agency.code, agency.name, agency.currency, agency.manager,
        local_date(agency.offer_accepted_at, tz) if agency.offer_accepted_at else None,
        today, last, running_period, prior.percent, prior.reward, last_posted, running,
        running_levels.commission, running_levels.reward,
        position.position.balance, position.position.held, position.position.available,
        tuple(position.refusals), _benefits(stored, prior.reward), stored.connections,
        _chart(stored.accruals, running_period, running), notes, last_levels, running_levels,
        tuple(lv.min_reward_usd for lv in schedule.levels), tz.key, agency.language, stored.default_language,
        stored.ledger_head)


def _chart(accruals: dict[Period, Accrual], running_period: Period,
           running: AgencyAccrual | None) -> list[MonthPoint]:
    months = [running_period]
    while len(months) < CHART_MONTHS:
        months.append(months[-1].previous())
    points = []
    for period in reversed(months):
        accrual = accruals.get(period)
        if accrual is not None:
            points.append(MonthPoint(period, round_usd(accrual.turnover_usd),
                                     from_minor(accrual.amount_minor, accrual.currency), True))
        elif period == running_period and running is not None:
            points.append(MonthPoint(period, round_usd(running.turnover), running.total, False))
        else:
            points.append(MonthPoint(period, Decimal(0), None, False))
    return points


@dataclass(frozen=True, slots=True)
class PaymentRow:
    payment_id: str
    project_id: str
    paid_at: datetime
    local_date: date
    period: str
    service: str
    amount: Decimal
    currency: str
    refund_of: str | None
    eligible: bool
    accrued_in: str | None


def agency_payments(db: Database, code: str, period: Period | None = None,
                    service: str | None = None, limit: int = 20_000) -> list[PaymentRow]:
    """Payments of the projects while they were connected to the agency, newest first; eligible ones
    (subscription payments and their refunds) marked, with the period each was accrued in."""
    agency = _agency(db, code)
    with db.read() as session:
        stmt = (
            select(Payment, Accrual.period)
            .join(Connection, connected_at_moment(Payment, Connection))
            .outerjoin(AccrualLine, AccrualLine.payment_id == Payment.payment_id)
            .outerjoin(Accrual, Accrual.id == AccrualLine.accrual_id)
            .where(Connection.agency_id == agency.id)
            .order_by(Payment.paid_at.desc(), Payment.payment_id)
            .limit(limit)
        )
        if period is not None:
            stmt = stmt.where(Payment.period == str(period))
        if service is not None:
            stmt = stmt.where(Payment.service == service)
        return [
            PaymentRow(p.payment_id, p.project_id, p.paid_at, p.local_date, p.period, p.service,
                       from_minor(p.amount_minor, p.currency), p.currency, p.refund_of,
                       p.service == SUBSCRIPTION, accrued)
            for p, accrued in session.execute(stmt)
        ]


@dataclass(frozen=True)
class AccrualRow:
    id: int
    period: str
    currency: str
    turnover_usd: Decimal
    percent: Decimal
    amount: Decimal
    reward_usd: Decimal
    lines: int
    late_lines: int
    posted_at: datetime
    line_rows: list[PeriodLine]  # as the Accruals page shows them


def agency_accruals(db: Database, code: str) -> list[AccrualRow]:
    """The agency's posted accruals, newest first, each with its lines."""
    agency = _agency(db, code)
    with db.read() as session:
        found = list(session.scalars(select(Accrual).where(Accrual.agency_id == agency.id)
                                     .order_by(Accrual.period.desc())))
        lines: dict[int, list[PeriodLine]] = {a.id: [] for a in found}
        stmt = (
            select(AccrualLine, Payment)
            .join(Payment, Payment.payment_id == AccrualLine.payment_id)
            .where(AccrualLine.accrual_id.in_(list(lines)))
            .order_by(Payment.paid_at, Payment.payment_id)
        )
        currencies = {a.id: a.currency for a in found}
        for line, payment in session.execute(stmt):
            lines[line.accrual_id].append(posted_line(line, payment, currencies[line.accrual_id]))
    return [
        AccrualRow(a.id, a.period, a.currency, round_usd(a.turnover_usd), a.percent,
                   from_minor(a.amount_minor, a.currency), round_usd(a.reward_usd), a.lines, a.late_lines,
                   a.posted_at, lines[a.id])
        for a in found
    ]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    effective_on: date
    created_at: datetime
    kind: str
    amount: Decimal
    currency: str
    balance_after: Decimal
    user_name: str | None
    project_id: str | None
    project_amount: Decimal | None
    project_currency: str | None
    note: str | None
    withdrawal_id: int | None = None
    period: Period | None = None  # the accrual's period, for accrual credits and refund reversals
    projected: bool = False


def agency_ledger(db: Database, code: str) -> list[LedgerRow]:
    """The agency's ledger entries in the order they were written, each with the balance after it
    (holds and releases earmark money and leave the balance as it is)."""
    agency = _agency(db, code)
    with db.read() as session:
        found = session.execute(select(LedgerEntry, Accrual.period)
                                .outerjoin(Accrual, Accrual.id == LedgerEntry.accrual_id)
                                .where(LedgerEntry.agency_id == agency.id).order_by(LedgerEntry.id)).all()
    entries = [e for e, _period in found]
    accrued = [None if p is None else Period.parse(p) for _e, p in found]
    rows = []
    amounts = [from_minor(e.amount_minor, e.currency) for e in entries]
    positions = running(Position(agency.currency, Decimal(0), Decimal(0)),
                        [(e.kind, amount) for e, amount in zip(entries, amounts, strict=True)])
    for e, amount, pos, period in zip(entries, amounts, positions, accrued, strict=True):
        balance = pos.balance
        project_amount = (from_minor(e.project_amount_minor, e.project_currency)
                          if e.project_amount_minor is not None and e.project_currency else None)
        rows.append(LedgerRow(e.id, e.effective_on, e.created_at, e.kind, amount, e.currency, balance,
                              e.user_name, e.project_id, project_amount, e.project_currency, e.note,
                              e.withdrawal_id, period))
    return rows

