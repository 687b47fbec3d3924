"""Background operations: work runs off the GUI thread, results come back on it.

Like a query/collection operation: a slot calls `run_op(parent, work, on_done)`; `work(progress)`
runs on a pool thread and must not touch widgets; `on_done(result)` or `on_error(exc)` runs on the
GUI thread. Given a page's `Generation`, an operation whose result arrives after a newer one of the
same generation started is dropped unseen: the one way a page forgets a stale background result
(another agency was opened, another file chosen, the page reloaded meanwhile).

A UserError is shown as a message box with its text; any other exception as one line naming the
action and the log file that holds its traceback (see errorlog.py), as the command line does, and
recorded in the audit trail of the signed-in user. Long work shows a progress dialog after a
moment, with Cancel when the work allows it. `install_excepthook()` sends failures outside
background work (a slot, say) to the same dialog.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from partner_desk import errorlog, refusal_text
from partner_desk.domain.errors import UserError
from partner_desk.files import statement_pdf
from partner_desk.files.problems import FileRejected, Problem
from partner_desk.gui import widgets
from partner_desk.i18n import _, ngettext
from partner_desk.refusal_text import shown, shown_error
from partner_desk.services.authority import Refused
from partner_desk.store.engine import DatabaseBusy

T = TypeVar("T")
log = logging.getLogger(__name__)
SHOW_PROGRESS_AFTER_MS = 400


class Cancelled(Exception):
    """The user cancelled the operation."""


class Progress:
    """Reported by the work; read by the GUI. Thread-safe enough: plain attribute writes."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        with contextlib.suppress(RuntimeError):  # the window that showed it is gone: nobody to tell
            self._signals.progress.emit(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise Cancelled when the user asked to stop."""
        if self.cancelled:
            raise Cancelled()


class Generation:
    """The newest of a page's loads of one kind: each operation started with it takes the next
    number, and when an older one finishes its result (or failure) is dropped."""

    def __init__(self) -> None:
        self._newest = 0

    def next(self) -> int:
        self._newest += 1
        return self._newest

    def is_current(self, number: int) -> bool:
        return number == self._newest

    def forget(self) -> None:
        """Drop whatever is running now: none of it is current any more."""
        self._newest += 1


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._signals = signals
        self._progress = progress

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._deliver(self._signals.failed, exc, traceback.format_exc())
        else:
            self._deliver(self._signals.done, result)

    @staticmethod
    def _deliver(signal: Any, *values: Any) -> None:
        # the window that waited for it may be gone (the program is quitting): then nobody hears it
        with contextlib.suppress(RuntimeError):
            signal.emit(*values)


_running: set[Operation[Any]] = set()


class _OnGuiThread:
    """Work a pool thread hands to the GUI thread and waits for: Qt's text layout and PDF writer must
    not run on a pool thread (files/statement_pdf.py says why). The pool thread only touches a
    Python queue and event, never Qt; a timer on the GUI thread runs what is queued while any
    operation is running."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], None], list[BaseException], threading.Event]] = (
            queue.SimpleQueue())
        self._timer: QTimer | None = None
        self._watching = False  # a plain flag a pool thread may read: the timer is running

    def watch(self) -> None:
        """On the GUI thread, when an operation starts: run what pool threads queue until none is left."""
        if self._timer is None:
            self._timer = QTimer()
            self._timer.setInterval(10)
            self._timer.timeout.connect(self._drain)
        if not self._timer.isActive():
            self._timer.start()
        self._watching = True

    def _drain(self) -> None:
        self.run_queued()
        if not _running and self._timer is not None:
            self._watching = False
            self._timer.stop()
            self.run_queued()  # what a thread queued just as the timer stopped: now rather than never

    def run_queued(self) -> None:
        while True:
            try:
                work, failed, done = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                work()
            except BaseException as exc:  # raised again on the pool thread that asked
                failed.append(exc)
            done.set()

    def run(self, work: Callable[[], None]) -> None:
        # on the GUI thread, or on a thread no operation started (nothing would run what it queued)
        if threading.current_thread() is threading.main_thread() or not self._watching:
            work()
            return
        failed: list[BaseException] = []
        done = threading.Event()
        self._queue.put((work, failed, done))
        done.wait()
        if failed:
            raise failed[0]


