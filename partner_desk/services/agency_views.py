"""The agency list: one row per agency, from a few set-based queries (reads only).

Each row carries what the agencies table shows: connected projects, last month's licence turnover
and the percent it reached (posted, else previewed), this month's running commission (the preview
of the running month), the balance and available amount, the offer and whether it can withdraw.

The running month's preview prices every agency's payments so far, the slowest part of the list: a
caller may ask for the list without it (`running=False`: its rows say the commission is still being
computed) and fill it in afterwards with `with_running_month`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from partner_desk.domain.errors import PeriodNote, UserError
from partner_desk.domain.money import round_usd
from partner_desk.domain.periods import Period, local_date, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Actor
from partner_desk.domain.withdrawals import withdrawal_refusals
from partner_desk.services.accruals import preview_period
from partner_desk.services.balances import positions
from partner_desk.store.connections import connected_at, view_moment
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, Agency, Connection
from partner_desk.store.queries import company_tz, posted_periods, rate_book

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class AgencyRow:
    """What the agency list shows of one agency; money in its partner currency."""

    id: int
    code: str
    name: str
    manager: str | None
    currency: str
    projects: int
    last_turnover_usd: Decimal | None
    last_percent: Decimal | None
    running_commission: Decimal | None
    balance: Decimal
    available: Decimal
    offer_accepted_on: date | None
    reasons: tuple[Refusal, ...]
    running_pending: bool = False  # the running month's preview is still being computed

    @property
    def can_withdraw(self) -> bool:
        return not self.reasons

    def matches(self, text: str) -> bool:
        """Case-insensitive search in code, name and manager; `text` already lower-case."""
        return (text in self.code.lower() or text in self.name.lower()
                or (self.manager is not None and text in self.manager.lower()))


@dataclass(frozen=True)
class AgencyList:
    today: date
    last_period: Period
    running_period: Period
    last_posted: bool
    rows: list[AgencyRow]
    notes: list[PeriodNote]
    running_pending: bool = False  # read without the running month's preview (see with_running_month)

    @property
    def managers(self) -> list[str]:
        return sorted({r.manager for r in self.rows if r.manager})

    @property
    def currencies(self) -> list[str]:
        return sorted({r.currency for r in self.rows})

    @property
    def percents(self) -> list[Decimal]:
        return sorted({r.last_percent for r in self.rows if r.last_percent is not None})


def _connected_counts(db: Database, now: datetime) -> dict[int, int]:
    with db.read() as session:
        stmt = (
            select(Connection.agency_id, func.count(func.distinct(Connection.project_id)))
            .where(connected_at(Connection, now))
            .group_by(Connection.agency_id)
        )
        return {aid: int(n) for aid, n in session.execute(stmt)}


def _previewed(db: Database, actor: Actor, period: Period, today: date,
               notes: list[PeriodNote]) -> dict[str, tuple[Decimal, Decimal, Decimal]] | None:
    """agency code -> (turnover USD, percent, commission) of a preview; None when it cannot be made."""
    try:
        run = preview_period(db, actor, period, today)
    except UserError as exc:
        notes.append(PeriodNote(period, exc))
        return None
    return {a.agency: (round_usd(a.turnover), a.percent, a.total) for a in run.accruals}


def _running_commission(preview: dict[str, tuple[Decimal, Decimal, Decimal]] | None,
                        code: str) -> Decimal | None:
    """An agency's running commission: the preview's, zero for an agency the preview did not price,
    None when the preview could not be made."""
    if preview is None:
        return None
    found = preview.get(code)
    return found[2] if found else Decimal(0)


def agency_list(db: Database, actor: Actor, as_of: date | None = None,
                progress: Progress | None = None, *, running: bool = True) -> AgencyList:
    """Every agency's row; a preview that cannot be computed (missing rates) leaves its column empty
    and says why in `notes`. Without `running`, the running month is not previewed: its column is
    pending until `with_running_month` fills it."""
    report = progress or (lambda _d, _t, _s: None)
    report(0, 4, "agencies")
    with db.read() as session:
        tz = company_tz(session)
        today = as_of or today_in(tz)
        running_period = Period.of(today)
        last = running_period.previous()
        last_posted = last in posted_periods(session)
        agencies = list(session.execute(
            select(Agency.id, Agency.code, Agency.name, Agency.manager, Agency.currency,
                   Agency.offer_accepted_at).order_by(Agency.code)))
        found = positions(session)
        book = rate_book(session)
        posted_last: dict[int, tuple[Decimal, Decimal]] = {}
        if last_posted:
            for accrual_agency, accrual_turnover, accrual_percent in session.execute(
                    select(Accrual.agency_id, Accrual.turnover_usd, Accrual.percent)
                    .where(Accrual.period == str(last))):
                posted_last[accrual_agency] = (round_usd(accrual_turnover), accrual_percent)
    now = view_moment(as_of, tz)
    report(1, 4, "projects")
    projects = _connected_counts(db, now)
    notes: list[PeriodNote] = []
    report(2, 4, str(last))
    last_preview = None if last_posted else _previewed(db, actor, last, today, notes)
    report(3, 4, str(running_period))
    running_preview = _previewed(db, actor, running_period, today, notes) if running else None
    rows: list[AgencyRow] = []
    for aid, code, name, manager, currency, accepted_at in agencies:
        pos = found[aid]
        accepted = local_date(accepted_at, tz) if accepted_at is not None else None
        reasons = withdrawal_refusals(offer_accepted_on=accepted, available=pos.available, currency=currency,
                                      rate=book.maybe_rate(currency, today), today=today)
        turnover: Decimal | None = None
        percent: Decimal | None = None
        if last_posted:
            turnover = Decimal(0)
            if aid in posted_last:
                turnover, percent = posted_last[aid]
        elif last_preview is not None:
            turnover = Decimal(0)
            if code in last_preview:
                turnover, percent, _commission = last_preview[code]
        rows.append(AgencyRow(aid, code, name, manager, currency, projects.get(aid, 0), turnover, percent,
                              _running_commission(running_preview, code), pos.balance, pos.available,
                              accepted, tuple(reasons), running_pending=not running))
    report(4, 4, "")
    return AgencyList(today, last, running_period, last_posted, rows, notes, running_pending=not running)


def with_running_month(db: Database, actor: Actor, found: AgencyList) -> AgencyList:
    """`found` (read with `running=False`) with its running month's commissions, previewed as of the
    same day; a preview that cannot be made leaves the column empty and says why in `notes`."""
    notes = list(found.notes)
    preview = _previewed(db, actor, found.running_period, found.today, notes)
    rows = [replace(row, running_commission=_running_commission(preview, row.code), running_pending=False)
            for row in found.rows]
    return replace(found, rows=rows, notes=notes, running_pending=False)


@dataclass(frozen=True)
class AgencyFilter:
    """The agency list's search and filters; empty values match everything."""

    text: str = ""
    manager: str | None = None
    currency: str | None = None
    percent: Decimal | None = None
    can_withdraw: bool = False

    def __call__(self, row: AgencyRow) -> bool:
        if self.manager is not None and row.manager != self.manager:
            return False
        if self.currency is not None and row.currency != self.currency:
            return False
        if self.percent is not None and row.last_percent != self.percent:
            return False
        if self.can_withdraw and not row.can_withdraw:
            return False
        text = self.text.strip().lower()
        return not text or row.matches(text)


def agency_names(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every agency, by code: what the "go to agency" field completes."""
    with db.read() as session:
        return [(code, name) for code, name in session.execute(
            select(Agency.code, Agency.name).order_by(Agency.code))]
