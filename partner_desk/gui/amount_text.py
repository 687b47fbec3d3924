"""Reading an amount typed in the window: strictly, in the display locale, within the currency.

"100,50" typed in an English window is not quietly ten thousand and fifty: Babel's strict parser
refuses it, and the refusal names both readings ("did you mean 100.50 or 10,050.00?"). The same in
Ukrainian for "1,000.5". A plain space is accepted where the locale groups thousands with a
non-breaking one ("1 234,56" in Ukrainian). More decimals than the currency has are refused (JPY
none, USD two, KWD three), and so is a sign the dialog does not take, and an amount of more than 12
integer digits (domain/bounds.py). The command line does not
come here: it keeps its strict "."-decimal contract (`domain.money.parse_amount`).
"""

from __future__ import annotations

import contextlib
from decimal import ROUND_DOWN, Decimal
from enum import Enum

from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from partner_desk.domain.bounds import MAX_INTEGER_DIGITS, amount_problem
from partner_desk.domain.errors import UserError
from partner_desk.domain.money import minor_digits, quantum
from partner_desk.i18n import _, current_locale, ngettext, number, plain_amount

SPACES = ("\u00a0", "\u202f")  # the group symbols CLDR writes as a space
# the same text read the other way round: a comma-decimal locale, a point-decimal one
OTHER_WAY = {",": "en_US", ".": "uk_UA"}


class Sign(Enum):
    """Which amounts a dialog takes."""

    POSITIVE = "positive"  # a payment, a withdrawal
    NONZERO = "nonzero"  # a correction: either way, but not zero
    NOT_NEGATIVE = "not negative"  # a threshold: zero is the first level


class AmountProblem(UserError):
    """Why a typed text is not an amount the dialog takes; the text says it to the user."""


def read_amount(text: str, currency: str, sign: Sign = Sign.POSITIVE, locale: str | None = None) -> Decimal:
    """The amount `text` means, in `locale` (default: the display locale), as `currency` records it."""
    code = locale or current_locale()
    raw = text.strip()
    if not raw:
        raise AmountProblem(_("enter an amount"))
    value = _parse(raw, code, currency)
    if amount_problem(value) is not None:
        raise AmountProblem(_("the amount has more than {digits} integer digits").format(digits=MAX_INTEGER_DIGITS))
    digits = minor_digits(currency)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > digits:
        raise AmountProblem(_too_precise(raw, value, currency, code))
    if sign is Sign.POSITIVE and value <= 0:
        raise AmountProblem(_("enter an amount above zero"))
    if sign is Sign.NONZERO and value == 0:
        raise AmountProblem(_("enter an amount other than zero"))
    if sign is Sign.NOT_NEGATIVE and value < 0:
        raise AmountProblem(_("the amount cannot be negative"))
    return value.quantize(quantum(currency))


def read_percent(text: str, locale: str | None = None) -> Decimal:
    """A percent typed in the display locale ("12.5", "12,5" in Ukrainian; a "%" after it is allowed)."""
    code = locale or current_locale()
    raw = text.strip().removesuffix("%").strip()
    if not raw:
        raise AmountProblem(_("enter a percent"))
    try:
        return _strict(raw, code)
    except NumberFormatError:
        raise AmountProblem(_("“{text}” is not a percent: write it as {example}").format(
            text=text.strip(), example=number(Decimal("12.5"), 1, code))) from None


def example(currency: str, locale: str | None = None) -> str:
    """How an amount is written here: "1,234.56" in English, "1 234,56" in Ukrainian, "1,234" for JPY."""
    return plain_amount(Decimal("1234.567").quantize(quantum(currency), rounding=ROUND_DOWN), currency, locale)


def _local(text: str, code: str) -> str:
    """The text with a plain space standing for a space-like group symbol, and a true minus sign."""
    text = text.replace("\u2212", "-")
    group = get_group_symbol(code)
    return text.replace(" ", group) if group in SPACES else text


def _strict(text: str, code: str) -> Decimal:
    """Babel's strict reading, refusing exponents and anything that is not a plain decimal."""
    cleaned = _local(text, code)
    allowed = set("0123456789+-") | {get_decimal_symbol(code), get_group_symbol(code), "."}
    if any(ch not in allowed for ch in cleaned):
        raise NumberFormatError(f"{text!r} is not a number")
    value = parse_decimal(cleaned, code, strict=True)
    if not value.is_finite():
        raise NumberFormatError(f"{text!r} is not a number")
    return value


def _parse(raw: str, code: str, currency: str) -> Decimal:
    try:
        return _strict(raw, code)
    except NumberFormatError as exc:
        readings = _readings(raw, exc, code, currency)
    shown = [plain_amount(r, currency, code) for r in readings]
    if len(shown) >= 2:
        return _refuse(_("“{text}” can be read two ways: did you mean {first} or {second}?").format(
            text=raw, first=shown[0], second=shown[1]))
    if shown:
        return _refuse(_("“{text}” is not written the way numbers are written here: did you mean {reading}?")
                       .format(text=raw, reading=shown[0]))
    return _refuse(_("“{text}” is not an amount: write it as {example}").format(
        text=raw, example=example(currency, code)))


def _refuse(message: str) -> Decimal:
    raise AmountProblem(message)


def _readings(raw: str, exc: NumberFormatError, code: str, currency: str) -> list[Decimal]:
    """What an ambiguous text could have meant, smallest first: Babel's suggestions, else the text
    read with the other decimal mark. Only readings the currency can record are offered."""
    found: list[Decimal] = []
    for suggestion in getattr(exc, "suggestions", None) or []:
        try:
            found.append(parse_decimal(suggestion, code))
        except NumberFormatError:
            continue
    if not found:
        other = OTHER_WAY.get(get_decimal_symbol(code))
        if other is not None:
            with contextlib.suppress(NumberFormatError):
                found.append(_strict(raw, other))
    fits = {r.normalize() for r in found if r == r.quantize(quantum(currency))}
    return sorted(fits)


def _too_precise(raw: str, value: Decimal, currency: str, code: str) -> str:
    """More decimals than the currency has; "1.000" may have meant one, or a thousand."""
    digits = minor_digits(currency)
    if digits == 0:
        problem = _("{currency} amounts have no decimals").format(currency=currency)
    else:
        problem = ngettext("{currency} amounts have at most {n} decimal",
                           "{currency} amounts have at most {n} decimals", digits).format(currency=currency, n=digits)
    readings = []
    if value == value.quantize(quantum(currency)):
        readings.append(value)  # "10.500" USD: the zeros changed nothing
    exponent = value.as_tuple().exponent
    if exponent == -3:
        readings.append(value.scaleb(3))  # "10.500" where "." groups thousands
    shown = [plain_amount(r, currency, code) for r in sorted(set(readings))]
    if len(shown) >= 2:
        return _("“{text}”: {problem}; did you mean {first} or {second}?").format(
            text=raw, problem=problem, first=shown[0], second=shown[1])
    if shown:
        return _("“{text}”: {problem}; did you mean {reading}?").format(text=raw, problem=problem, reading=shown[0])
    return _("“{text}”: {problem}").format(text=raw, problem=problem)
