"""Background operations: results and errors come back on the GUI thread, progress is reported,
cancelling stops the work, and no failure escapes as a crash."""

from __future__ import annotations

import threading
import time

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from partner_desk.domain.errors import UserError
from partner_desk.gui import ops, widgets
from partner_desk.gui.ops import Cancelled, Progress, run_op


def wait_idle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=10_000)


def test_result_arrives_on_the_gui_thread(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[int, bool]] = []
    worker: list[bool] = []

    def work(progress: Progress) -> int:
        worker.append(threading.current_thread() is threading.main_thread())
        progress.report(1, 2, "half way")
        return 6 * 7

    run_op(parent, work, lambda value: seen.append((value, threading.current_thread() is threading.main_thread())))
    wait_idle(qtbot)
    assert worker == [False]
    assert seen == [(42, True)]


def test_a_user_error_is_shown_as_its_message(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(_progress: Progress) -> None:
        raise UserError("unknown agency 'ZZ'")

    run_op(parent, work, lambda _value: None)
    wait_idle(qtbot)
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "unknown agency 'ZZ'"
    assert box.icon() == QMessageBox.Icon.Warning
    box.close()


def test_an_unexpected_error_is_a_short_message_not_a_crash(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PARTNER_DESK_LOG", str(tmp_path / "partner-desk.log"))
    parent = QWidget()
    qtbot.addWidget(parent)
    caught: list[Exception] = []
    run_op(parent, lambda _p: 1 // 0, lambda _value: None, caught.append)
    wait_idle(qtbot)
    assert [type(e) for e in caught] == [ZeroDivisionError]

    run_op(parent, lambda _p: 1 // 0, lambda _value: None)
    wait_idle(qtbot)
    box = widgets.last_box()
    assert box is not None
    assert box.text().startswith("An unexpected error (ZeroDivisionError: ")
    assert "Traceback" not in box.text() + box.detailedText()  # the traceback is in the log file
    box.close()


def test_cancel_stops_cancellable_work(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    steps: list[int] = []
    errors: list[Exception] = []

    def work(progress: Progress) -> int:
        for i in range(1000):
            progress.check()
            steps.append(i)
            progress.report(i, 1000, f"step {i}")
            time.sleep(0.005)
        return len(steps)

    op = run_op(parent, work, lambda _value: None, errors.append, label="Counting…", cancellable=True)
    qtbot.waitUntil(lambda: op.dialog is not None, timeout=10_000)  # long work shows its progress
    cancel = op.dialog.findChild(QPushButton)
    assert cancel is not None
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    assert [type(e) for e in errors] == [Cancelled]
    assert len(steps) < 1000


def test_quiet_work_never_opens_the_progress_dialog(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[int] = []

    def work(progress: Progress) -> int:
        for i in range(5):
            progress.report(i, 5, "reloading")
            time.sleep(0.15)  # 0.75 s in all: longer than a dialog would wait before showing
        return 5

    op = run_op(parent, work, results.append, quiet=True)
    wait_idle(qtbot)
    assert results == [5]
    assert op.dialog is None


def test_only_the_newest_operation_of_a_generation_delivers(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    loads = ops.Generation()
    release = threading.Event()
    seen: list[str] = []

    def slow(_progress: Progress) -> str:
        release.wait(5)
        return "old agency"

    def failing(_progress: Progress) -> str:
        release.wait(5)
        raise UserError("unknown agency 'ZZ'")

    run_op(parent, slow, seen.append, generation=loads)
    run_op(parent, failing, seen.append, generation=loads)  # its refusal would open a message box
    run_op(parent, lambda _p: "new agency", seen.append, generation=loads)
    qtbot.waitUntil(lambda: seen == ["new agency"], timeout=10_000)
    release.set()
    wait_idle(qtbot)
    # the older loads finished after the newest one: their result and their refusal were dropped
    assert seen == ["new agency"]
    assert widgets.last_box() is None

    # forgetting drops what runs now; an operation without a generation always delivers
    run_op(parent, lambda _p: "forgotten", seen.append, generation=loads)
    loads.forget()
    run_op(parent, lambda _p: "plain", seen.append)
    wait_idle(qtbot)
    assert seen == ["new agency", "plain"]


def test_work_that_ends_after_its_signals_are_gone_tells_nobody_and_raises_nothing(qtbot) -> None:
    """The program quitting deletes what a background operation reports to; the work ends quietly."""
    signals = ops._Signals()
    progress = Progress(signals)
    runnable = ops._Runnable(lambda p: (p.report(1, 2), 42)[1], signals, progress)
    shiboken6.delete(signals)
    runnable.run()  # neither the progress nor the result raises "Signal source has been deleted"
    failing = ops._Runnable(lambda _p: 1 / 0, ops._Signals(), progress)
    shiboken6.delete(failing._signals)
    failing.run()


def test_closing_the_window_stops_running_work_and_waits_for_it(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    checks: list[int] = []
    ran_qt_work: list[bool] = []

    def work(progress: Progress) -> None:
        try:
            for n in range(2_000):  # 20 s at most: long after wind_down's wait
                checks.append(n)
                progress.check()
                time.sleep(0.01)
        except Cancelled:
            # a last piece of Qt work (a PDF's layout), which the GUI thread runs for a pool thread: with
            # the event loop over, wind_down runs it while it waits
            ops._on_gui_thread.run(lambda: ran_qt_work.append(threading.current_thread() is threading.main_thread()))
            raise

    run_op(parent, work, lambda _r: None)
    qtbot.waitUntil(lambda: len(checks) > 3, timeout=10_000)
    # as run_gui does once the event loop has ended: the work is told to stop, and waited for
    assert ops.wind_down(5_000)
    assert ran_qt_work == [True]
    assert len(checks) < 2_000
    wait_idle(qtbot)
