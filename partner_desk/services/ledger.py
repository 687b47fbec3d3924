"""Spending an agency's balance on its projects, and admin corrections (SPEC section 6).

Each action locks the agency row, computes the available balance from the ledger, writes its entry
and its audit record in one transaction; a refusal is recorded in a transaction of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.dates import write_date_refusal
from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.ledger import (
    EntryKind,
    Position,
    check_amount,
    convert,
    correction_refusals,
    spend_refusals,
)
from partner_desk.domain.money import USD, format_amount, parse_amount, to_minor
from partner_desk.domain.periods import local_date, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor
from partner_desk.refusal_text import Refused, raise_refusals, refused
from partner_desk.services import audit, versions
from partner_desk.services.balances import agency_position, locked_agency, rate_on
from partner_desk.services.guard import guarded
from partner_desk.store import chain
from partner_desk.store.connections import connected_at
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Connection, Project
from partner_desk.store.queries import company_tz, posted_periods
from partner_desk.store.types import utc_now


@dataclass(frozen=True, slots=True)
class ProjectPayment:
    """A project paid from an agency's balance."""

    entry_id: int
    agency: str
    project_id: str
    amount: Decimal
    currency: str
    project_amount: Decimal
    project_currency: str
    available_after: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry_id,
            "agency": self.agency,
            "project_id": self.project_id,
            "amount": format_amount(self.amount, self.currency),
            "currency": self.currency,
            "project_amount": format_amount(self.project_amount, self.project_currency),
            "project_currency": self.project_currency,
            "available": format_amount(self.available_after, self.currency),
        }


@dataclass(frozen=True, slots=True)
class Correction:
    entry_id: int
    agency: str
    amount: Decimal
    currency: str
    reason: str
    balance_after: Decimal


def amount_in(value: Decimal | str, currency: str, *, what: str = "the amount") -> Decimal:
    """An amount typed by a user, exact and within the currency's minor digits."""
    if isinstance(value, Decimal):
        return value
    try:
        return parse_amount(value, currency)
    except ValueError as exc:
        if what == "the amount":
            raise refused(exc, prefix=Refusal("the_amount")) from None
        raise UserError(f"{what}: {exc}") from None


def _refuse(reasons: list[Refusal], prefix: Refusal) -> None:
    raise_refusals(reasons, prefix)


def entry_list(ids: list[int], entries: list[dict[str, Any]]) -> list[list[Any]]:
    """The ledger entries an action wrote, as its audit record lists them: [id, kind, minor units]."""
    return [[entry_id, e["kind"], e["amount_minor"]] for entry_id, e in zip(ids, entries, strict=True)]


def open_day(session: Session, day: date, what: str = "the date") -> None:
    """Refuse to date a ledger entry after today or inside a posted period (its books are closed)."""
    problem = write_date_refusal(day, today_in(company_tz(session)), posted_periods(session), what)
    if problem is not None:
        raise Refused(problem)


def connected_agency_id(session: Session, project_id: str, moment: datetime) -> int | None:
    """The agency a project is connected to at `moment` (connected from <= moment < until)."""
    return session.scalar(
        select(Connection.agency_id).where(
            Connection.project_id == project_id,
            connected_at(Connection, moment),
        )
    )


def pay_project(db: Database, actor: Actor, code: str, project_id: str, amount: Decimal | str,
                expected: int | None = None) -> ProjectPayment:
    """Spend `amount` (partner currency) of the agency's available balance on a project connected to
    it now; the entry also records the amount in the project's currency at today's rates. With
    `expected` (the balance's version the window showed), refused when the balance changed since."""
    obj = f"{code}:{project_id}"
    with guarded(db, actor, Action.PAY_PROJECT, obj) as act:
        session = act.session
        return _pay(session, actor, code, project_id, amount, utc_now(), expected)


