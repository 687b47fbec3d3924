"""Translation and locale-aware display of money, dates and percents.

Every user-visible string goes through `_` (or `ngettext`); catalogs are compiled gettext files
`locale/<lang>/LC_MESSAGES/partner_desk.mo` under the resources folder (`make catalogs` compiles
them from the `.po` sources, extracted with Babel). The language of the messages and the locale of
numbers and dates are chosen apart: `setup("uk")` gives both in Ukrainian, `setup("en", "uk_UA")`
English words with Ukrainian numbers and dates.

Display formatting rounds half-up to the currency's minor unit first, because Babel's own
formatting rounds half to even. One date pattern and one moment pattern per locale serve the whole
window.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import sys
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import format_currency, format_decimal

from partner_desk.domain.money import minor_digits, round_money
from partner_desk.domain.words import N_ as N_  # the one marker, shared with the domain

DOMAIN = "partner_desk"
DEFAULT_LOCALE = "en_US"
# the languages the window speaks, by their own names, and the locale each stands for alone
LANGUAGES = {"uk": "Українська", "en": "English"}
HOME_LOCALE = {"uk": "uk_UA", "en": "en_US"}
# a numeric day where CLDR's medium date abbreviates month names with dots ("3 лист. 2025 р.")
DAY_PATTERNS = {"uk": "dd.MM.y"}


def _find_resources() -> Path:
    """The run-time resources (icons, compiled catalogs): inside the installed package (a wheel or
    the bundle carries them as `partner_desk/resources`), else the checkout's `resources/`."""
    package = Path(__file__).resolve().parent
    candidates = [package / "resources", package.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "partner_desk" / "resources")
    for folder in candidates:
        if (folder / "locale").is_dir() or (folder / "icons").is_dir():
            return folder
    return candidates[-1]


RESOURCES = _find_resources()
LOCALE_DIR = RESOURCES / "locale"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_locale = DEFAULT_LOCALE
_language = "en"


def known_locale(code: str) -> str | None:
    """`code` ("uk", "uk_UA.UTF-8", "en-GB") as a locale Babel knows, or None."""
    code = code.split(".")[0].split("@")[0].replace("-", "_")
    if code in ("", "C", "POSIX"):  # the system's "no locale" means the default, not CLDR's root locale
        return None
    code = HOME_LOCALE.get(code, code)
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None
    return code


def setup(language: str | None = None, formats: str | None = None) -> str:
    """Choose the language of the messages and the locale of numbers and dates; returns the latter.

    `language` defaults to PARTNER_DESK_LANG, then LANG; `formats` (a locale such as "uk_UA") to the
    language's own locale. A language without a catalog shows the messages as written (English).
    """
    global _translation, _locale, _language
    wanted = language or os.environ.get("PARTNER_DESK_LANG") or os.environ.get("LANG", "") or DEFAULT_LOCALE
    speaking = known_locale(wanted) or DEFAULT_LOCALE
    _locale = (known_locale(formats) if formats else None) or speaking
    _language = speaking.split("_")[0]
    _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[speaking, _language], fallback=True)
    return _locale


def has_catalog(language: str) -> bool:
    """True when a compiled catalog of `language` ("uk") is where `setup` looks for it."""
    return (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()


def current_language() -> str:
    """The language of the messages: "uk", "en"..."""
    return _language


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


def current_locale() -> str:
    """The locale numbers, money and dates are shown in."""
    return _locale


# a letter of a currency code touching a digit: "UAH3,480.10" reads better as "UAH 3,480.10"
_CODE_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
_DIGIT_THEN_CODE = re.compile(r"(?<=\d)(?=[^\W\d_])")


def money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """`$1,234.50`, `UAH 1,234.50`, `1 234,50 ₴` in the display locale, rounded half-up to the
    minor unit; a currency shown by its code stands a (non-breaking) space apart from the number."""
    text = format_currency(round_money(amount, currency), currency, locale=locale or _locale,
                           currency_digits=True)
    return _DIGIT_THEN_CODE.sub("\u00a0", _CODE_THEN_DIGIT.sub("\u00a0", text))


def plain_amount(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """An amount with exactly its currency's minor digits and no symbol: "10,050.00", "1 234,56", "1,234"."""
    digits = minor_digits(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round_money(amount, currency), format=pattern, locale=locale or _locale)


def number(amount: Decimal, digits: int = 2, locale: str | None = None) -> str:
    """A number with exactly `digits` decimals (rounded half-up) in the display locale."""
    quantum = Decimal(1).scaleb(-digits)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(amount.quantize(quantum, rounding=ROUND_HALF_UP), format=pattern, locale=locale or _locale)


def rate(value: Decimal, locale: str | None = None) -> str:
    """An exchange rate exactly as stored, with at least two decimals: "41.50", "0.000123", "1.00"."""
    return format_decimal(value, format="#,##0.00##########", locale=locale or _locale, decimal_quantization=False)


def percent(value: Decimal, locale: str | None = None) -> str:
    """A percent value as written in the commission table (15 -> "15%", 12.5 -> "12,5%" in Ukrainian)."""
    return format_decimal(value, locale=locale or _locale) + "%"


def day_pattern(locale: str | None = None) -> str:
    """The CLDR pattern of a day in the display locale: "MMM d, y" (en_US), "dd.MM.y" (uk)."""
    code = locale or _locale
    parsed = Locale.parse(code)
    return DAY_PATTERNS.get(parsed.language) or str(parsed.date_formats["medium"].pattern)


def qt_day_format(locale: str | None = None) -> str:
    """`day_pattern` written for Qt's date widgets ("MMM d, yyyy", "dd.MM.yyyy")."""
    return re.sub(r"(?<![y'])y(?!y)", "yyyy", day_pattern(locale))


def day(value: date, locale: str | None = None) -> str:
    """A day: "Nov 3, 2025" in English (United States), "03.11.2025" in Ukrainian."""
    return _babel_date(value, format=day_pattern(locale), locale=locale or _locale)


def short_day(value: date, locale: str | None = None) -> str:
    """A day where room is tight: "10/19/25" in English (United States), "19.10.25" in Ukrainian."""
    return _babel_date(value, format="short", locale=locale or _locale)


def moment(value: datetime, locale: str | None = None) -> str:
    """A day and a time to the minute: "Nov 3, 2025, 9:00 AM", "03.11.2025, 09:00" (24-hour)."""
    code = locale or _locale
    glue = str(Locale.parse(code).datetime_formats["medium"])
    return glue.replace("{1}", day(value.date(), code)).replace(
        "{0}", _babel_time(value, format="short", locale=code))


def moment_exact(value: datetime, locale: str | None = None) -> str:
    """A day and a time to the second: "Mar 5, 2025, 8:00:31 AM", "05.03.2025, 08:00:31" (24-hour)."""
    code = locale or _locale
    glue = str(Locale.parse(code).datetime_formats["medium"])
    return glue.replace("{1}", day(value.date(), code)).replace(
        "{0}", _babel_time(value, format="medium", locale=code))


def clock_time(value: datetime, locale: str | None = None) -> str:
    """A time of day to the minute: "9:14 AM" in English (United States), "09:14" in Ukrainian."""
    code = locale or _locale
    return str(_babel_time(value, format="short", locale=code))
