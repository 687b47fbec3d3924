"""What the accruals page shows: a period's preview or its posted accruals, and whether it can be posted.

Reads only. Posting itself is `services.accruals.post_period`; the refusal reasons here follow the
same rules (SPEC section 4) so the window can say why "Post" is unavailable before anyone clicks it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from partner_desk.domain.money import from_minor, round_usd
from partner_desk.domain.periods import Period, today_in
from partner_desk.domain.posting import posting_refusals
from partner_desk.domain.roles import NEEDS, Actor
from partner_desk.i18n import _
from partner_desk.services.accruals import AgenciesPriced, preview_period
from partner_desk.services.balances import positions
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, Agency, Payment, PostedPeriod
from partner_desk.store.queries import company_tz, posted_periods


@dataclass(frozen=True, slots=True)
class AccrualRow:
    """One agency's accrual for a period, previewed or posted; `balance` is the current one, posted only."""

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
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row.currency] += row.commission
    return dict(sorted(totals.items()))


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


def post_refusals(db: Database, actor: Actor, period: Period, as_of: date | None = None) -> list[str]:
    """Every reason `actor` cannot post `period` now; empty when posting would go ahead."""
    reasons: list[str] = []
    needed = NEEDS["accrue.post"]
    if not actor.may(needed):
        role = actor.role.label if actor.role else _("no role")
        reasons.append(_("posting needs the {needed} role (you are {role})").format(
            needed=needed.label, role=role))
    with db.read() as session:
        today = as_of or today_in(company_tz(session))
        posted = posted_periods(session)
    return reasons + posting_refusals(period, posted, today)


def preview(db: Database, actor: Actor, period: Period, as_of: date | None = None,
            priced: AgenciesPriced | None = None) -> PeriodView:
    """The accruals `period` would post, with each agency's name, and the totals per currency;
    `priced(n)` hears how many agencies are priced so far."""
    run = preview_period(db, actor, period, as_of, priced)
    with db.read() as session:
        names = {code: name for code, name in session.execute(select(Agency.code, Agency.name))}
    rows = [
        AccrualRow(a.agency, names.get(a.agency, ""), a.currency, a.turnover_usd, a.percent, a.total,
                   a.line_count, a.late_lines, round_usd(a.reward))
        for a in run.accruals
    ]
    return PeriodView(period, False, rows, run.totals_by_currency(), run.message, agencies=len(names))


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
                   Accrual.reward_usd)
            .join(Agency, Agency.id == Accrual.agency_id)
            .where(Accrual.period == str(period))
            .order_by(Agency.code)
        )
        found = list(session.execute(stmt))
        agencies = session.scalar(select(func.count(Agency.id))) or 0
        zone = company_tz(session).key
        balances = positions(session, [r[0] for r in found]) if found else {}
    rows = [
        AccrualRow(code, name, cur, round_usd(turnover), percent, from_minor(minor, cur), lines, late,
                   round_usd(reward), balances[agency_id].balance)
        for agency_id, code, name, cur, turnover, percent, minor, lines, late, reward in found
    ]
    message = _("{period} was posted: {count} accruals").format(period=period, count=len(rows))
    return PeriodView(period, True, rows, totals_by_currency(rows), message, mark.posted_at,
                      mark.posted_by, mark.as_of, agencies, zone)


def period_view(db: Database, actor: Actor, period: Period, as_of: date | None = None,
                priced: AgenciesPriced | None = None) -> PeriodView:
    """The posted accruals of a posted period, else the preview."""
    return posted(db, period) or preview(db, actor, period, as_of, priced)
