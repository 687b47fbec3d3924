"""Qt's layout and PDF drawing never run on a pool thread: from there PySide6 can wait for Qt's lock
while holding Python's, as the GUI thread waits the other way round, and the window would hang. A
pool thread hands that work to the GUI thread (files/statement_pdf.py `run_qt`, gui/ops.py) and waits."""

from __future__ import annotations

import threading
from typing import Any

from pypdf import PdfReader

from partner_desk.files import statement_pdf
from partner_desk.gui import ops
from partner_desk.gui.ops import Progress, run_op
from tests.files.statement_data import six_lines


def on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_the_qt_part_of_background_work_runs_on_the_gui_thread(qtbot) -> None:
    where: list[bool] = []
    results: list[bool] = []

    def work(_progress: Progress) -> bool:
        statement_pdf.run_qt(lambda: where.append(on_main_thread()))
        return on_main_thread()

    run_op(None, work, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == [False]  # the work itself ran on a pool thread
    assert where == [True]  # its Qt part on the GUI thread


def test_what_the_qt_part_raises_reaches_the_work_that_asked(qtbot) -> None:
    results: list[str] = []

    def fail() -> None:
        raise OSError("cannot write /full/disk.pdf")

    def work(_progress: Progress) -> str:
        try:
            statement_pdf.run_qt(fail)
        except OSError as exc:
            return str(exc)
        return "nothing raised"

    run_op(None, work, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == ["cannot write /full/disk.pdf"]


def test_a_pdf_written_by_a_background_export_is_drawn_on_the_gui_thread(qtbot, monkeypatch, tmp_path) -> None:
    drawn: list[bool] = []
    real = statement_pdf._print

    def spy(*args: Any) -> None:
        drawn.append(on_main_thread())
        real(*args)

    monkeypatch.setattr(statement_pdf, "_print", spy)
    path = tmp_path / "s.pdf"
    results: list[object] = []
    run_op(None, lambda _p: statement_pdf.write_statement_pdf(six_lines(), path, "uk"), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert drawn == [True]
    # six lines: 497.50 PLN in all (tests/files/statement_data.py), written the Ukrainian way
    assert "497,50" in " ".join(page.extract_text() or "" for page in PdfReader(path).pages).replace("\xa0", " ")


def test_a_thread_no_operation_started_runs_its_qt_part_itself(qtbot) -> None:
    """With no operation running nothing would pick the work up on the GUI thread: it runs where it is."""
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=10_000)
    qtbot.wait(50)  # the timer sees that nothing runs any more and stops
    where: list[bool] = []
    thread = threading.Thread(target=lambda: statement_pdf.run_qt(lambda: where.append(on_main_thread())))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert where == [False]
