"""The bounds of values a user can type or load (SPEC sections 9 and 10), decided once.

Imports, the command line and the window ask here, so that a value is refused with its place
instead of overflowing a database column, a date computation or a sum:

- an amount has at most 12 integer digits; a rate is at least 0.000001 units per USD;
- a date, a timestamp or a period lies between 2000-01-01 and 2099-12-31; a payment's day is at
  most one day after today (a payment is never in the future, but time zones differ);
- a name or an id holds at most 200 characters (its column's width) and no control character;
- a currency is an ISO 4217 code in tender use today (CLDR), or one the database already holds
  data in, so that agencies created before their currency was withdrawn keep working.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cache

from babel.core import get_global
from babel.numbers import get_territory_currencies, list_currencies

from partner_desk.domain.refusals import Refusal

MAX_INTEGER_DIGITS = 12
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
PAYMENT_DAYS_AHEAD = 1
# the fewest units of a currency a dollar can buy: none is worth a million dollars a unit
MIN_RATE = Decimal("0.000001")
# amounts are stored as 64-bit integers of minor units
MAX_STORED_MINOR = 2**63 - 1
# the largest row id (a withdrawal request's number) a database holds
MAX_ROW_ID = 2**63 - 1
_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
# the widest name column (agencies, projects, benefits)
NAME_LENGTH = 200
# Unicode's control characters (category Cc): C0, DEL and C1
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
PERIOD_RANGE = f"{FIRST_DAY.isoformat()[:7]} to {LAST_DAY.isoformat()[:7]}"


def amount_problem(value: Decimal, text: str | None = None) -> str | None:
    """Why an amount (or a rate, a threshold) is too large to be taken, or None."""
    if value.is_finite() and abs(value) < _LIMIT:
        return None
    shown = text if text is not None else format(value, "f")
    return f"'{shown}' has more than {MAX_INTEGER_DIGITS} integer digits"


def text_problem(value: str, max_length: int = NAME_LENGTH) -> Refusal | None:
    """Why a name or an id cannot be taken: longer than `max_length`, or holding a control character
    (a NUL, an escape, a line break), or None."""
    if len(value) > max_length:
        return Refusal("too_long", {"max": max_length})
    control = _CONTROL.search(value)
    if control is not None:
        return Refusal("control_character", {"char": f"U+{ord(control.group()):04X}"})
    return None


def rate_problem(per_usd: Decimal, text: str) -> Refusal | None:
    """Why a rate (units of a currency per 1 USD) cannot be, or None."""
    if per_usd <= 0:
        return Refusal("rate_not_positive", {"text": text})
    if per_usd < MIN_RATE:
        return Refusal("rate_too_small", {"text": text, "min": format(MIN_RATE, "f")})
    if amount_problem(per_usd, text) is not None:
        return Refusal("integer_digits", {"text": text, "digits": MAX_INTEGER_DIGITS})
    return None


def day_problem(day: date) -> str | None:
    """Why a date is outside the years the product works in, or None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"'{day.isoformat()}' is outside {RANGE}"


def year_month_problem(year: int, month: int, text: str) -> str | None:
    """Why a period is outside the years the product works in, or None."""
    if (FIRST_DAY.year, FIRST_DAY.month) <= (year, month) <= (LAST_DAY.year, LAST_DAY.month):
        return None
    return f"'{text}' is outside {PERIOD_RANGE}"


@cache
def payment_window(today: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC moments [from, until) a payment's time may lie in: the days payment_day_problem
    allows, in the company time zone `tz` (so a file of a million payments is checked by comparison)."""
    until = today + timedelta(days=PAYMENT_DAYS_AHEAD + 1)
    return (datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=tz).astimezone(UTC),
            datetime(until.year, until.month, until.day, tzinfo=tz).astimezone(UTC))


def payment_day_problem(day: date, today: date) -> Refusal | None:
    """Why a payment's local day cannot be: before 2000-01-01 or more than one day after today."""
    if day < FIRST_DAY:
        return Refusal("payment_before", {"first": FIRST_DAY})
    latest = today + timedelta(days=PAYMENT_DAYS_AHEAD)
    if day > latest:
        return Refusal("payment_after", {"latest": latest})
    return None


@cache
def _known() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def active_currencies(on: date) -> frozenset[str]:
    """ISO 4217 codes some territory has as legal tender on a day, by CLDR.

    This leaves out metals, test and fund codes (XAU, XTS, XXX, XDR…), units of account (CLF)
    and withdrawn currencies (DEM, UAK, HRK…); the CFA and CFP francs (XOF, XAF, XPF) and the
    East Caribbean dollar (XCD) are money in use and stay.
    """
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=on, tender=True))
    return frozenset(codes) & _known()


def currency_problem(code: str, today: date, held: Collection[str] = ()) -> Refusal | None:
    """Why a code cannot be a currency of new data, or None. `held` are the currencies the
    database already has agencies or projects in: they stay usable even once withdrawn."""
    if code not in _known() or code != code.upper():
        return Refusal("not_a_currency", {"code": code})
    if code in held or code in active_currencies(today):
        return None
    return Refusal("currency_not_in_use", {"code": code})
