"""The statements page, end to end through the widgets: export a posted period, find the files, cancel."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import QUrl

from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages import statements as statements_page
from partner_desk.gui.pages.statements import StatementsPage
from partner_desk.services.accruals import post_period
from tests.gui.page_data import people, seed

TODAY = date(2025, 4, 15)


def open_page(qtbot, db, actor) -> StatementsPage:
    page = StatementsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def test_export_every_statement_of_a_period_and_find_the_files(qtbot, db, write_csv, tmp_path,
                                                              monkeypatch) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    page = open_page(qtbot, db, team["anna"])  # a manager may export statements
    assert page.period_box.currentText() == "2025-03"
    folder = tmp_path / "statements"
    page.set_folder(folder)
    assert page.export_button.isEnabled()

    with qtbot.waitSignal(page.finished, timeout=30_000):
        page.export_button.click()
    qtbot.waitUntil(lambda: ops.running() == 0)

    assert sorted(p.name for p in folder.iterdir()) == ["AG01_2025-03.xlsx", "AG02_2025-03.xlsx"]
    assert page.status.text() == f"Wrote 2 statements of 2025-03 into {folder}."
    # the table lists what each file shows: AG01 150.00 USD, AG02 20.00 EUR (see page_data)
    assert [(r.agency, r.lines, r.commission) for r in page.model.rows()] == [
        ("AG01", 1, Decimal("150.00")), ("AG02", 1, Decimal("20.00"))]
    assert page.bar.format() == "2 of 2"
    book = load_workbook(folder / "AG01_2025-03.xlsx", read_only=True)
    assert len(book.sheetnames) >= 2
    book.close()

    # "show in folder" opens the folder itself
    opened: list[QUrl] = []
    monkeypatch.setattr(statements_page.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert QUrl.fromLocalFile(str(folder)).toString() in page.link.text()
    page.link.linkActivated.emit(QUrl.fromLocalFile(str(folder)).toString())
    assert [u.toLocalFile() for u in opened] == [str(folder)]
    # a double-click on a row opens that statement
    page.table.doubleClicked.emit(page.model.index(1, 0))
    assert [u.toLocalFile() for u in opened] == [str(folder), str(folder / "AG02_2025-03.xlsx")]


def test_cancel_stops_after_the_statement_being_written(qtbot, db, write_csv, tmp_path,
                                                        monkeypatch) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    page = open_page(qtbot, db, team["fiona"])
    folder = tmp_path / "out"
    page.set_folder(folder)

    # hold the run after its first statement until Cancel has been clicked
    gate = threading.Event()
    real = statements_page.export_statements

    def held(*args, progress, cancelled, **kwargs):
        def report(done: int, total: int, code: str) -> None:
            progress(done, total, code)
            if done == 1:
                gate.wait(10)

        return real(*args, progress=report, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(statements_page, "export_statements", held)
    page.export()
    assert not page.export_button.isEnabled()
    assert page.export_button.toolTip() == "an export is running"
    qtbot.waitUntil(lambda: page.bar.value() == 1, timeout=15_000)
    assert page.bar.format() == "1 of 2 — AG01"
    with qtbot.waitSignal(page.finished, timeout=15_000):
        page.cancel_button.click()
        gate.set()

    assert page.result is not None
    assert page.result.cancelled
    assert [p.name for p in folder.iterdir()] == ["AG01_2025-03.xlsx"]
    assert page.status.text() == ("Stopped: 1 of 2 statements of 2025-03 were written; each of them is "
                                  "complete.")
    assert page.export_button.isEnabled()


def test_nothing_to_export_before_a_period_is_posted(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    page = open_page(qtbot, db, people(db)["fiona"])
    assert page.period_box.count() == 0
    assert not page.export_button.isEnabled()
    assert page.export_button.toolTip() == "no period is posted yet: a statement shows posted accruals"
