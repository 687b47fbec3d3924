"""Reading what a statement shows: posted accrual lines and the period's ledger, as plain values.

A posted statement reads posted rows only (accruals, accrual lines, ledger entries), so it comes
out the same whenever it is produced. The checks here compare what is about to be written with
what was posted, so a statement that does not add up is never kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.accrual import AgencyAccrual
from partner_desk.domain.errors import UserError
from partner_desk.domain.ledger import EntryKind, Position, position
from partner_desk.domain.money import from_minor, round_money, round_usd
from partner_desk.domain.periods import Period
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.files.statement_model import (
    LedgerRow,
    LineTotals,
    Statement,
    StatementLine,
    StatementSummary,
    last_day,
    line_group,
)
from partner_desk.store.models import Accrual, AccrualLine, Agency, LedgerEntry, Payment, Project
from partner_desk.store.sums import exact_sum

LINE_BATCH = 5_000


@dataclass(frozen=True)
class Expected:
    """What the written statement must show, taken from the posted rows (or the preview)."""

    lines: int
    late: int
    commission: Decimal
    turnover_usd: Decimal = Decimal("0.00")  # the licence turnover, rounded to cents


@dataclass(frozen=True)
class _Ledger:
    opening: Position
    closing: Position
    rows: list[LedgerRow]
    accrual_credits: dict[int, Decimal]
    opening_sums: list[tuple[str, Decimal]]

    def closing_with(self, extra: list[LedgerRow]) -> Position:
        entries = self.opening_sums + [(r.kind, r.amount) for r in self.rows + extra]
        return position(self.opening.currency, entries)


def _ledger(session: Session, agency: Agency, period: Period) -> _Ledger:
    """Opening position, the period's entries (by effective date) and the closing position."""
    cur = agency.currency
    before = session.execute(
        select(LedgerEntry.kind, exact_sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.agency_id == agency.id, LedgerEntry.effective_on < period.first_day)
        .group_by(LedgerEntry.kind)
    )
    opening_sums: list[tuple[str, Decimal]] = [(kind, from_minor(int(total), cur)) for kind, total in before]
    entries = session.execute(
        select(LedgerEntry, Accrual.period)
        .outerjoin(Accrual, Accrual.id == LedgerEntry.accrual_id)
        .where(LedgerEntry.agency_id == agency.id, LedgerEntry.effective_on >= period.first_day,
               LedgerEntry.effective_on < period.end)
        .order_by(LedgerEntry.effective_on, LedgerEntry.id)
    ).all()
    rows: list[LedgerRow] = []
    credits: dict[int, Decimal] = {}
    for e, accrued in entries:
        amount = from_minor(e.amount_minor, cur)
        project_amount = (from_minor(e.project_amount_minor, e.project_currency)
                          if e.project_amount_minor is not None and e.project_currency else None)
        rows.append(LedgerRow(e.effective_on, e.kind, amount, e.note, e.project_id, project_amount,
                              e.project_currency, e.withdrawal_id,
                              period=Period.parse(accrued) if accrued is not None else None))
        if e.accrual_id is not None:
            credits[e.accrual_id] = credits.get(e.accrual_id, Decimal(0)) + amount
    opening = position(cur, opening_sums)
    closing = position(cur, opening_sums + [(r.kind, r.amount) for r in rows])
    return _Ledger(opening, closing, rows, credits, opening_sums)


def _reward_level(rewards: RewardSchedule, reward_usd: Decimal) -> tuple[Decimal | None, tuple[str, ...]]:
    reached = rewards.reached(reward_usd)
    level = reached[-1].min_reward_usd if reached else None
    return level, tuple(rewards.benefits(reward_usd))


@dataclass(frozen=True)
class _Standing:
    """What a statement's summary says of the period's accrual: what its lines must add up to, the
    licence turnover and percent, and the reward with its level and benefits."""

    expected: Expected
    turnover: Decimal | None
    percent: Decimal | None
    reward: Decimal
    level: Decimal | None
    benefits: tuple[str, ...]


# an agency that earned nothing in the period: no lines, no turnover, a reward of nothing
_NOTHING = _Standing(Expected(0, 0, Decimal(0)), None, None, Decimal("0.00"), None, ())


def _summary(agency: Agency, period: Period, standing: _Standing, opening: Position, closing: Position,
             produced_on: date, preview: bool = False) -> StatementSummary:
    e = standing.expected
    return StatementSummary(
        agency_code=agency.code, agency_name=agency.name, manager=agency.manager, period=period,
        currency=agency.currency, turnover_usd=standing.turnover, percent=standing.percent,
        commission_total=e.commission, reward_usd=standing.reward, reward_level_usd=standing.level,
        benefits=standing.benefits, line_count=e.lines, late_count=e.late, opening=opening, closing=closing,
        produced_on=produced_on, preview=preview,
    )


def posted_statement(session: Session, agency: Agency, period: Period, tz: ZoneInfo,
                     rewards: RewardSchedule, produced_on: date) -> tuple[Statement, Expected]:
    """The statement of a posted period; its lines stream from `session` while it is written."""
    cur = agency.currency
    accrual = session.scalar(select(Accrual).where(Accrual.agency_id == agency.id,
                                                   Accrual.period == str(period)))
    ledger = _ledger(session, agency, period)
    standing = _NOTHING
    if accrual is not None:
        expected = Expected(accrual.lines, accrual.late_lines, from_minor(accrual.amount_minor, cur),
                            round_usd(accrual.turnover_usd))
        credited = ledger.accrual_credits.get(accrual.id, Decimal(0))
        if credited != expected.commission:
            raise UserError(f"the ledger of {agency.code} credits {credited} {cur} for {period}, but its "
                            f"posted accrual is {expected.commission} {cur}: no statement was written")
        # the level and benefits as posted, so a later edit of the reward levels changes no statement
        standing = _Standing(expected, round_usd(accrual.turnover_usd), accrual.percent,
                             round_usd(accrual.reward_usd), accrual.reward_level_usd,
                             tuple(json.loads(accrual.benefits)))
    summary = _summary(agency, period, standing, ledger.opening, ledger.closing, produced_on)
    lines = _posted_lines(session, accrual.id, cur, tz) if accrual is not None else iter(())
    return Statement(summary, lines, ledger.rows), standing.expected