_on_gui_thread = _OnGuiThread()
statement_pdf.set_qt_runner(_on_gui_thread.run)


class Operation(Generic[T]):
    """One running operation; keeps its signals alive until it finishes."""

    def __init__(self, parent: QWidget | None, work: Callable[[Progress], T],
                 on_done: Callable[[T], None], on_error: Callable[[Exception], None] | None,
                 label: str, cancellable: bool, quiet: bool = False,
                 generation: Generation | None = None) -> None:
        self.parent = parent
        self.generation = generation
        self.number = generation.next() if generation is not None else 0
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.on_done = on_done
        self.on_error = on_error
        self.finished = False
        self.dialog: QProgressDialog | None = None
        self.label = label
        self.cancellable = cancellable
        self.quiet = quiet
        self.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        if parent is not None:
            parent.setCursor(Qt.CursorShape.BusyCursor)
        if not quiet:
            self._timer.start(SHOW_PROGRESS_AFTER_MS)
        _running.add(self)
        _on_gui_thread.watch()
        QThreadPool.globalInstance().start(_Runnable(work, self.signals, self.progress))

    def _show_dialog(self) -> None:
        if self.finished or self.parent is None:
            return
        dialog = QProgressDialog(self.label or _("Working…"), _("Cancel") if self.cancellable else "",
                                 0, 0, self.parent)
        dialog.setWindowTitle(_("Partner Desk"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.progress.cancel)
        dialog.show()
        self.dialog = dialog

    def _progress(self, done: int, total: int, text: str) -> None:
        if self.quiet:
            return
        if self.dialog is None and not self.finished and total > 0:
            self._show_dialog()
        dialog = self.dialog
        if dialog is not None:
            # a modal dialog's setValue() processes events, which may finish the operation meanwhile
            if text:
                dialog.setLabelText(text)
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)

    def _finish(self) -> None:
        self.finished = True
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self.parent is not None:
            with contextlib.suppress(RuntimeError):  # the widget was closed meanwhile
                self.parent.unsetCursor()
        _running.discard(self)

    @property
    def stale(self) -> bool:
        """A newer operation of the same generation started, or the widget that asked for it is gone
        (its window was closed): this one's outcome is dropped."""
        if self.parent is not None and not shiboken6.isValid(self.parent):
            return True
        return self.generation is not None and not self.generation.is_current(self.number)

    def _done(self, result: T) -> None:
        self._finish()
        if not self.stale:
            self.on_done(result)

    def _failed(self, exc: BaseException, trace: str) -> None:
        self._finish()
        if self.stale and isinstance(exc, Exception):
            return
        if not isinstance(exc, Exception):
            raise exc
        if self.on_error is not None:
            self.on_error(exc)
            return
        show_error(self.parent, exc, trace, action=self.label.rstrip("…").strip())


# who hears of an unexpected failure, to record it for the signed-in user: set by the window
_failure_recorder: list[Callable[[str, str], None]] = []


def record_failures_with(recorder: Callable[[str, str], None] | None) -> None:
    """Hand every unexpected failure's (action, English message) to `recorder` (None: to no one)."""
    _failure_recorder[:] = [] if recorder is None else [recorder]


def problem_line(problem: Problem) -> str:
    """A file's problem in the window's language: "рядок 3: currency: …"."""
    where = [_("row {n}").format(n=problem.row)] if problem.row > 0 else []
    where += [problem.column] if problem.column else []
    return ": ".join([*where, shown(problem.reason) if problem.reason is not None else problem.message])


