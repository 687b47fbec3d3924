"""When a period may be posted (SPEC section 4): every reason it may not, in one list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Refusal


def before_first(period: Period, first: Period) -> Refusal:
    return Refusal("before_first", {"period": period, "first": first})


def posting_refusals(period: Period, posted: Sequence[Period], today: date) -> list[Refusal]:
    """Why `period` cannot be posted on `today`, given the periods already posted (in order)."""
    if period in posted:
        return [Refusal("already_posted", {"period": period})]
    reasons: list[Refusal] = []
    if not period.has_ended(today):
        reasons.append(Refusal("not_ended", {"period": period, "today": today}))
    if posted:
        if period < posted[0]:
            reasons.append(before_first(period, posted[0]))
        elif period != posted[-1].next():
            reasons.append(Refusal("out_of_order", {"next": posted[-1].next()}))
    return reasons
