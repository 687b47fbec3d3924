"""Field parsing for imports: each bad field adds a Problem and yields None, so a file's every
problem is found in one pass."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from partner_desk.domain.bounds import (
    NAME_LENGTH,
    currency_problem,
    payment_day_problem,
    payment_window,
    text_problem,
)
from partner_desk.domain.money import parse_amount, parse_decimal
from partner_desk.domain.periods import Period, local_date, not_a_date, parse_day, parse_moment, parse_period
from partner_desk.domain.refusals import Refusal, ValueRefused
from partner_desk.files.table import Cells, Problem

T = TypeVar("T")


class ProblemSink(Protocol):
    def append(self, problem: Problem, /) -> None: ...


class RowReader:
    """The cells of one row, read with the problems they have recorded.

    A cell the file reader could not take as it is (a formula, an error value, a percent outside
    a percent column) carries its problem in `cells.problems`; it is reported when its column is read.
    """

    def __init__(self, number: int, cells: dict[str, str], problems: ProblemSink, *,
                 today: date, held: Collection[str] = ()) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems
        self.ok = True
        self.today = today
        self.held = held
        self._bad: Mapping[str, str | Refusal] = cells.problems if isinstance(cells, Cells) else {}

    def fail(self, column: str, message: str | Refusal) -> None:
        self.ok = False
        problem = Problem.of(self.number, column, message) if isinstance(message, Refusal) else Problem(
            self.number, column, message)
        self.problems.append(problem)

    def text(self, column: str, *, required: bool = True, max_length: int = NAME_LENGTH) -> str | None:
        if column in self._bad:
            self.fail(column, self._bad[column])
            return None
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.fail(column, Refusal("cell_empty"))
            return None
        problem = text_problem(value, max_length)
        if problem is not None:
            self.fail(column, problem)
            return None
        return value

    def currency(self, column: str = "currency") -> str | None:
        value = self.text(column, max_length=3)
        if value is None:
            return None
        problem = currency_problem(value, self.today, self.held)
        if problem is not None:
            self.fail(column, problem)
            return None
        return value

    def _read(self, column: str, parse: Callable[[str], T], *, max_length: int, required: bool = True) -> T | None:
        """The cell of `column` as `parse` reads it; None, with the problem reported, when it cannot be."""
        value = self.text(column, required=required, max_length=max_length)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:  # a value refused with its typed reason, or one worded whole
            self.fail(column, exc.refusal if isinstance(exc, ValueRefused) else str(exc))
            return None

    def moment(self, column: str, tz: ZoneInfo, *, required: bool = True) -> datetime | None:
        return self._read(column, lambda value: parse_moment(value, tz), max_length=64, required=required)

    def payment_time(self, column: str, tz: ZoneInfo) -> datetime | None:
        """A payment's moment: its day in the company time zone from 2000-01-01 to tomorrow."""
        moment = self.moment(column, tz)
        if moment is None:
            return None
        start, until = payment_window(self.today, tz)
        if start <= moment < until:
            return moment
        problem = payment_day_problem(local_date(moment, tz), self.today)
        if problem is not None:
            self.fail(column, problem)
            return None
        return moment

    def day(self, column: str) -> date | None:
        return self._read(column, _cell_day, max_length=32)

    def period(self, column: str, *, also: Collection[Period] = ()) -> Period | None:
        """A period within the product's years, or one of `also` (the commission table's beginning)."""

        def read(value: str) -> Period:
            try:
                return parse_period(value)
            except ValueError:
                with contextlib.suppress(ValueError):
                    if (special := Period.parse(value)) in also:
                        return special
                raise

        return self._read(column, read, max_length=16)

    def decimal(self, column: str) -> Decimal | None:
        return self._read(column, parse_decimal, max_length=64)

    def amount(self, column: str, currency: str | None) -> Decimal | None:
        if currency is None:  # the currency's own problem is reported; the cell's, if any, too
            self.text(column, max_length=64)
            return None
        return self._read(column, lambda value: parse_amount(value, currency), max_length=64)


def _cell_day(value: str) -> date:
    """A day written YYYY-MM-DD; a spreadsheet's date cell reads as a timestamp: its day, if the whole
    is a timestamp."""
    if len(value) > 10 and value[10] in "T ":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise not_a_date(value) from None
        value = value[:10]
    return parse_day(value)
