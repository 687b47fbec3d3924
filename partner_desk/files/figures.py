"""The kinds of figure a written file shows beside plain numbers, texts and dates: each writer (a
table export, a statement) puts one in its format's own way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of a currency: rounded half-up to its minor unit, in that currency's format."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Percent:
    """A percent as the commission table writes it: 15 is 15 %."""

    value: Decimal


@dataclass(frozen=True, slots=True)
class Rate:
    """An exchange rate (units per 1 USD), exact."""

    value: Decimal
