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

from partner_desk.domain.bounds import day_problem
from partner_desk.domain.periods import Period


def _come(day: date, today: date, after_today: str) -> str | None:
    """Why `day` cannot be used: it is outside the product's years, or after today (`after_today`)."""
    return day_problem(day) or (after_today if day > today else None)


def future_refusal(day: date, today: date, what: str = "the date") -> str | None:
    """Why `day` cannot be used: it is outside the product's years, or after today."""
    return _come(day, today, f"{what} {day} is after today ({today}): a date chosen for an action cannot be in "
                             "the future")


def as_of_refusal(day: date, today: date) -> str | None:
    """Why a read cannot show things as they stood on `day`: it is outside the product's years, or
    it has not come."""
    return _come(day, today, f"--as-of {day} is after today ({today}): things can be shown as they stood on a "
                             "day that has come")


def write_date_refusal(day: date, today: date, posted: Collection[Period], what: str = "the date") -> str | None:
    """Why `day` cannot date a write: it is after today, or its month is posted (its books are closed)."""
    future = future_refusal(day, today, what)
    if future is not None:
        return future
    period = Period.of(day)
    if period in posted:
        return f"{what} {day} is in {period}, which is posted: its books are closed"
    return None
