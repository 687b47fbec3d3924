"""The product's clock: the real one, unless `PARTNER_DESK_NOW` sets it back (tests, demonstrations).

Every "now" and "today" of the product comes from here, so a test or a demonstration fixes the day
in one place. A set clock may stand still in the past; it may never run ahead of the real clock, so
it cannot post a month that has not ended or date anything after today. Every audit record says
whether its action ran under a set clock.

`PARTNER_DESK_NOW` holds an ISO 8601 moment (`2026-11-03T09:00`, `2026-11-03T09:00+02:00`); one without
an offset is in UTC, and a bare date means noon UTC of that day. It lies within the years the product
works in (2000-2099, domain/bounds.py), like every date a person gives it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time

from partner_desk.domain.bounds import day_problem
from partner_desk.domain.errors import UserError

ENV_NOW = "PARTNER_DESK_NOW"


def real_now() -> datetime:
    """The computer's clock, in UTC."""
    return datetime.now(UTC)


def fixed() -> str | None:
    """The value the clock is set to, or None when it is the real one."""
    value = os.environ.get(ENV_NOW, "").strip()
    return value or None


def now() -> datetime:
    """The product's current moment (aware, UTC)."""
    value = fixed()
    real = real_now()
    if value is None:
        return real
    moment = parse_setting(value)
    if moment > real:
        raise UserError(f"{ENV_NOW}={value} is later than the real clock ({real:%Y-%m-%d %H:%M} UTC): "
                        "the clock may be set back, never forward")
    return moment


def parse_setting(value: str) -> datetime:
    """The moment a `PARTNER_DESK_NOW` value stands for."""
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time(12), tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise UserError(f"{ENV_NOW}={value} is not an ISO 8601 moment (YYYY-MM-DDTHH:MM)") from None
    problem = day_problem(parsed.date())
    if problem is not None:  # the years the product works in (domain/bounds.py)
        raise UserError(f"{ENV_NOW}: {problem}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
