"""Which dates a user may choose (SPEC section 8).

A date chosen for a write (`--as-of`, a payout's paid-on date) is never after today and never inside
a posted period: the books of a posted month are closed. Only the accrual credit that posting writes
is dated inside the period it posts. On a read, `--as-of` means "as it stood on" that day, which
must have come. Every such date lies first within the years the product works in (`domain/bounds.py`),
which a date typed on the command line has already been read within.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from partner_desk.domain.bounds import FIRST_DAY, LAST_DAY
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Refusal

# how a refusal names the date it refuses, by the words the caller gives
DATE_NAMES = {"the date": "the_date", "the acceptance date": "acceptance_date", "the payout date": "payout_date",
              "--as-of": "as_of_date"}


def _named(what: str) -> Refusal:
    return Refusal(DATE_NAMES[what]) if what in DATE_NAMES else Refusal("text", {"text": what})


def _come(day: date, today: date, after_today: Refusal) -> Refusal | None:
    """Why `day` cannot be used: it is outside the product's years, or after today (`after_today`)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return Refusal("date_outside", {"text": day.isoformat(), "first": FIRST_DAY, "last": LAST_DAY})
    return after_today if day > today else None


def future_refusal(day: date, today: date, what: str = "the date") -> Refusal | None:
    """Why `day` cannot be used: it is outside the product's years, or after today."""
    return _come(day, today, Refusal("date_after_today", {"what": _named(what), "day": day, "today": today}))


def as_of_refusal(day: date, today: date) -> Refusal | None:
    """Why a read cannot show things as they stood on `day`: it is outside the product's years, or
    it has not come."""
    return _come(day, today, Refusal("as_of_after_today", {"day": day, "today": today}))


def write_date_refusal(day: date, today: date, posted: Collection[Period], what: str = "the date") -> Refusal | None:
    """Why `day` cannot date a write: it is after today, or its month is posted (its books are closed)."""
    future = future_refusal(day, today, what)
    if future is not None:
        return future
    period = Period.of(day)
    if period in posted:
        return Refusal("date_in_posted", {"what": _named(what), "day": day, "period": period})
    return None
