"""What a partner statement shows, as plain values, the Excel number formats it uses, and how its
lines are grouped and totalled.

The statement writers (XLSX and PDF) take these values and nothing else: the service that builds
them decides what was posted; a writer only lays it out. A line's USD and partner amounts arrive
rounded for display (USD to cents); its commission is the posted, rounded one.

Totals (one rule for every writer): a line's commission is rounded once, so commission totals are
sums of the lines as shown and equal the posted accrual. USD and partner amounts are exact, so their
totals are the exact sums, rounded once; they may differ by a cent or two from the sum of the rounded
amounts shown on the lines, and the payments' USD subtotal is the licence turnover of the Summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache

from partner_desk.domain.accrual import ExactSum
from partner_desk.domain.ledger import Position, running
from partner_desk.domain.money import EXACT, minor_digits, round_money, round_usd
from partner_desk.domain.periods import ONE_DAY, Period

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# rates are exact decimals of any length: at least two decimals shown, up to ten
RATE_FORMAT = "#,##0.00########"
INTEGER_FORMAT = "0"
# the files a statement is written as; the file name's suffix chooses
FORMATS = ("xlsx", "pdf")


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
    period: Period | None = None  # the accrual's period, for accrual credits and refund reversals


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


class LineGroup(IntEnum):
    """The parts of the Lines sheet, in this order: payments of the period (they make the licence
    turnover), refunds of the period, and late lines (payments and refunds of earlier periods),
    which count in no turnover."""

    PAYMENTS = 0
    REFUNDS = 1
    LATE = 2


def line_group(line: StatementLine) -> LineGroup:
    if line.late:
        return LineGroup.LATE
    return LineGroup.REFUNDS if line.refund_of is not None else LineGroup.PAYMENTS


@dataclass
class Sums:
    """Totals of some lines: commission summed as shown; USD and partner amounts summed exactly."""

    count: int = 0
    late: int = 0
    commission: Decimal = Decimal(0)
    usd: ExactSum = field(default_factory=ExactSum)
    partner: ExactSum = field(default_factory=ExactSum)

    def add(self, line: StatementLine) -> None:
        self.count += 1
        self.late += line.late
        self.commission += line.commission
        # the line's amounts as posting computed them: amount / pay rate, and x partner rate
        self.usd.add(line.amount, line.pay_rate)
        if line.partner_rate is None:
            self.partner.add(line.amount, Decimal(1))
        else:
            self.partner.add(EXACT.multiply(line.amount, line.partner_rate), line.pay_rate)

    def usd_amount(self) -> Decimal:
        return round_usd(self.usd.value()) if self.count else Decimal("0.00")

    def partner_amount(self, currency: str) -> Decimal:
        return round_money(self.partner.value(), currency) if self.count else round_money(Decimal(0), currency)


@dataclass(frozen=True, slots=True)
class LineTotals:
    """What the Lines totals show: `turnover_usd` is the payments' USD subtotal (the licence turnover)."""

    count: int
    late: int
    usd_amount: Decimal
    partner_amount: Decimal
    commission: Decimal
    turnover_usd: Decimal = Decimal("0.00")


def running_balances(s: StatementSummary, entries: Sequence[LedgerRow]) -> list[tuple[Decimal, Decimal]]:
    """Balance and held amount after each entry; the last must be the closing position."""
    after = running(s.opening, [(entry.kind, entry.amount) for entry in entries])
    last = after[-1] if after else s.opening
    if last != s.closing:
        raise ValueError(f"ledger of {s.agency_code} for {s.period} does not add up: opening plus entries "
                         f"give {last.balance} (held {last.held}), the closing balance is {s.closing.balance} "
                         f"(held {s.closing.held})")
    return [(p.balance, p.held) for p in after]


def grouped(lines: Iterable[StatementLine]) -> Iterator[tuple[LineGroup, StatementLine]]:
    """The lines with their group; they must come group by group, in LineGroup order."""
    current = LineGroup.PAYMENTS
    for line in lines:
        group = line_group(line)
        if group < current:
            raise ValueError(f"statement line {line.payment_id} comes after the lines of a later group")
        current = group
        yield group, line


@dataclass(frozen=True, slots=True)
class GroupTotal:
    """A totals row of the Lines sheet: of one group's lines, or (`group` None) of every line."""

    group: LineGroup | None
    sums: Sums


class LineSheet:
    """The rows of the Lines sheet in the order both writers lay them out: each group's heading (its
    `LineGroup`), its lines and its `GroupTotal`, then the `GroupTotal` of every line; once they are
    read, `totals` is what the Summary shows of them."""

    def __init__(self, lines: Iterable[StatementLine]) -> None:
        self._lines = lines
        self.every = Sums()
        self.parts: dict[LineGroup, Sums] = {}

    def __iter__(self) -> Iterator[LineGroup | StatementLine | GroupTotal]:
        current: LineGroup | None = None
        for group, line in grouped(self._lines):
            if group != current:
                if current is not None:
                    yield GroupTotal(current, self.parts[current])
                current = group
                self.parts[group] = Sums()
                yield group
            yield line
            self.parts[group].add(line)
            self.every.add(line)
        if current is not None:
            yield GroupTotal(current, self.parts[current])
        yield GroupTotal(None, self.every)

    def totals(self, currency: str) -> LineTotals:
        every, payments = self.every, self.parts.get(LineGroup.PAYMENTS, Sums())
        return LineTotals(every.count, every.late, every.usd_amount(), every.partner_amount(currency),
                          every.commission, payments.usd_amount())
