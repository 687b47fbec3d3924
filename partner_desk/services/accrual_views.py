"""What the accruals page shows: a period's preview or its posted accruals, each agency's lines, and
whether the period can be posted.

Reads only. Posting itself is `services.accruals.post_period`; the refusal reasons here follow the
same rules (SPEC section 4) so the window can say why "Post" is unavailable before anyone clicks it.
A preview keeps the lines it priced, so the lines shown are exactly those of the row's total; a
posted period's lines are read as they were posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from partner_desk.domain.accrual import Line
from partner_desk.domain.money import from_minor, per_currency, round_usd
from partner_desk.domain.periods import Period, today_in
from partner_desk.domain.posting import posting_refusals
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor, role_refusal
from partner_desk.domain.tiers import BEGINNING
from partner_desk.i18n import _
from partner_desk.services.accruals import AgenciesPriced, preview_period
from partner_desk.services.balances import positions
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency, Payment, PostedPeriod, TierVersion
from partner_desk.store.queries import company_tz, posted_periods


@dataclass(frozen=True, slots=True)
class AccrualRow:
    """One agency's accrual for a period, previewed or posted; `balance` is the current one, posted only.

    `table_from` is the period the commission table that set the percent is in force from (the first
    version's is 0001-01: from the beginning); `table_version` its number (None: the default table).
    """

    code: str
    name: str
    currency: str
    turnover_usd: Decimal
    percent: Decimal
    commission: Decimal
    lines: int
    late_lines: int
    reward_usd: Decimal
    balance: Decimal | None = None
    table_from: Period = BEGINNING
    table_version: int | None = None


@dataclass(frozen=True, slots=True)
class PeriodLine:
    """One line of an agency's accrual: the payment (its moment is UTC), both rates it was priced at
    (`partner_rate` None: paid in the partner currency, no conversion), its exact USD and partner
    amounts and its commission, rounded once."""

    paid_at: datetime
    project_id: str
    payment_id: str
    service: str
    amount: Decimal
    currency: str
    pay_rate: Decimal
    partner_rate: Decimal | None
    usd_amount: Decimal
    partner_amount: Decimal
    percent: Decimal
    commission: Decimal
    late: bool
    refund_of: str | None


def _line_of(line: Line) -> PeriodLine:
    terms = line.terms
    return PeriodLine(line.paid_at, line.project_id, line.payment_id, line.service, line.amount, line.currency,
                      terms.pay_rate, terms.partner_rate, line.usd_amount, line.partner_amount, terms.percent,
                      line.commission, line.late, line.refund_of)


@dataclass(frozen=True)
class PeriodView:
    """A period as the accruals page shows it: its rows, totals per currency, and how it was posted."""

    period: Period
    posted: bool
    rows: list[AccrualRow]
    totals: dict[str, Decimal]
    message: str
    posted_at: datetime | None = None
    posted_by: str | None = None
    posted_as_of: date | None = None
    agencies: int = 0  # every agency in the database, with lines or not
    time_zone: str = "UTC"  # the company's, for showing when it was posted
    # a preview's lines, by agency code, as priced; a posted period's are read on demand
    lines: dict[str, tuple[PeriodLine, ...]] = field(default_factory=dict)

    @property
    def without_lines(self) -> int:
        """Agencies with no accrual in the period: nothing of theirs was (or would be) accrued."""
        return max(self.agencies - len(self.rows), 0)

    @property
    def late_lines(self) -> int:
        return sum(r.late_lines for r in self.rows)


@dataclass(frozen=True)
class Calendar:
    """Where the accrual calendar stands today: what is posted, what comes next, what to show first."""

    today: date
    running: Period
    posted: list[Period]
    next_to_post: Period | None
    default: Period
    choices: list[Period]


def totals_by_currency(rows: list[AccrualRow]) -> dict[str, Decimal]:
    """The sum of the commissions per currency, in currency order."""
    return per_currency((row.commission, row.currency) for row in rows)


def _next_to_post(posted: list[Period], first_payment: Period | None, today: date) -> Period | None:
    """The month after the last posted one; with nothing posted, the earliest month with payments
    (posting it first keeps later months from turning its payments into late ones)."""
    if posted:
        return posted[-1].next()
    if first_payment is None:
        return None
    return min(first_payment, Period.of(today).previous())


def calendar(db: Database, as_of: date | None = None) -> Calendar:
    """The periods posted so far, the next one to post and the one the page opens on: the next
    period to post when it has ended, else the running month."""
    with db.read() as session:
        today = as_of or today_in(company_tz(session))
        posted = posted_periods(session)
        first_text = session.scalar(select(func.min(Payment.period)))
    first_payment = Period.parse(first_text) if first_text else None
    nxt = _next_to_post(posted, first_payment, today)
    running = Period.of(today)
    default = nxt if nxt is not None and nxt.has_ended(today) else running
    return Calendar(today, running, posted, nxt, default, _choices(running, posted, first_payment))


def _choices(running: Period, posted: list[Period], first_payment: Period | None) -> list[Period]:
    """The months worth offering, newest first: from the earliest posted or paid month (at least a
    year back, at most ten) up to the running month."""
    earliest = running
    for _step in range(12):
        earliest = earliest.previous()
    floor = Period(running.year - 10, running.month)
    for candidate in posted[:1] + ([first_payment] if first_payment else []):
        earliest = min(earliest, max(candidate, floor))
    result = []
    current = running
    while current >= earliest:
        result.append(current)
        current = current.previous()
    return result


def post_refusals(db: Database, actor: Actor, period: Period, as_of: date | None = None) -> list[Refusal]:
    """Every reason `actor` cannot post `period` now, typed (the reader words them: `refusal_text`);
    empty when posting would go ahead."""
    role = role_refusal(actor, Action.ACCRUE_POST)
    with db.read() as session:
        today = as_of or today_in(company_tz(session))
        posted = posted_periods(session)
    return ([role] if role else []) + posting_refusals(period, posted, today)


def preview(db: Database, actor: Actor, period: Period, as_of: date | None = None,
            priced: AgenciesPriced | None = None) -> PeriodView:
    """The accruals `period` would post, with each agency's name, and the totals per currency;
    `priced(n)` hears how many agencies are priced so far."""
    run = preview_period(db, actor, period, as_of, priced)
    with db.read() as session:
        names = {code: name for code, name in session.execute(select(Agency.code, Agency.name))}
        zone = company_tz(session).key
    rows = [
        AccrualRow(a.agency, names.get(a.agency, ""), a.currency, a.turnover_usd, a.percent, a.total,
                   a.line_count, a.late_lines, round_usd(a.reward), None, a.table.effective_from,
                   a.table.version_id)
        for a in run.accruals
    ]
    lines = {a.agency: tuple(_line_of(line) for line in a.lines) for a in run.accruals}
    return PeriodView(period, False, rows, run.totals_by_currency(), run.message, agencies=len(names),
                      time_zone=zone, lines=lines)


def posted(db: Database, period: Period) -> PeriodView | None:
    """A posted period as it was posted, read from the database, with each agency's balance today;
    None when the period is not posted."""
    with db.read() as session:
        mark = session.get(PostedPeriod, str(period))
        if mark is None:
            return None
        stmt = (
            select(Accrual.agency_id, Agency.code, Agency.name, Accrual.currency, Accrual.turnover_usd,
                   Accrual.percent, Accrual.amount_minor, Accrual.lines, Accrual.late_lines,
                   Accrual.reward_usd, Accrual.tier_version_id, TierVersion.effective_from)
            .join(Agency, Agency.id == Accrual.agency_id)
            .outerjoin(TierVersion, TierVersion.id == Accrual.tier_version_id)
            .where(Accrual.period == str(period))
            .order_by(Agency.code)
        )
        found = list(session.execute(stmt))
        agencies = session.scalar(select(func.count(Agency.id))) or 0
        zone = company_tz(session).key
        balances = positions(session, [r[0] for r in found]) if found else {}
    rows = [
        AccrualRow(code, name, cur, round_usd(turnover), percent, from_minor(minor, cur), lines, late,
                   round_usd(reward), balances[agency_id].balance,
                   effective or BEGINNING, version)
        for agency_id, code, name, cur, turnover, percent, minor, lines, late, reward, version, effective in found
    ]
    message = _("{period} was posted: {count} accruals").format(period=period, count=len(rows))
    return PeriodView(period, True, rows, totals_by_currency(rows), message, mark.posted_at,
                      mark.posted_by, mark.as_of, agencies, zone)


def posted_lines(db: Database, period: Period, code: str) -> list[PeriodLine]:
    """The lines of agency `code`'s posted accrual of `period`, in payment order, as posted."""
    with db.read() as session:
        stmt = (
            select(AccrualLine, Payment, Accrual.currency)
            .join(Accrual, Accrual.id == AccrualLine.accrual_id)
            .join(Agency, Agency.id == Accrual.agency_id)
            .join(Payment, Payment.payment_id == AccrualLine.payment_id)
            .where(Accrual.period == str(period), Agency.code == code)
            .order_by(Payment.paid_at, Payment.payment_id)
        )
        return [posted_line(line, p, currency) for line, p, currency in session.execute(stmt)]


def posted_line(line: AccrualLine, p: Payment, currency: str) -> PeriodLine:
    """A posted accrual line as the window shows it (the Accruals page and the agency page alike):
    its payment, the rates it was priced at, its exact amounts and its commission in `currency`."""
    return PeriodLine(p.paid_at, p.project_id, p.payment_id, p.service, from_minor(p.amount_minor, p.currency),
                      p.currency, line.pay_rate, line.partner_rate, line.usd_amount, line.partner_amount,
                      line.percent, from_minor(line.commission_minor, currency), line.late, p.refund_of)


def lines_of(db: Database, view: PeriodView, code: str) -> list[PeriodLine]:
    """Agency `code`'s lines in `view`: a preview's as priced, a posted period's as posted."""
    if not view.posted:
        return list(view.lines.get(code, ()))
    return posted_lines(db, view.period, code)


def period_view(db: Database, actor: Actor, period: Period, as_of: date | None = None,
                priced: AgenciesPriced | None = None) -> PeriodView:
    """The posted accruals of a posted period, else the preview."""
    return posted(db, period) or preview(db, actor, period, as_of, priced)
