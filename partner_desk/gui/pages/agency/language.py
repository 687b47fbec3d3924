"""The agency page's choice of the language its statements are written in."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from partner_desk.domain.languages import LANGUAGES
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.i18n import _
from partner_desk.names import LANGUAGE_NAMES
from partner_desk.services.agency_detail import AgencyDetail
from partner_desk.services.agency_language import set_agency_language


def language_name(code: str) -> str:
    """A language as a chooser names it: in that language ('Українська', 'English')."""
    return LANGUAGES.get(code, code)


def named(code: str) -> str:
    """A language as a sentence names it, in the window's language ('Ukrainian', 'українська')."""
    return _(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code


def describe_language(detail: AgencyDetail) -> str:
    """What the agency page says about the language of its statements."""
    if detail.language is None:
        return _("statements in {language} (company default)").format(language=named(detail.default_language))
    return _("statements in {language}").format(language=named(detail.language))


class LanguageDialog(FormDialog):
    """Choose the language of the agency's statements, or leave it to the company default."""

    def __init__(self, ctx: AppContext, detail: AgencyDetail, parent: QWidget | None = None) -> None:
        super().__init__(_("Statement language of {code}").format(code=detail.code),
                         _("{name} receives its statements (Excel and PDF) in this language. The window's "
                           "own language does not change.").format(name=detail.name),
                         parent, ok_label=_("Save"))
        self.ctx = ctx
        self.detail = detail
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.addItem(_("Company default ({language})").format(
            language=language_name(detail.default_language)), None)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(detail.language), 0) if detail.language else 0)
        self.form.addRow(_("Language of statements:"), self.language)

    def prepare(self) -> Any:
        return self.language.currentData()

    def run(self, values: Any) -> object:
        return set_agency_language(self.ctx.db, self.ctx.actor, self.detail.code, values)