def _pay(session: Session, actor: Actor, code: str, project_id: str, value: Decimal | str,
         now: datetime, expected: int | None = None) -> ProjectPayment:
    agency = locked_agency(session, code)
    versions.check_balance(session, agency, expected)
    cur = agency.currency
    amount = amount_in(value, cur)
    _refuse(check_amount(amount, cur), Refusal("cannot_pay_project", {"project": project_id, "agency": code}))
    project = session.get(Project, project_id)
    if project is None:
        raise Refused(Refusal("unknown_project", {"project": project_id}))
    connected_to = connected_agency_id(session, project_id, now)
    if connected_to != agency.id:
        if connected_to is None:
            raise Refused(Refusal("not_connected_at_all", {"project": project_id, "agency": code}))
        raise Refused(Refusal("not_connected_now", {"project": project_id, "agency": code,
                                                    "other": _code(session, connected_to)}))
    pos = agency_position(session, agency)
    _refuse(spend_refusals(pos, amount), Refusal("cannot_pay_project", {"project": project_id, "agency": code}))
    today = local_date(now, company_tz(session))
    open_day(session, today)
    project_amount = _in_project_currency(session, amount, cur, project.currency, today)
    entry = dict(
        agency_id=agency.id, kind=EntryKind.PROJECT_PAYMENT.value, amount_minor=-to_minor(amount, cur),
        currency=cur, created_at=now, effective_on=today, user_name=actor.name, project_id=project_id,
        project_amount_minor=to_minor(project_amount, project.currency), project_currency=project.currency,
        note=f"paid project {project_id}",
    )
    (entry_id,) = chain.append(session, chain.LEDGER, [entry])
    after = Position(cur, pos.balance - amount, pos.held)
    result = ProjectPayment(entry_id, code, project_id, amount, cur, project_amount, project.currency,
                            after.available)
    audit.record(session, actor, Action.PAY_PROJECT, f"{code}:{project_id}", before=pos.as_dict(),
                 after={**result.as_dict(), **after.as_dict(), "entries": entry_list([entry_id], [entry])})
    return result


def _code(session: Session, agency_id: int) -> str:
    found = session.get(Agency, agency_id)
    return found.code if found is not None else str(agency_id)


def _in_project_currency(session: Session, amount: Decimal, currency: str, project_currency: str,
                         today: date) -> Decimal:
    return conversion(session, currency, project_currency, today)(amount)


@dataclass(frozen=True, slots=True)
class Conversion:
    """The double conversion from one currency to another on one day (rates are units per 1 USD)."""

    currency: str
    to_currency: str
    day: date
    from_rate: Decimal
    to_rate: Decimal

    def __call__(self, amount: Decimal) -> Decimal:
        """`amount` in `to_currency`, rounded half-up once to its minor unit."""
        if self.currency == self.to_currency:
            return amount
        return convert(amount, self.from_rate, self.to_rate, self.to_currency)


def conversion(session: Session, currency: str, to_currency: str, day: date) -> Conversion:
    """The conversion at `day`'s rates (the latest dated on or before it); MissingRates names any missing."""
    rates = {c: rate_on(session, c, day) for c in (currency, to_currency)}
    missing = [(c, day.isoformat()) for c, r in rates.items() if r is None]
    if missing:
        raise MissingRates(missing)
    from_rate, to_rate = rates[currency], rates[to_currency]
    assert from_rate is not None
    assert to_rate is not None
    return Conversion(currency, to_currency, day, from_rate, to_rate)


def usd_conversion(db: Database, currency: str, as_of: date | None = None) -> Conversion:
    """Today's conversion of `currency` to USD (today in the company time zone unless `as_of`), the
    one a project payment to a USD project would use."""
    with db.read() as session:
        return conversion(session, currency, USD, as_of or today_in(company_tz(session)))


def correct(db: Database, actor: Actor, code: str, amount: Decimal | str, reason: str,
            expected: int | None = None) -> Correction:
    """Add a correcting entry (admin only, with a written reason). A correction may not take the
    available balance below zero. With `expected` (the balance's version the window showed), refused
    when the balance changed since."""
    with guarded(db, actor, Action.CORRECT, code) as act:
        session = act.session
        agency = locked_agency(session, code)
        versions.check_balance(session, agency, expected)
        cur = agency.currency
        value = amount_in(amount, cur)
        why = reason.strip()
        if not why:
            raise Refused(Refusal("correction_reason"))
        pos = agency_position(session, agency)
        _refuse(correction_refusals(pos, value), Refusal("cannot_correct", {"agency": code}))
        day = today_in(company_tz(session))
        open_day(session, day)
        entry = dict(
            agency_id=agency.id, kind=EntryKind.CORRECTION.value, amount_minor=to_minor(value, cur),
            currency=cur, effective_on=day, user_name=actor.name, note=why,
        )
        (entry_id,) = chain.append(session, chain.LEDGER, [entry])
        after = Position(cur, pos.balance + value, pos.held)
        audit.record(session, actor, Action.CORRECT, code, before=pos.as_dict(),
                     after={"entry": entry_id, "agency": code, "amount": format_amount(value, cur),
                            "currency": cur, "reason": why, **after.as_dict(),
                            "entries": entry_list([entry_id], [entry])})
        return Correction(entry_id, code, value, cur, why, after.balance)
