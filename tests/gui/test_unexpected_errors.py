"""The window shows an unexpected failure as the command line does: one line naming the action and
the log file that holds its traceback; a busy database is explained; failures outside background
work reach the same dialog through sys.excepthook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from partner_desk import errorlog
from partner_desk.gui import ops, widgets
from partner_desk.gui.dialogs import SignInDialog
from partner_desk.services import users
from partner_desk.store.engine import DatabaseBusy


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "log" / "partner-desk.log"
    monkeypatch.setenv(errorlog.ENV_LOG, str(path))
    return path


@pytest.fixture
def recorded(monkeypatch: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(ops, "_failure_recorder", [lambda action, message: seen.append((action, message))])
    return seen


def wait_idle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=10_000)


def test_a_failed_operation_names_itself_and_the_log(qtbot, log_file: Path,
                                                     recorded: list[tuple[str, str]]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    ops.run_op(parent, lambda _p: 1 // 0, lambda _value: None, label="Importing pay.csv…")
    wait_idle(qtbot)
    box = widgets.last_box()
    assert box is not None
    assert box.text() == ("Importing pay.csv failed: an unexpected error (ZeroDivisionError: integer division or "
                          f"modulo by zero).\nThe details are in {log_file}.")
    assert box.detailedText() == ""  # no traceback in the window: it is in the log
    box.close()
    logged = log_file.read_text(encoding="utf-8")
    assert "Importing pay.csv failed" in logged
    assert "ZeroDivisionError" in logged
    assert "Traceback" in logged
    # the signed-in user's audit trail records the refused attempt
    assert recorded == [("Importing pay.csv", "an unexpected error (ZeroDivisionError: integer division or "
                                              f"modulo by zero); the details are in {log_file}")]


def test_a_busy_database_is_explained_not_logged(qtbot, log_file: Path,
                                                 recorded: list[tuple[str, str]]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(_progress: ops.Progress) -> None:
        raise DatabaseBusy()

    ops.run_op(parent, work, lambda _value: None, label="Posting 2026-03…")
    wait_idle(qtbot)
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "The database is busy: another user or program is writing to it. Try again."
    box.close()
    assert not log_file.exists()
    assert recorded == []


def test_a_failure_outside_background_work_reaches_the_same_dialog(qtbot, log_file: Path,
                                                                   recorded: list[tuple[str, str]]) -> None:
    previous = sys.excepthook
    ops.install_excepthook()
    try:
        assert sys.excepthook is not previous
        try:
            {}["missing"]
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    box = widgets.last_box()
    assert box is not None
    assert box.text() == f"An unexpected error (KeyError: 'missing').\nThe details are in {log_file}."
    box.close()
    assert "KeyError: 'missing'" in log_file.read_text(encoding="utf-8")
    assert recorded == [("", f"an unexpected error (KeyError: 'missing'); the details are in {log_file}")]


def test_signing_in_says_so_of_a_busy_database_and_of_an_unexpected_failure(qtbot, db, log_file: Path,
                                                                         monkeypatch: Any) -> None:

    dialog = SignInDialog(db, name="root")
    qtbot.addWidget(dialog)
    dialog.password.setText("horse-battery-7")

    def busy(*_args: Any) -> None:
        raise DatabaseBusy()

    monkeypatch.setattr(users, "sign_in", busy)
    with qtbot.waitSignal(dialog.attempted, timeout=15_000) as signal:
        dialog.submit()
    assert signal.args == [False]
    assert dialog.error.text() == "The database is busy: another user or program is writing to it. Try again."

    def broken(*_args: Any) -> None:
        raise RuntimeError("the disk controller caught fire")

    monkeypatch.setattr(users, "sign_in", broken)
    with qtbot.waitSignal(dialog.attempted, timeout=15_000):
        dialog.submit()
    # one line naming the action (the dialog's title) and the log, as everywhere in the window
    assert dialog.error.text() == ("Sign in to Partner Desk failed: an unexpected error (RuntimeError: the disk "
                                   f"controller caught fire).\nThe details are in {log_file}.")
    assert "RuntimeError: the disk controller caught fire" in log_file.read_text(encoding="utf-8")
