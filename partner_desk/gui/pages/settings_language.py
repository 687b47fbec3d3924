"""The settings page's language section: the window's language and, apart, its number and date format.

The choice belongs to the person at this computer (it is kept in QSettings, not in the database),
so every role may make it. It takes effect at the next start: every page is built in the language
it starts with.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal

from babel import Locale
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from partner_desk import i18n
from partner_desk.gui import colors, language
from partner_desk.gui.preferences import settings
from partner_desk.i18n import _

SAMPLE_AMOUNT = Decimal("3480.10")
SAMPLE_MOMENT = datetime(2026, 11, 3, 14, 30)


def format_label(locale: str) -> str:
    """"Українська (Україна): 3 480,10 ₴ · 03.11.2026, 14:30": a locale by its own name, with a sample."""
    name = Locale.parse(locale).get_display_name(locale) or locale
    sample = " · ".join([i18n.money(SAMPLE_AMOUNT, "UAH", locale), i18n.moment(SAMPLE_MOMENT, locale)])
    return f"{name[:1].upper()}{name[1:]}: {sample}"


class LanguageTab(QWidget):
    """Choose the language and the format; saved at once, applied at the next start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        system = language.system_locale()
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.setMaximumWidth(560)
        system_language = i18n.LANGUAGES.get(system.split("_")[0], i18n.LANGUAGES["en"])
        self.language.addItem(_("As the system: {language}").format(language=system_language), "")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.formats = QComboBox()
        self.formats.setObjectName("formats")
        self.formats.setMaximumWidth(560)
        self.formats.addItem(_("As the language"), "")
        choices = list(language.FORMAT_CHOICES)
        if system not in choices and i18n.known_locale(system):
            choices.insert(0, system)
        for locale in choices:
            self.formats.addItem(format_label(locale), locale)
        chosen_language, chosen_formats = language.stored(settings())
        self.language.setCurrentIndex(max(self.language.findData(chosen_language), 0))
        self.formats.setCurrentIndex(max(self.formats.findData(chosen_formats), 0))
        self.language.currentIndexChanged.connect(lambda _i: self.save())
        self.formats.currentIndexChanged.connect(lambda _i: self.save())

        self.info = QLabel(_("Your choice is kept on this computer and takes effect the next time Partner Desk "
                             "starts. The command line keeps speaking English."))
        self.info.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("language_status")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Language:"), self.language)
        form.addRow(_("Numbers and dates:"), self.formats)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.status)
        override = os.environ.get(language.ENVIRONMENT, "").strip()
        if override:
            note = QLabel(_("{variable}={value} is set: it decides the language and formats while it is set.")
                          .format(variable=language.ENVIRONMENT, value=override))
            note.setStyleSheet(colors.AMBER)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addStretch(1)
        self._describe()

    def choose(self, code: str, formats: str = "") -> None:
        """Pick a language ("uk", "en", "" for the system's) and a format locale ("" for the language's)."""
        self.formats.setCurrentIndex(max(self.formats.findData(formats), 0))
        self.language.setCurrentIndex(max(self.language.findData(code), 0))

    def save(self) -> None:
        language.save(settings(), str(self.language.currentData()), str(self.formats.currentData()))
        self._describe()

    def _describe(self) -> None:
        choice = language.resolve(settings(), environment="")
        text = _("From the next start: {language}, numbers and dates as {example}.").format(
            language=i18n.LANGUAGES[choice.language],
            example=format_label(choice.formats).split(": ", 1)[1])
        now = _("Now: {language}.").format(language=i18n.LANGUAGES.get(i18n.current_language(), "English"))
        self.status.setText(f"{now} {text}")
