"""When a period may be posted (SPEC section 4): every reason it may not, in one list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from partner_desk.domain.periods import Period


def before_first(period: Period, first: Period) -> str:
    return (f"{period} is before the first posted period {first}: its payments are accrued as late "
            "in the next run; periods are posted in order")


def posting_refusals(period: Period, posted: Sequence[Period], today: date) -> list[str]:
    """Why `period` cannot be posted on `today`, given the periods already posted (in order)."""
    if period in posted:
        return [f"{period} is already posted"]
    reasons: list[str] = []
    if not period.has_ended(today):
        reasons.append(f"{period} has not ended in the company time zone (today is {today}): "
                       "it can be previewed, not posted")
    if posted:
        if period < posted[0]:
            reasons.append(before_first(period, posted[0]))
        elif period != posted[-1].next():
            reasons.append(f"periods are posted in order: the next period to post is {posted[-1].next()}")
    return reasons
