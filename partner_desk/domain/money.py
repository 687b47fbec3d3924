"""Exact money: Decimal amounts, CLDR minor units and half-up rounding (SPEC section 2).

Every computation that divides works in `EXACT`, a 60-digit context, and multiplies before it
divides, so a tie at the minor unit is always seen exactly; rounding happens once, in `round_money`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from itertools import repeat

from babel.numbers import get_currency_precision, list_currencies

from partner_desk.domain.bounds import MAX_INTEGER_DIGITS, MAX_STORED_MINOR, amount_problem
from partner_desk.domain.errors import AmountTooLarge
from partner_desk.domain.refusals import Refusal, ValueRefused

# digits with one decimal comma: what '.' would have meant ("100,50" is 100.50)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,3}$")
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)
USD = "USD"
CENT = Decimal("0.01")


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code that CLDR knows."""
    return code in known_currencies()


@cache
def minor_digits(currency: str) -> int:
    """Digits after the point in the currency's minor unit: USD 2, JPY 0, KWD 3."""
    return int(get_currency_precision(currency))


@cache
def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(currency))


def round_half_up(value: Decimal | Fraction, exp: Decimal) -> Decimal:
    """Round to the quantum `exp`, a tie away from zero. Fractions are rounded exactly."""
    if isinstance(value, Fraction):
        value = EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))
    rounded = value.quantize(exp, rounding=ROUND_HALF_UP, context=EXACT)
    # a small negative rounds to zero, which is shown as "0.00", never "-0.00"
    return rounded.copy_abs() if rounded.is_zero() else rounded


def round_money(value: Decimal | Fraction, currency: str) -> Decimal:
    """The one rounding of SPEC section 2: half-up to the currency's minor unit."""
    return round_half_up(value, quantum(currency))


def round_usd(value: Decimal | Fraction) -> Decimal:
    return round_half_up(value, CENT)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units of an amount that is already rounded to the currency; an amount beyond
    what a 64-bit column holds is refused (amounts typed or loaded are far below it, see bounds.py)."""
    scaled = amount.scaleb(minor_digits(currency), context=EXACT)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    minor = int(scaled)
    if abs(minor) > MAX_STORED_MINOR:
        raise AmountTooLarge(f"{amount} {currency} is too large to store: check the amounts and rates it "
                             "was computed from",
                             Refusal("too_large_to_store", {"amount": Money(amount, currency)}))
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency)).quantize(quantum(currency))


def format_amount(amount: Decimal, currency: str) -> str:
    """Plain string with exactly the currency's minor digits: "12.50", "1234", "-0.125"."""
    return str(round_money(amount, currency))


def format_usd(amount: Decimal | Fraction) -> str:
    return str(round_usd(amount))


def format_amounts(amounts: Iterable[Decimal], currencies: Iterable[str]) -> list[str]:
    """`format_amount` of each amount in its currency, for writing many at once: the same rounding
    (half-up to the minor unit, never "-0.00"), each step in one pass over them all."""
    texts = list(map(str, map(Decimal.quantize, amounts, map(quantum, currencies), repeat(ROUND_HALF_UP),
                              repeat(EXACT))))
    if "-" in "".join(texts):  # a negative amount: one that rounds to zero is shown as zero
        texts = [text[1:] if text[0] == "-" and not text.strip("-0.") else text for text in texts]
    return texts


def format_amounts_in(amounts: Iterable[Decimal], currency: str) -> list[str]:
    """`format_amounts` of amounts all in one currency."""
    texts = list(map(str, map(EXACT.quantize, amounts, repeat(quantum(currency)))))
    if "-" in "".join(texts):
        texts = [text[1:] if text[0] == "-" and not text.strip("-0.") else text for text in texts]
    return texts


def format_percent(percent: Decimal) -> str:
    """A percent without trailing zeros: "15", "12.5"."""
    text = format(percent.normalize(), "f")
    return text


def not_decimal(text: str) -> ValueRefused:
    """The refusal of a text that is no decimal number; digits with one decimal comma and one to three
    digits after it ("100,50") are told how '.' writes them."""
    if _DECIMAL_COMMA.match(text.strip()):
        fixed = text.strip().replace(",", ".")
        return ValueRefused(f"'{text}' is not a decimal number (decimals use '.': {fixed})",
                            Refusal("not_decimal_comma", {"text": text, "fixed": fixed}))
    return ValueRefused(f"'{text}' is not a decimal number", Refusal("not_decimal", {"text": text}))


def parse_decimal(text: str) -> Decimal:
    """A decimal written with '.' and no exponent or thousands separator, with at most 12 integer
    digits (domain/bounds.py); ValueRefused (a ValueError) otherwise."""
    cleaned = text.strip()
    if not cleaned or any(ch not in "0123456789.-+" for ch in cleaned):
        raise not_decimal(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise not_decimal(text) from None
    if not value.is_finite():
        raise not_decimal(text)
    problem = amount_problem(value, cleaned)
    if problem is not None:
        raise ValueRefused(problem, Refusal("integer_digits", {"text": cleaned, "digits": MAX_INTEGER_DIGITS}))
    return value


def parse_amount(text: str, currency: str) -> Decimal:
    """An amount in `currency`; more decimals than the currency has is an error."""
    value = parse_decimal(text)
    digits = minor_digits(currency)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > digits and value != value.quantize(quantum(currency), context=EXACT):
        raise ValueRefused(f"'{text}' has more decimals than {currency} allows ({digits})",
                           Refusal("currency_decimals", {"text": text, "currency": currency, "digits": digits}))
    return value.quantize(quantum(currency), context=EXACT)


def per_currency(items: Iterable[tuple[Decimal, str]]) -> dict[str, Decimal]:
    """(amount, currency) pairs summed per currency, in currency order: the one way totals in several
    currencies are added up (accrual runs, payout batches, their files)."""
    summed: dict[str, Decimal] = {}
    for amount, currency in items:
        summed[currency] = summed.get(currency, Decimal(0)) + amount
    return dict(sorted(summed.items()))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, always exact and always within the currency's minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money amounts are Decimals")
        if self.amount != round_money(self.amount, self.currency):
            raise ValueError(f"{self.amount} has more decimals than {self.currency} allows")

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(round_money(Decimal(amount), currency), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(from_minor(minor, currency), currency)

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")
