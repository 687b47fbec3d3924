"""The window's language and the locale of its numbers and dates.

The language follows the operating system (`QLocale.system()`) unless the user chose one in Settings;
the number and date format follows the language unless the user chose another one. Both choices are
kept in QSettings and take effect at the next start. `PARTNER_DESK_LANG` (e.g. `uk`, `en_US`)
overrides both, for scripts and screenshots.

Qt's own strings (standard buttons, file dialogs, context menus) come from Qt's `qtbase_<lang>.qm`,
so its buttons speak the same language as ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from partner_desk import i18n

LANGUAGE_KEY = "locale/language"
FORMATS_KEY = "locale/formats"
ENVIRONMENT = "PARTNER_DESK_LANG"
# number and date formats offered in Settings besides the system's own
FORMAT_CHOICES = ("uk_UA", "en_US", "en_GB", "pl_PL", "de_DE", "kk_KZ")


@dataclass(frozen=True)
class Choice:
    """What the window will speak and how it will write numbers and dates, and why."""

    language: str  # "uk" or "en"
    formats: str  # a locale: "uk_UA", "en_GB"...
    overridden: bool = False  # PARTNER_DESK_LANG decided it


def system_locale() -> str:
    """The operating system's locale ("uk_UA"); English (United States) when it has none."""
    name = QLocale.system().name()
    return name if name not in ("C", "") else i18n.DEFAULT_LOCALE


def stored(store: QSettings) -> tuple[str, str]:
    """The language and the format locale chosen in Settings ("" where the user left the default)."""
    return str(store.value(LANGUAGE_KEY, "") or ""), str(store.value(FORMATS_KEY, "") or "")


def save(store: QSettings, language: str, formats: str) -> None:
    """Keep the user's choice ("" for the default) for the next start."""
    store.setValue(LANGUAGE_KEY, language)
    store.setValue(FORMATS_KEY, formats)
    store.sync()


def resolve(store: QSettings, system: str | None = None, environment: str | None = None) -> Choice:
    """The choice in force: PARTNER_DESK_LANG, else Settings, else the system's locale.

    A system language without a catalog falls back to English (a Polish system: English words, Polish
    numbers and dates). A format locale left to its default is the system's, unless the user chose a
    language the system does not speak: then it is that language's own (uk_UA, en_US).
    """
    env = os.environ.get(ENVIRONMENT, "") if environment is None else environment
    if env.strip():
        locale = i18n.known_locale(env.strip()) or i18n.DEFAULT_LOCALE
        language = locale.split("_")[0]
        return Choice(language if language in i18n.LANGUAGES else "en", locale, overridden=True)
    system = i18n.known_locale(system or system_locale()) or i18n.DEFAULT_LOCALE
    chosen_language, chosen_formats = stored(store)
    system_language = system.split("_")[0]
    language = chosen_language
    if language not in i18n.LANGUAGES:
        language = system_language if system_language in i18n.LANGUAGES else "en"
    formats = i18n.known_locale(chosen_formats) if chosen_formats else None
    if formats is None:
        follow = chosen_language not in i18n.LANGUAGES or system_language == language
        formats = system if follow else i18n.HOME_LOCALE[language]
    return Choice(language, formats)


def apply(choice: Choice) -> None:
    """Make `choice` the window's: our catalog, Qt's own translations and Qt's default locale."""
    i18n.setup(choice.language, choice.formats)
    QLocale.setDefault(QLocale(i18n.current_locale()))
    install_qt_translations(choice.language)


def qt_translations_folder() -> Path:
    """Where Qt's own .qm catalogs are: Qt's translations path (the wheel's, or the bundle's)."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_translations(language: str) -> bool:
    """Load Qt's `qtbase_<language>.qm` in place of the one loaded before; True when it was found.

    English needs none: Qt's strings are written in it.
    """
    app = QCoreApplication.instance()
    if app is None:
        return False
    old = app.findChild(QTranslator, "qt_translations")
    if old is not None:
        if old.property("language") == language:
            return True
        app.removeTranslator(old)
        old.deleteLater()
    if language == "en":
        return True
    translator = QTranslator(app)
    translator.setObjectName("qt_translations")
    translator.setProperty("language", language)
    if not translator.load(f"qtbase_{language}", str(qt_translations_folder())):
        translator.deleteLater()
        return False
    app.installTranslator(translator)
    return True