def _posted_lines(session: Session, accrual_id: int, cur: str, tz: ZoneInfo) -> Iterator[StatementLine]:
    stmt = (
        select(Payment.paid_at, Payment.project_id, Project.name, Payment.payment_id, Payment.service,
               Payment.refund_of, Payment.amount_minor, Payment.currency, AccrualLine.pay_rate,
               AccrualLine.partner_rate, AccrualLine.usd_amount, AccrualLine.partner_amount,
               AccrualLine.percent, AccrualLine.commission_minor, AccrualLine.late)
        .join(Payment, Payment.payment_id == AccrualLine.payment_id)
        .outerjoin(Project, Project.project_id == Payment.project_id)
        .where(AccrualLine.accrual_id == accrual_id)
        # group by group (files.statement_model.LineGroup): payments of the period, its refunds, late lines
        .order_by(AccrualLine.late, Payment.refund_of.is_not(None), Payment.paid_at, Payment.payment_id)
        .execution_options(yield_per=LINE_BATCH)
    )
    for (paid_at, project_id, name, payment_id, service, refund_of, minor, currency, pay_rate,
         partner_rate, usd, partner, percent, commission, late) in session.execute(stmt):
        yield StatementLine(
            paid_at=paid_at.astimezone(tz).replace(tzinfo=None), project_id=project_id,
            project_name=name or "", payment_id=payment_id, service=service, refund_of=refund_of,
            amount=from_minor(minor, currency), currency=currency, pay_rate=pay_rate,
            partner_rate=partner_rate, usd_amount=round_usd(usd), partner_amount=round_money(partner, cur),
            percent=percent, commission=from_minor(commission, cur), late=bool(late),
        )


def preview_statement(session: Session, agency: Agency, period: Period, accrual: AgencyAccrual | None,
                      tz: ZoneInfo, rewards: RewardSchedule, produced_on: date) -> tuple[Statement, Expected]:
    """The statement a preview would become: its lines, and the ledger with the credits it would post."""
    cur = agency.currency
    ledger = _ledger(session, agency, period)
    projected: list[LedgerRow] = []
    lines: list[StatementLine] = []
    standing = _NOTHING
    if accrual is not None:
        level, benefits = _reward_level(rewards, accrual.reward_usd)
        standing = _Standing(Expected(len(accrual.lines), accrual.late_lines, accrual.total, accrual.turnover_usd),
                             accrual.turnover_usd, accrual.percent, accrual.reward_usd, level, benefits)
        names = {pid: name for pid, name in session.execute(
            select(Project.project_id, Project.name)
            .where(Project.project_id.in_({line.project_id for line in accrual.lines}))
        )}
        credit = reversal = Decimal(0)
        for line in accrual.lines:
            if line.refund_of is None:
                credit += line.commission
            else:
                reversal += line.commission
            lines.append(StatementLine(
                paid_at=line.paid_at.astimezone(tz).replace(tzinfo=None), project_id=line.project_id,
                project_name=names.get(line.project_id, ""), payment_id=line.payment_id,
                service=line.service, refund_of=line.refund_of, amount=line.amount, currency=line.currency,
                pay_rate=line.terms.pay_rate, partner_rate=line.terms.partner_rate,
                usd_amount=round_usd(line.usd_amount), partner_amount=round_money(line.partner_amount, cur),
                percent=line.terms.percent, commission=line.commission, late=line.late,
            ))
        lines.sort(key=line_group)  # stable: by time within each group
        # posting would credit these on the period's last day (services.accruals)
        projected.append(LedgerRow(last_day(period), EntryKind.ACCRUAL, credit, f"{period} accrual",
                                   projected=True, period=period))
        if reversal:
            projected.append(LedgerRow(last_day(period), EntryKind.REFUND_REVERSAL, reversal,
                                       f"{period} refunds reversed", projected=True, period=period))
    closing = ledger.closing_with(projected)
    summary = _summary(agency, period, standing, ledger.opening, closing, produced_on, preview=True)
    return Statement(summary, lines, ledger.rows + projected), standing.expected


def check_totals(code: str, period: Period, currency: str, totals: LineTotals, expected: Expected) -> None:
    """Refuse a written statement whose lines do not add up to what was posted."""
    problems = []
    if totals.count != expected.lines:
        problems.append(f"{totals.count} lines written, {expected.lines} posted")
    if totals.late != expected.late:
        problems.append(f"{totals.late} late lines written, {expected.late} posted")
    if totals.commission != expected.commission:
        problems.append(f"commissions add up to {totals.commission} {currency}, "
                        f"the accrual is {expected.commission} {currency}")
    if totals.turnover_usd != expected.turnover_usd:
        problems.append(f"the payments make a licence turnover of {totals.turnover_usd} USD, "
                        f"the accrual's is {expected.turnover_usd} USD")
    if problems:
        raise UserError(f"the statement of {code} for {period} does not match its posted accrual: "
                        + "; ".join(problems) + ": no statement was written")
