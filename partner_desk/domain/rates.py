"""Daily exchange rates, in units of a currency per 1 USD, looked up by bisect (SPEC section 2)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from partner_desk.domain.errors import MissingRates
from partner_desk.domain.money import USD

ONE = Decimal(1)


class NoRate(LookupError):
    """No rate of `currency` on or before `day`."""

    def __init__(self, currency: str, day: date) -> None:
        super().__init__(f"no {currency} rate on or before {day}")
        self.currency = currency
        self.day = day


class RateBook:
    """Every known rate; the rate for a day is the latest one dated on or before it."""

    def __init__(self, rows: Iterable[tuple[date, str, Decimal]] = ()) -> None:
        series: dict[str, list[tuple[date, Decimal]]] = {}
        for day, currency, per_usd in rows:
            series.setdefault(currency, []).append((day, per_usd))
        self._days: dict[str, list[date]] = {}
        self._values: dict[str, list[Decimal]] = {}
        for currency, points in series.items():
            points.sort()
            self._days[currency] = [d for d, _ in points]
            self._values[currency] = [v for _, v in points]
        self._cache: dict[tuple[str, date], Decimal] = {}

    def rate(self, currency: str, day: date) -> Decimal:
        """Units of `currency` per 1 USD on `day`; raises NoRate."""
        if currency == USD:
            return ONE
        key = (currency, day)
        found = self._cache.get(key)
        if found is not None:
            return found
        days = self._days.get(currency)
        index = bisect_right(days, day) if days else 0
        if index == 0:
            raise NoRate(currency, day)
        value = self._values[currency][index - 1]
        self._cache[key] = value
        return value

    def maybe_rate(self, currency: str, day: date) -> Decimal | None:
        try:
            return self.rate(currency, day)
        except NoRate:
            return None


class RateCollector:
    """Looks rates up and remembers every one that is missing, so a run reports them all at once."""

    def __init__(self, book: RateBook) -> None:
        self.book = book
        self.missing: set[tuple[str, str]] = set()
        self._pairs: dict[tuple[str, str, date], tuple[Decimal, Decimal | None]] = {}
        # what a run prices with these rates and shares between its agencies (domain/accrual.py's
        # terms of a percent and a pair of rates), kept as long as the rates are
        self.shared: dict[tuple[int, int], Any] = {}

    def pair(self, payment_currency: str, partner_currency: str, day: date) -> tuple[Decimal, Decimal | None]:
        """The rates a payment of `day` converts at: to USD, then to the partner currency (None when
        the currencies match). A run asks for each currency, partner currency and day many times."""
        key = (payment_currency, partner_currency, day)
        found = self._pairs.get(key)
        if found is None:
            partner = None if payment_currency == partner_currency else self.rate(partner_currency, day)
            found = self._pairs[key] = (self.rate(payment_currency, day), partner)
        return found

    def rate(self, currency: str, day: date) -> Decimal:
        try:
            return self.book.rate(currency, day)
        except NoRate:
            self.missing.add((currency, day.isoformat()))
            return ONE

    def raise_if_missing(self) -> None:
        if self.missing:
            raise MissingRates(sorted(self.missing))
