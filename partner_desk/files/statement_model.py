"""What a partner statement shows, as plain values, and the Excel number formats it uses.

The statement writer takes these values and nothing else: the service that builds them decides
what was posted; the writer only lays it out. Amounts arrive already rounded to their currency
(USD amounts to cents), so the cells hold exactly the figures that were posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from partner_desk.domain.ledger import Position
from partner_desk.domain.money import minor_digits
from partner_desk.domain.periods import ONE_DAY, Period

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# rates are exact decimals of any length: at least two decimals shown, up to ten
RATE_FORMAT = "#,##0.00########"
INTEGER_FORMAT = "0"


def last_day(period: Period) -> date:
    return period.end - ONE_DAY


@lru_cache(maxsize=256)
def money_format(currency: str) -> str:
    """The Excel number format of a currency's amounts: JPY `#,##0`, USD `#,##0.00`, KWD `#,##0.000`."""
    digits = minor_digits(currency)
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits


@lru_cache(maxsize=256)
def percent_format(percent: Decimal) -> str:
    """The Excel format of a percent cell holding `percent / 100`: 15 -> `0%`, 12.5 -> `0.0%`."""
    exponent = percent.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    digits = max(0, -exponent)
    return "0%" if digits == 0 else "0." + "0" * digits + "%"


def percent_value(percent: Decimal) -> Decimal:
    """The cell value of a percent as written in the commission table: 15 -> 0.15, exactly."""
    return percent.scaleb(-2)


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One accrual line as posted; `paid_at` is local (company time zone) and naive, as Excel wants."""

    paid_at: datetime
    project_id: str
    project_name: str
    payment_id: str
    service: str
    refund_of: str | None
    amount: Decimal
    currency: str
    pay_rate: Decimal
    partner_rate: Decimal | None
    usd_amount: Decimal
    partner_amount: Decimal
    percent: Decimal
    commission: Decimal
    late: bool


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One ledger entry of the period; `projected` marks what a preview would post."""

    day: date
    kind: str
    amount: Decimal
    note: str | None = None
    project_id: str | None = None
    project_amount: Decimal | None = None
    project_currency: str | None = None
    withdrawal_id: int | None = None
    projected: bool = False


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """The figures of the Summary sheet. `turnover_usd`/`percent` are None without an accrual."""

    agency_code: str
    agency_name: str
    manager: str | None
    period: Period
    currency: str
    turnover_usd: Decimal | None
    percent: Decimal | None
    commission_total: Decimal
    reward_usd: Decimal
    reward_level_usd: Decimal | None
    benefits: tuple[str, ...]
    line_count: int
    late_count: int
    opening: Position
    closing: Position
    produced_on: date
    preview: bool = False


@dataclass(frozen=True)
class Statement:
    """A whole statement. `lines` may be a stream (read once, in order); the ledger is small."""

    summary: StatementSummary
    lines: Iterable[StatementLine]
    ledger: Sequence[LedgerRow]


@dataclass(frozen=True, slots=True)
class LineTotals:
    """What the Lines sheet's totals row shows, summed from the cells written above it."""

    count: int
    late: int
    usd_amount: Decimal
    partner_amount: Decimal
    commission: Decimal
