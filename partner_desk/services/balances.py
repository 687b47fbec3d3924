"""Agency balances, available amounts and withdrawal eligibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.dates import as_of_refusal
from partner_desk.domain.ledger import Position, position
from partner_desk.domain.money import USD, format_amount, from_minor
from partner_desk.domain.periods import local_date, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.withdrawals import withdrawal_refusals
from partner_desk.refusal_text import Refused, codes, english
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, LedgerEntry, Rate
from partner_desk.store.queries import company_tz, rate_book
from partner_desk.store.sums import exact_sum


@dataclass(frozen=True)
class AgencyBalance:
    code: str
    name: str
    position: Position
    refusals: list[Refusal]

    @property
    def withdrawable(self) -> bool:
        return not self.refusals

    @property
    def reasons(self) -> list[str]:
        """Why the agency may not withdraw, in English (the command line's words)."""
        return [english(r) for r in self.refusals]

    def as_dict(self) -> dict[str, Any]:
        cur = self.position.currency
        return {
            "agency": self.code,
            "currency": cur,
            "balance": format_amount(self.position.balance, cur),
            "held": format_amount(self.position.held, cur),
            "available": format_amount(self.position.available, cur),
            "withdrawable": self.withdrawable,
            "reasons": self.reasons,
            "reason_codes": codes(self.refusals),
        }


def positions(session: Session, agency_ids: list[int] | None = None, on: date | None = None) -> dict[int, Position]:
    """Every agency's position from one grouped query over the ledger; with `on`, as it stood at the
    end of that day (the entries dated on or before it)."""
    stmt = select(LedgerEntry.agency_id, LedgerEntry.kind, exact_sum(LedgerEntry.amount_minor)).group_by(
        LedgerEntry.agency_id, LedgerEntry.kind
    )
    if on is not None:
        stmt = stmt.where(LedgerEntry.effective_on <= on)
    if agency_ids is not None:
        stmt = stmt.where(LedgerEntry.agency_id.in_(agency_ids))
    currencies = {aid: cur for aid, cur in session.execute(select(Agency.id, Agency.currency))}
    sums: dict[int, list[tuple[str, Decimal]]] = {}
    for agency_id, kind, total in session.execute(stmt):
        sums.setdefault(agency_id, []).append((kind, from_minor(int(total), currencies[agency_id])))
    wanted = agency_ids if agency_ids is not None else list(currencies)
    return {aid: position(currencies[aid], sums.get(aid, [])) for aid in wanted}


def agency_position(session: Session, agency: Agency) -> Position:
    return positions(session, [agency.id])[agency.id]


def locked_agency(session: Session, code: str) -> Agency:
    """The agency, its row locked to the end of the transaction (PostgreSQL: SELECT ... FOR UPDATE).

    Everything that reads an available balance and then writes to the ledger takes this lock first,
    so two such transactions on one agency run one after the other. SQLite needs no row lock: every
    write transaction holds the database's write lock from its BEGIN IMMEDIATE.
    """
    agency = session.scalar(select(Agency).where(Agency.code == code).with_for_update())
    if agency is None:
        raise Refused(Refusal("unknown_agency", {"agency": code}))
    return agency


def eligibility(session: Session, agency: Agency, available: Decimal, today: date) -> list[Refusal]:
    """Every reason the agency may not withdraw today (SPEC section 7); empty when it may."""
    tz = company_tz(session)
    accepted = local_date(agency.offer_accepted_at, tz) if agency.offer_accepted_at else None
    return withdrawal_refusals(
        offer_accepted_on=accepted, available=available, currency=agency.currency,
        rate=rate_on(session, agency.currency, today), today=today,
    )


def rate_on(session: Session, currency: str, day: date) -> Decimal | None:
    """Units of `currency` per 1 USD on `day` (the latest rate dated on or before it); None if unknown."""
    if currency == USD:
        return Decimal(1)
    return session.scalar(
        select(Rate.per_usd).where(Rate.currency == currency, Rate.day <= day).order_by(Rate.day.desc()).limit(1)
    )


def balances(db: Database, code: str | None = None, as_of: date | None = None) -> list[AgencyBalance]:
    """Balances of every agency (or one), with whether each can withdraw and why not; with `as_of`, as
    they stood at the end of that day (its entries, its rates, offers accepted by then)."""
    with db.read() as session:
        tz = company_tz(session)
        today = today_in(tz)
        if as_of is not None:
            problem = as_of_refusal(as_of, today)
            if problem is not None:
                raise Refused(problem)
            today = as_of
        stmt = select(Agency).order_by(Agency.code)
        if code is not None:
            stmt = stmt.where(Agency.code == code)
        agencies = list(session.scalars(stmt))
        if code is not None and not agencies:
            raise Refused(Refusal("unknown_agency", {"agency": code}))
        book = rate_book(session)
        found = positions(session, [a.id for a in agencies], as_of)
        result = []
        for agency in agencies:
            pos = found[agency.id]
            accepted = local_date(agency.offer_accepted_at, tz) if agency.offer_accepted_at else None
            reasons = withdrawal_refusals(
                offer_accepted_on=accepted, available=pos.available, currency=agency.currency,
                rate=book.maybe_rate(agency.currency, today), today=today,
            )
            result.append(AgencyBalance(agency.code, agency.name, pos, reasons))
        return result
