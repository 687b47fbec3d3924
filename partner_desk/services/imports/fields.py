"""Field parsing for imports: each bad field adds a Problem and yields None, so a file's every
problem is found in one pass."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from partner_desk.domain.money import is_currency, parse_amount, parse_decimal
from partner_desk.domain.periods import Period, parse_day, parse_moment
from partner_desk.files.table import Problem


class RowReader:
    """The cells of one row, read with the problems they have recorded."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[Problem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, *, required: bool = True, max_length: int = 200) -> str | None:
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.fail(column, "is empty")
            return None
        if len(value) > max_length:
            self.fail(column, f"is longer than {max_length} characters")
            return None
        return value

    def currency(self, column: str = "currency") -> str | None:
        value = self.text(column, max_length=3)
        if value is None:
            return None
        if value != value.upper() or not is_currency(value):
            self.fail(column, f"'{value}' is not an ISO 4217 currency code")
            return None
        return value

    def moment(self, column: str, tz: ZoneInfo, *, required: bool = True) -> datetime | None:
        value = self.text(column, required=required, max_length=64)
        if value is None:
            return None
        try:
            return parse_moment(value, tz)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def day(self, column: str) -> date | None:
        value = self.text(column, max_length=32)
        if value is None:
            return None
        try:
            return parse_day(value[:10] if len(value) > 10 and value[10] in "T " else value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def period(self, column: str) -> Period | None:
        value = self.text(column, max_length=16)
        if value is None:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column, max_length=64)
        if value is None:
            return None
        try:
            return parse_decimal(value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def amount(self, column: str, currency: str | None) -> Decimal | None:
        value = self.text(column, max_length=64)
        if value is None or currency is None:
            return None
        try:
            return parse_amount(value, currency)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None
