"""Periods (calendar months) and moments in the company time zone (SPEC sections 1 and 9)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partner_desk.domain import clock
from partner_desk.domain.bounds import FIRST_DAY, LAST_DAY, RANGE, day_problem, year_month_problem
from partner_desk.domain.refusals import Refusal, ValueRefused

DEFAULT_TIME_ZONE = "Europe/Kyiv"
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueRefused(f"'{self}' is not a month", Refusal("not_a_month", {"text": str(self)}))

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if not match:
            raise _not_period(text)
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise _not_period(text)
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.next().first_day

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def has_ended(self, today: date) -> bool:
        """A period ends at midnight of its last day in the company time zone."""
        return today >= self.end


def parse_period(text: str) -> Period:
    """A period a user typed or loaded: YYYY-MM, within the years the product works in
    (domain/bounds.py). `Period.parse` reads stored periods, which may be the table's beginning."""
    period = Period.parse(text)
    problem = year_month_problem(period.year, period.month, text.strip())
    if problem is not None:
        raise ValueRefused(problem, Refusal("period_outside", {
            "text": text.strip(), "first": str(Period.of(FIRST_DAY)), "last": str(Period.of(LAST_DAY))}))
    return period


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not a time zone") from None


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime.

    Without an offset the time is in the company time zone: in the hour repeated when clocks go
    back it is the first of the two moments; a time in the hour skipped in spring is an error.
    A bare date means midnight. The date written must lie within the years the product works in
    (domain/bounds.py), so no conversion can overflow.
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueRefused("is empty", Refusal("cell_empty"))
    try:
        parsed = datetime.fromisoformat(cleaned.replace("z", "Z"))
    except ValueError:
        raise ValueRefused(f"'{text}' is not an ISO 8601 timestamp",
                           Refusal("not_a_timestamp", {"text": text})) from None
    if day_problem(parsed.date()) is not None:
        raise _outside(cleaned)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=tz, fold=0)
    back = local.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != parsed:
        raise ValueRefused(f"'{text}' does not exist in {tz.key} (the clocks skip that hour)",
                           Refusal("hour_skipped", {"text": text, "zone": tz.key}))
    return local.astimezone(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of a UTC moment in the company time zone."""
    return moment.astimezone(tz).date()


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The UTC moment a local calendar day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def period_bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of a period in the company time zone."""
    return start_of_day(period.first_day, tz), start_of_day(period.end, tz)


def today_in(tz: tzinfo, now: datetime | None = None) -> date:
    """The calendar date of `now` (the product's clock by default) in the company time zone."""
    return (now or clock.now()).astimezone(tz).date()


def parse_day(text: str) -> date:
    """A date a user typed or loaded, YYYY-MM-DD, within the years the product works in."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise not_a_date(text) from None
    if day_problem(day) is not None:
        raise _outside(day.isoformat())
    return day


def _outside(text: str) -> ValueRefused:
    """A date or a timestamp outside the years the product works in."""
    return ValueRefused(f"'{text}' is outside {RANGE}",
                        Refusal("date_outside", {"text": text, "first": FIRST_DAY, "last": LAST_DAY}))


def _not_period(text: str) -> ValueRefused:
    return ValueRefused(f"'{text}' is not a period (YYYY-MM)", Refusal("not_a_period", {"text": text}))


def not_a_date(text: str) -> ValueRefused:
    """The refusal of a text that is no date YYYY-MM-DD."""
    return ValueRefused(f"'{text}' is not a date (YYYY-MM-DD)", Refusal("not_a_date", {"text": text}))


ONE_DAY = timedelta(days=1)
