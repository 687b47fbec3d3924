"""The choices a statement export offers, the same on the agency page and the Statements page: its
file format and the language it is written in."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from partner_desk.domain.languages import LANGUAGES
from partner_desk.gui.widgets import choice_box
from partner_desk.i18n import _


def format_box() -> QComboBox:
    """Excel workbook or PDF; the data is the file suffix ("xlsx", "pdf")."""
    return choice_box("format", [(_("Excel workbook (.xlsx)"), "xlsx"), (_("PDF (.pdf)"), "pdf")])


def language_box(everyone: str | None = None, own: str | None = None) -> QComboBox:
    """Every language a statement may be written in (the data: its code), after `everyone` (an entry
    without a language, such as "each agency's own") when given; `own`, the agency's language, is
    marked as such and chosen."""
    first = [(everyone, None)] if everyone is not None else []
    return choice_box("language", first + [
        (_("{language} (the agency's)").format(language=name) if code == own else name, code)
        for code, name in LANGUAGES.items()], own)
