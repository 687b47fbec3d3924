"""Column types that keep money and moments exact on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum as PyEnum
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from partner_desk.domain import clock
from partner_desk.domain.periods import Period


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its text, so no database turns it into a float."""

    impl = String(80)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, got {type(value).__name__}")
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class TextEnum(TypeDecorator[Any]):
    """A domain enum stored as the text the column has always held (`written`: a member's value by
    default): a plain VARCHAR, neither a database enum type nor a CHECK constraint, so SQLite and
    PostgreSQL keep the same column and no migration is needed. Rows read back as the enum's members;
    a text that is none of them (written behind the product's back) reads back as it is, so that the
    checks that look for such changes can name it instead of failing to read it."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[PyEnum], length: int,
                 written: Callable[[Any], str] = lambda member: str(member.value)) -> None:
        super().__init__(length)
        self.enum = enum
        self._text = {member: written(member) for member in enum}
        self._member = {text: member for member, text in self._text.items()}

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, self.enum):
            return self._text[value]
        if value in self._member:
            return str(value)
        raise ValueError(f"'{value}' is not a {self.enum.__name__}")

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self._member.get(value, value)


class PeriodText(TypeDecorator[Period]):
    """A period stored as its text, YYYY-MM, and read back as a Period."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Period | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(value if isinstance(value, Period) else Period.parse(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Period | None:
        return None if value is None else Period.parse(value)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive in UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a UTC moment")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    """The product's clock (the real one unless PARTNER_DESK_NOW sets it back)."""
    return clock.now()
