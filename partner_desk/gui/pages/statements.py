"""The statements page: write every agency's statement of a posted period into a folder, as Excel
workbooks or PDFs, each in its agency's language (or all in one language).

The run happens in the background with a progress bar on the page and a Cancel button (the files
already written stay complete); afterwards the written files are listed with a "show in folder" link.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import Action, role_refusal
from partner_desk.gui import colors, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.statement_choices import format_box, language_box
from partner_desk.gui.table_model import RIGHT, Column, RowTableModel, table_view
from partner_desk.i18n import _, money, ngettext
from partner_desk.refusal_text import shown, shown_error
from partner_desk.services import accrual_views
from partner_desk.services.changes import Area
from partner_desk.services.statements import BulkResult, StatementResult, export_statements


def default_folder() -> Path:
    """Documents/Partner Desk statements (the home folder when there is no documents folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "Partner Desk statements"


def _columns() -> list[Column[StatementResult]]:
    return [
        Column(_("Agency"), lambda r: r.agency, width=90),
        Column(_("Currency"), lambda r: r.currency, width=70),
        Column(_("Lines"), lambda r: r.lines, align=RIGHT, width=60),
        Column(_("Commission"), lambda r: (r.commission, r.currency), lambda v: money(*v), RIGHT,
               sort_key=lambda v: v[0], width=120),
        Column(_("Closing balance"), lambda r: (r.closing_balance, r.currency), lambda v: money(*v), RIGHT,
               sort_key=lambda v: v[0], width=130),
        Column(_("Language"), lambda r: LANGUAGES.get(r.language, r.language), width=100),
        Column(_("File"), lambda r: r.path.name, tooltip=lambda r: str(r.path)),
    ]


class _Relay(QObject):
    """Carries progress from the worker thread to the page (a queued signal)."""

    progress = Signal(int, int, str)


class StatementsPage(Page):
    """Choose a posted period and a folder; export every statement of the period."""

    areas = frozenset({Area.ACCRUALS, Area.AGENCIES})

    # the posted periods were loaded, or an export ended; tests wait for them
    finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.result: BulkResult | None = None
        self.running = False
        self._stop = threading.Event()
        self.folder_dialog: QFileDialog | None = None
        self.relay = _Relay(self)
        self.relay.progress.connect(self._progress)

        self.period_box = QComboBox()
        self.period_box.setMinimumWidth(120)
        self.period_box.currentIndexChanged.connect(lambda _i: self._update())
        self.format_box = format_box()
        self.language_box = language_box(everyone=_("Each agency's language"))
        self.folder_field = QLineEdit(str(default_folder()))
        self.folder_field.textChanged.connect(lambda _t: self._update())
        choose = widgets.button(_("Choose folder…"), self.choose_folder)
        self.export_button = widgets.button(_("Export all"), self.export)
        self.cancel_button = widgets.button(_("Cancel"), self.cancel)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.link = QLabel()
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.link.linkActivated.connect(lambda _href: self.show_in_folder())
        self.model: RowTableModel[StatementResult] = RowTableModel(_columns(), self)
        self.table = table_view(self.model, self)
        self.table.doubleClicked.connect(lambda index: self.open_file(self.model.row(index.row())))
        self._lay_out(choose)
        self.bar.hide()
        self.cancel_button.hide()
        self.status.setText(_("Choose a posted period and a folder, then press Export all."))
        self._update()

    def _lay_out(self, choose: QPushButton) -> None:
        form = QHBoxLayout()
        form.addWidget(QLabel(_("Posted period:")))
        form.addWidget(self.period_box)
        form.addWidget(QLabel(_("Format:")))
        form.addWidget(self.format_box)
        form.addWidget(QLabel(_("Language:")))
        form.addWidget(self.language_box)
        form.addWidget(QLabel(_("Folder:")))
        form.addWidget(self.folder_field, 1)
        form.addWidget(choose)
        form.addWidget(self.export_button)
        progress = QHBoxLayout()
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Writes one statement per agency with an accrual or ledger entries in the period, "
                         "named CODE_PERIOD.xlsx (or .pdf), each in its agency's language unless you choose one; "
                         "an existing file of the same name is replaced."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(progress)
        layout.addWidget(self.status)
        layout.addWidget(self.link)
        layout.addWidget(self.table, 1)

    # Page -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the posted periods, keeping the chosen one."""
        chosen = self.period_box.currentData()
        db = self.ctx.db
        run_op(self, lambda _p: accrual_views.calendar(db),
               lambda cal: self._periods(cal.posted, chosen), generation=self.loads)

    def show_item(self, item: object) -> None:
        index = self.period_box.findData(str(item))
        if index >= 0:
            self.period_box.setCurrentIndex(index)

    def _periods(self, posted: list[Period], chosen: object) -> None:
        self.period_box.clear()
        for period in reversed(posted):
            self.period_box.addItem(str(period), str(period))
        index = self.period_box.findData(chosen) if chosen else -1
        self.period_box.setCurrentIndex(max(index, 0) if posted else -1)
        self._update()
        self.loaded.emit()

    # choosing ---------------------------------------------------------------------------------------
    def period(self) -> Period | None:
        data = self.period_box.currentData()
        return Period.parse(str(data)) if data else None

    def folder(self) -> Path | None:
        text = self.folder_field.text().strip()
        return Path(text).expanduser() if text else None

    def set_folder(self, folder: Path) -> None:
        self.folder_field.setText(str(folder))

    def choose_folder(self) -> None:
        """A folder chooser, window-modal and not blocking."""
        dialog = QFileDialog(self, _("Folder for the statements"), str(self.folder() or default_folder()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda name: self.set_folder(Path(name)))
        self.folder_dialog = dialog
        dialog.open()

    def export_refusals(self) -> list[str]:
        """Why "Export all" is not available now; empty when it is."""
        reasons = []
        role = role_refusal(self.ctx.actor, Action.STATEMENT)
        if role is not None:
            reasons.append(shown(role))
        if self.period() is None:
            reasons.append(_("no period is posted yet: a statement shows posted accruals"))
        if self.folder() is None:
            reasons.append(_("choose a folder for the statements"))
        if self.running:
            reasons.append(_("an export is running"))
        return reasons

    def _update(self) -> None:
        reasons = self.export_refusals()
        self.export_button.setEnabled(not reasons)
        period = self.period()
        self.export_button.setToolTip("\n".join(reasons) if reasons else _(
            "Write every agency's statement of {period} into the folder").format(period=period))

    # exporting --------------------------------------------------------------------------------------
    def export(self) -> None:
        """Export every statement of the chosen period into the chosen folder, in the background."""
        period, folder = self.period(), self.folder()
        if period is None or folder is None or self.export_refusals():
            return
        db, actor, relay, stop = self.ctx.db, self.ctx.actor, self.relay, self._stop
        fmt, language = str(self.format_box.currentData()), self.language_box.currentData()
        stop.clear()
        self.running = True
        self.result = None
        self.model.set_rows([])
        self.link.clear()
        self.status.setStyleSheet("")
        self.status.setText(_("Writing the statements of {period} into {folder}…").format(
            period=period, folder=folder))
        self.bar.setRange(0, 0)
        self.bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self._update()

        def work(_progress: Progress) -> BulkResult:
            return export_statements(db, actor, period, folder,
                                     progress=lambda done, total, code: relay.progress.emit(done, total, code),
                                     cancelled=stop.is_set, fmt=fmt, language=language)

        # no progress dialog: the page shows its own bar and Cancel, and stays usable meanwhile
        run_op(None, work, self._done, self._failed)

    def cancel(self) -> None:
        """Stop after the statement being written; the ones written stay complete."""
        self._stop.set()
        self.cancel_button.setEnabled(False)
        self.status.setText(_("Stopping after the statement being written…"))

    def _progress(self, done: int, total: int, code: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(_("{done} of {total} — {agency}").format(done=done, total=total, agency=code))

    def _finish(self) -> None:
        self.running = False
        self.cancel_button.hide()
        self._update()

    def _done(self, result: BulkResult) -> None:
        self._finish()
        self.result = result
        self.model.set_rows(result.written)
        written = len(result.written)
        self.bar.setRange(0, max(result.total, 1))
        self.bar.setValue(written)
        self.bar.setFormat(_("{done} of {total}").format(done=written, total=result.total))
        if result.cancelled:
            text = _("Stopped: {written} of {total} statements of {period} were written; each of them is "
                     "complete.").format(written=written, total=result.total, period=result.period)
        elif result.total == 0:
            text = _("{period} has no agency with an accrual or ledger entries: no statement was written."
                     ).format(period=result.period)
        else:
            text = ngettext("Wrote {n} statement of {period} into {folder}.",
                            "Wrote {n} statements of {period} into {folder}.", written).format(
                n=written, period=result.period, folder=result.folder)
        self.status.setText(text)
        url = QUrl.fromLocalFile(str(result.folder)).toString()
        self.link.setText(f'<a href="{url}">{_("Show in folder")}</a>')
        self.finished.emit()

    def _failed(self, exc: Exception) -> None:
        self._finish()
        self.bar.hide()
        self.status.setStyleSheet(colors.RED)
        self.status.setText(shown_error(exc))
        show_error(self, exc)
        self.finished.emit()

    def open_file(self, written: StatementResult) -> bool:
        """Open one written statement in the spreadsheet program (a double-click on its row)."""
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(written.path))))

    def show_in_folder(self) -> bool:
        """Open the folder the statements were written to in the file manager."""
        if self.result is None:
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder))))
