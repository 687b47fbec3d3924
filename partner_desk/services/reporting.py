"""One reporting currency: every money column of the agencies, accruals and withdrawals tables gets its
equivalent at today's rate, and their footers a grand total.

An equivalent is the double conversion a project payment uses (`services/ledger.py`, `conversion`):
the latest rates on or before today, amount ÷ rate of its currency × rate of the reporting currency,
rounded half-up once to the reporting currency's minor unit. A currency whose rate is missing has no
equivalent, and the reason is kept to be shown; it is never taken as zero. The grand total of a
footer converts each currency's total once and adds them; when one of them has no rate, the grand
total is missing too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.money import USD
from partner_desk.domain.periods import today_in
from partner_desk.domain.roles import Action, Actor
from partner_desk.i18n import _
from partner_desk.services.guard import guarded
from partner_desk.services.ledger import Conversion, conversion
from partner_desk.store.engine import Database
from partner_desk.store.models import Rate, Setting
from partner_desk.store.queries import REPORTING_CURRENCY_KEY, company_tz, setting

DEFAULT_REPORTING_CURRENCY = USD


@dataclass(frozen=True)
class Reporting:
    """Today's conversions of some currencies into the reporting currency, and why any is missing."""

    currency: str
    day: date
    conversions: Mapping[str, Conversion] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)

    def equivalent(self, amount: Decimal | None, currency: str) -> Decimal | None:
        """`amount` of `currency` in the reporting currency, rounded once; None when a rate is missing
        (or there is no amount)."""
        if amount is None:
            return None
        found = self.conversions.get(currency)
        return found(amount) if found is not None else None

    def reason(self, currency: str) -> str | None:
        """Why `currency` has no equivalent (a missing rate), None when it has one."""
        if currency in self.conversions:
            return None
        return self.missing.get(currency) or _("no conversion from {currency} was read").format(currency=currency)

    def total(self, totals: Mapping[str, Decimal]) -> Decimal | None:
        """The grand total of per-currency totals: each converted once, then added; None when any of
        them has no rate."""
        converted = [self.equivalent(amount, currency) for currency, amount in totals.items()]
        if any(value is None for value in converted):
            return None
        return sum((value for value in converted if value is not None), Decimal(0))

    def total_reason(self, totals: Mapping[str, Decimal]) -> str | None:
        """Why the grand total of `totals` is missing: each currency without a rate; None if it is not."""
        reasons = [r for r in (self.reason(c) for c in totals) if r]
        return "; ".join(reasons) or None


def reporting_currency(session: Session) -> str:
    """The currency the window's equivalents and grand totals are in (a setting; USD by default)."""
    return setting(session, REPORTING_CURRENCY_KEY, DEFAULT_REPORTING_CURRENCY)


def reporting_in(session: Session, currencies: Iterable[str], day: date | None = None,
                 currency: str | None = None) -> Reporting:
    """The conversions of `currencies` into the reporting currency (or `currency`) at the rates of
    `day` (today in the company time zone by default)."""
    target = currency or reporting_currency(session)
    on = day or today_in(company_tz(session))
    found: dict[str, Conversion] = {}
    missing: dict[str, str] = {}
    for code in sorted(set(currencies)):
        try:
            found[code] = conversion(session, code, target, on)
        except MissingRates as exc:
            missing[code] = _("no exchange rate of {currencies} on or before {day}").format(
                currencies=", ".join(sorted({cur for cur, _day in exc.missing})), day=on.isoformat())
    return Reporting(target, on, found, missing)


def reporting(db: Database, currencies: Iterable[str], day: date | None = None) -> Reporting:
    with db.read() as session:
        return reporting_in(session, currencies, day)


def reporting_choices(db: Database) -> list[str]:
    """The currencies an admin may report in: USD, and every currency that has an exchange rate."""
    with db.read() as session:
        rated = set(session.scalars(select(Rate.currency).distinct()))
    return [USD, *sorted(rated - {USD})]


def set_reporting_currency(db: Database, actor: Actor, currency: str) -> str:
    """Report in `currency` from now on (admin): USD, or a currency with an exchange rate."""
    wanted = currency.strip().upper()
    with guarded(db, actor, Action.SETTINGS, REPORTING_CURRENCY_KEY) as act:
        session = act.session
        current = reporting_currency(session)
        if wanted == current:
            return wanted
        if wanted != USD and session.scalar(select(Rate.currency).where(Rate.currency == wanted).limit(1)) is None:
            raise UserError(f"cannot report in '{currency}': it has no exchange rate (import its rates first)")
        found = session.get(Setting, REPORTING_CURRENCY_KEY)
        if found is None:
            session.add(Setting(key=REPORTING_CURRENCY_KEY, value=wanted))
        else:
            found.value = wanted
        act.record(before={"value": current}, after={"value": wanted})
        return wanted
