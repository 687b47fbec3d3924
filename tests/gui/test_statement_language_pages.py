"""The language and format of statements through the window: the agency page shows and changes an
agency's language, its statement dialog writes a PDF, the statements page writes PDFs in each agency's
language, and an admin sets the company default on the settings page."""

from __future__ import annotations

import re
from types import SimpleNamespace

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog

from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.pages.agency.language import describe_language, language_name
from partner_desk.gui.pages.settings import SettingsPage
from partner_desk.gui.pages.statements import StatementsPage
from partner_desk.services.accruals import post_period
from partner_desk.services.agency_language import set_agency_language
from partner_desk.services.audit_trail import records
from partner_desk.services.settings_admin import settings_view
from tests.gui.agency_data import TODAY, people, seed


def open_agency(qtbot, db, actor, code: str) -> AgencyPage:
    page = AgencyPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item(code)
    return page


def finish(qtbot, page, dialog) -> None:
    with qtbot.waitSignal(page.loaded, timeout=15_000):  # the page reloads after the change
        page.data_changed.connect(page.refresh)
        dialog.submit()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)


def pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(path).pages))


def test_a_manager_changes_the_language_of_an_agency_statements(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    page = open_agency(qtbot, db, team["anna"], "AG01")
    assert page.subheading.text().endswith("statements in English (company default)")
    assert page.controller.language_button.isEnabled()
    assert page.controller.language_button.toolTip() == "Choose the language of the agency's statements"
    dialog = page.controller.choose_language()
    assert dialog is not None
    assert [dialog.language.itemText(i) for i in range(dialog.language.count())] == [
        "Company default (English)", "Українська", "English"]
    dialog.language.setCurrentIndex(dialog.language.findData("uk"))
    finish(qtbot, page, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert page.subheading.text().endswith("statements in Ukrainian")
    last = records(db, team["admin"], limit=1)[0]
    assert (last["action"], last["object"], last["user"], last["after"]) == (
        "agency.language", "AG01", "anna", {"language": "uk"})
    # opened again, the dialog starts from the language stored
    again = page.controller.choose_language()
    assert again is not None
    assert again.language.currentData() == "uk"
    again.reject()


def test_the_statement_dialog_writes_a_pdf_in_the_chosen_language(qtbot, db, write_csv, tmp_path) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)
    set_agency_language(db, team["anna"], "AG01", "uk")
    page = open_agency(qtbot, db, team["anna"], "AG01")
    statement = page.controller.export_statement()
    assert statement is not None
    # the agency's own language first; the file name follows the format
    assert statement.language.currentText() == "Українська (the agency's)"
    assert statement.path.text().endswith("AG01_2025-03.xlsx")
    statement.format.setCurrentIndex(statement.format.findData("pdf"))
    assert statement.path.text().endswith("AG01_2025-03.pdf")
    target = tmp_path / "AG01_2025-03.pdf"
    statement.path.setText(str(target))
    statement.submit()  # a statement changes nothing: the page does not reload
    qtbot.waitUntil(lambda: not statement.busy and ops.running() == 0, timeout=15_000)
    assert statement.result() == QDialog.DialogCode.Accepted
    text = pdf_text(target)
    # AG01's March: $1,000 at 15% -> 150.00 USD, in Ukrainian figures
    assert "Виписка партнера" in text
    assert "Комісія, усього 150,00 USD" in text

    # a name that does not match the format is caught before anything is written
    other = page.controller.export_statement()
    assert other is not None
    other.language.setCurrentIndex(other.language.findData("en"))
    other.path.setText(str(tmp_path / "statement.pdf"))  # the format is still Excel
    other.submit()
    assert other.error.text() == "File: the name of a Excel workbook (.xlsx) file ends in .xlsx"
    assert not (tmp_path / "statement.pdf").exists()
    other.reject()


def test_the_statements_page_writes_pdfs_in_each_agency_language(qtbot, db, write_csv, tmp_path) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    set_agency_language(db, team["anna"], "AG02", "uk")
    page = StatementsPage(AppContext(db, team["anna"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    page.set_folder(tmp_path / "pdf")
    page.format_box.setCurrentIndex(page.format_box.findData("pdf"))
    assert page.language_box.currentText() == "Each agency's language"
    with qtbot.waitSignal(page.finished, timeout=60_000):
        page.export_button.click()
    qtbot.waitUntil(lambda: ops.running() == 0)
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["AG01_2025-03.pdf", "AG02_2025-03.pdf"]
    assert [(r.agency, r.language) for r in page.model.rows()] == [("AG01", "en"), ("AG02", "uk")]
    assert page.model.data(page.model.index(1, 5)) == "Українська"
    assert "Partner statement" in pdf_text(tmp_path / "pdf" / "AG01_2025-03.pdf")
    # AG02's March: 200 EUR at 10% -> 20.00 EUR
    assert "Комісія, усього 20,00 EUR" in pdf_text(tmp_path / "pdf" / "AG02_2025-03.pdf")

    # one language for every agency, as workbooks
    page.format_box.setCurrentIndex(page.format_box.findData("xlsx"))
    page.language_box.setCurrentIndex(page.language_box.findData("uk"))
    page.set_folder(tmp_path / "xlsx")
    with qtbot.waitSignal(page.finished, timeout=60_000):
        page.export_button.click()
    qtbot.waitUntil(lambda: ops.running() == 0)
    book = load_workbook(tmp_path / "xlsx" / "AG01_2025-03.xlsx")
    assert book.sheetnames == ["Зведення", "Рядки", "Журнал операцій"]


def test_an_admin_sets_the_default_language_of_statements(qtbot, db) -> None:
    team = people(db)
    manager = SettingsPage(AppContext(db, team["anna"]))
    qtbot.addWidget(manager)
    assert not manager.statement_language_button.isEnabled()
    assert manager.statement_language_button.toolTip() == (
        "anna (manager) may not change settings: it needs the admin role")
    page = SettingsPage(AppContext(db, team["admin"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert page.statement_language.currentData() == "en"
    page.statement_language.setCurrentIndex(page.statement_language.findData("uk"))
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        page.save_statement_language()
    assert settings_view(db, team["admin"]).statement_language == "uk"
    box = widgets.last_box()
    assert box is not None
    assert box.text() == (
        "Agencies without a language of their own now receive statements in Ukrainian.")
    box.close()


def test_a_sentence_names_a_language_in_the_windows_language_a_chooser_in_its_own(ukrainian) -> None:
    default = SimpleNamespace(language=None, default_language="en")
    assert describe_language(default) == "мова виписок: англійська (типова мова компанії)"
    assert describe_language(SimpleNamespace(language="uk", default_language="en")) == (
        "мова виписок: українська")
    assert [language_name("uk"), language_name("en")] == ["Українська", "English"]
