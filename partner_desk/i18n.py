"""Translation and locale-aware display of money, dates and percents.

Every user-visible string goes through `_` (or `ngettext`); catalogs are compiled gettext files in
resources/locale/<lang>/LC_MESSAGES/partner_desk.mo, extracted with Babel (`pybabel extract`).
Display formatting rounds half-up to the currency's minor unit first, because Babel's own
formatting rounds half to even.
"""

from __future__ import annotations

import gettext as _gettext
import os
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

from partner_desk.domain.money import round_money

DOMAIN = "partner_desk"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
LOCALE_DIR = RESOURCES / "locale"
DEFAULT_LOCALE = "en_US"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_locale = DEFAULT_LOCALE


def setup(language: str | None = None) -> str:
    """Choose the language and display locale (PARTNER_DESK_LANG, then LANG); returns the locale."""
    global _translation, _locale
    wanted = language or os.environ.get("PARTNER_DESK_LANG") or os.environ.get("LANG", "") or DEFAULT_LOCALE
    code = wanted.split(".")[0] or DEFAULT_LOCALE
    if code in ("C", "POSIX"):  # the system's "no locale" means the default, not CLDR's root locale
        code = DEFAULT_LOCALE
    try:
        Locale.parse(code)
        _locale = code
    except (UnknownLocaleError, ValueError):
        _locale = DEFAULT_LOCALE
    _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[_locale, _locale.split("_")[0]],
                                        fallback=True)
    return _locale


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


@lru_cache(maxsize=8)
def translator(language: str) -> _gettext.NullTranslations:
    """The catalog of one language ('uk', 'en'), for text written in a language of its own, such as an
    agency's statement; the window's language is left as it is. Its `gettext` and `ngettext`
    translate; a language without a catalog gives the messages as written (English)."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_`."""
    return message


def current_locale() -> str:
    return _locale


def money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """`1,234.50 €`-style text in the display locale, rounded half-up to the minor unit."""
    return format_currency(round_money(amount, currency), currency, locale=locale or _locale,
                           currency_digits=True)


def number(amount: Decimal, digits: int = 2, locale: str | None = None) -> str:
    quantum = Decimal(1).scaleb(-digits)
    from decimal import ROUND_HALF_UP

    return format_decimal(amount.quantize(quantum, rounding=ROUND_HALF_UP), format=None,
                          locale=locale or _locale, decimal_quantization=False)


def percent(value: Decimal, locale: str | None = None) -> str:
    """A percent value as written in the commission table (15 -> "15%")."""
    return format_decimal(value, locale=locale or _locale) + "%"


def day(value: date, locale: str | None = None) -> str:
    return _babel_date(value, format="medium", locale=locale or _locale)


def moment(value: datetime, locale: str | None = None) -> str:
    return _babel_datetime(value, format="medium", locale=locale or _locale)