def show_error(parent: QWidget | None, exc: BaseException, trace: str = "", action: str = "") -> None:
    """A UserError's message as is; a busy database explained; anything else in one line naming
    `action` and the log file its traceback went to."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, FileRejected):  # a file's problems, each in the window's language
        widgets.warn(parent, ngettext(
            "{file} cannot be imported: {n} problem, listed below. Nothing was written.",
            "{file} cannot be imported: {n} problems, listed below. Nothing was written.",
            exc.total).format(file=exc.what, n=exc.total), details="\n".join(problem_line(p) for p in exc.problems))
    elif isinstance(exc, UserError):
        problems = getattr(exc, "problems", None)
        details = "\n".join(str(p) for p in problems) if problems else ""
        if problems and isinstance(exc, refusal_text.Refused) and shown_error(exc) != str(exc):
            details = "\n".join(shown(r) for r in exc.reasons)  # typed: in the window's language
        widgets.warn(parent, shown_error(exc), details=details)
    if isinstance(exc, UserError):
        if isinstance(exc, Refused) and parent is not None:
            # the user's role or state may have changed: the window follows it at once
            follow = getattr(parent.window(), "refresh_standing", None)
            if callable(follow):
                follow()
        return
    widgets.warn(parent, failure_text(exc, action))


def failure_text(exc: BaseException, action: str = "") -> str:
    """What the window says of a failure that is no refusal: a busy database, explained; anything
    else in one line naming `action`, then the log file its traceback went to (the failure is also
    recorded for the signed-in user)."""
    if isinstance(exc, DatabaseBusy):
        return _("The database is busy: another user or program is writing to it. Try again.")
    path = errorlog.record(action, exc)
    error = errorlog.detail(exc)
    log.error("%s failed: %s", action or "the window", error)
    where = (_("The details could not be logged.") if path is None
             else _("The details are in {path}.").format(path=path))
    if action:
        text = _("{action} failed: an unexpected error ({error}).").format(action=action, error=error)
    else:
        text = _("An unexpected error ({error}).").format(error=error)
    for recorder in _failure_recorder:
        with contextlib.suppress(Exception):
            recorder(action, errorlog.sentence(exc, path))
    return f"{text}\n{where}"


def install_excepthook() -> None:
    """Show failures outside background work (in a slot, a timer) in the same dialog, not on a
    console nobody reads."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, Exception) or QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(QApplication.activeWindow(), exc.with_traceback(tb))

    sys.excepthook = hook


def run_op(parent: QWidget | None, work: Callable[[Progress], T], on_done: Callable[[T], None],
           on_error: Callable[[Exception], None] | None = None, *, label: str = "",
           cancellable: bool = False, quiet: bool = False, generation: Generation | None = None) -> Operation[T]:
    """Run `work(progress)` on a pool thread; deliver its result or error on the GUI thread.

    `quiet` work (a page reloading what it shows) only sets the busy cursor on `parent` and never
    opens the window-modal progress dialog, so the rest of the window stays usable meanwhile. With a
    `generation`, only the newest operation of it delivers: an older one's outcome is dropped.
    """
    return Operation(parent, work, on_done, on_error, label, cancellable, quiet, generation)


def running() -> int:
    """How many operations have not finished yet (tests wait for zero)."""
    return len(_running)


def wind_down(wait_ms: int = 10_000) -> bool:
    """When the window has closed: ask every running operation to stop at its next check, and wait
    up to `wait_ms` for the background work to end, so none of it outlives the database it reads;
    False when some is still running."""
    for operation in list(_running):
        operation.progress.cancel()
    pool = QThreadPool.globalInstance()
    waited = 0
    while not pool.waitForDone(50):  # meanwhile, run the Qt work a thread waits for (a PDF's layout)
        _on_gui_thread.run_queued()
        waited += 50
        if waited >= wait_ms:
            return False
    return True
