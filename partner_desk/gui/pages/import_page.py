"""The import page: choose a kind and a CSV or XLSX file; it is checked first, every problem listed
(row, column, problem) before anything is written; "Import" is offered only for a file that passed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Action, import_action, role_refusal
from partner_desk.files.table import FileRejected, Problem
from partner_desk.gui import colors, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Cancelled, Operation, Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.table_model import RIGHT, Column, RowTableModel, table_view
from partner_desk.i18n import N_, _, ngettext, number
from partner_desk.names import IMPORT_KINDS
from partner_desk.refusal_text import Refused, shown, shown_error
from partner_desk.services.imports import KINDS, ImportSummary, import_file, validate_file

# how a summary names the kind of file it read
KIND_WORDS = {"agencies": N_("agencies"), "projects": N_("projects"), "payments": N_("payments"),
              "rates": N_("rates"), "tiers": N_("tiers")}


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one file as one kind: its summary, or every problem."""

    kind: str
    path: Path
    summary: ImportSummary | None
    problems: list[Problem]
    total: int = 0  # every problem found; `problems` lists the first of them

    @property
    def passed(self) -> bool:
        return self.summary is not None and not self.problems


def expected_columns(kind: str) -> str:
    """"code, name, currency, offer_accepted_at (optional), …" for the hint under the kind."""
    module = KINDS[kind]
    optional = [_("{column} (optional)").format(column=c) for c in getattr(module, "OPTIONAL", ())]
    return ", ".join([*module.COLUMNS, *optional])


def summary_text(summary: ImportSummary) -> str:
    """What a check or an import read, in the window's language ("agencies: 2 rows read, 2 added, 0 already
    known" in English, as the command line says it)."""
    parts = [ngettext("{n} row read", "{n} rows read", summary.rows).format(n=summary.rows),
             _("{n} added").format(n=summary.added), _("{n} already known").format(n=summary.known)]
    if summary.updated:
        parts.append(_("{n} updated").format(n=summary.updated))
    text = _("{kind}: {counts}").format(kind=_(KIND_WORDS.get(summary.kind, summary.kind)), counts=", ".join(parts))
    if summary.unconnected:
        text += "; " + ngettext("{n} payment of projects never connected to an agency (kept, earn nothing)",
                                "{n} payments of projects never connected to an agency (kept, earn nothing)",
                                summary.unconnected).format(n=summary.unconnected)
    return text


def _problem_text(problem: Problem) -> str:
    """A problem in the window's language when the catalog words it, else as the file check wrote it."""
    return shown(problem.reason) if problem.reason is not None else problem.message


def _problem_columns() -> list[Column[Problem]]:
    return [
        Column(_("Row"), lambda p: p.row, lambda v: str(v) if v > 0 else "—", RIGHT, width=60),
        Column(_("Column"), lambda p: p.column, width=150),
        Column(_("Problem"), _problem_text, tooltip=_problem_text),
    ]


class ImportPage(Page):
    """Check, then import, one file."""

    areas = frozenset()  # a file's check shows the file, not the database

    # a check or an import finished (or failed); tests wait for it
    finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.checked: Checked | None = None
        self.imported: ImportSummary | None = None
        self.file_dialog: QFileDialog | None = None
        self.operation: Operation[Any] | None = None  # the check or import running (or last run)

        self.kind_box = QComboBox()
        for kind in KINDS:
            self.kind_box.addItem(_(IMPORT_KINDS.get(kind, kind)), kind)
        self.kind_box.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.columns_hint = QLabel()
        self.columns_hint.setWordWrap(True)
        self.columns_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_field = QLineEdit()
        self.path_field.setReadOnly(True)
        self.path_field.setPlaceholderText(_("Choose a CSV or XLSX file…"))
        choose = widgets.button(_("Choose file…"), self.choose_file)
        self.check_button = widgets.button(_("Check again"), self.check)
        self.import_button = widgets.button(_("Import"), self.start_import)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model: RowTableModel[Problem] = RowTableModel(_problem_columns(), self)
        self.table = table_view(self.model, self)
        # a problem's text runs long (longer still in Ukrainian): it takes the width the page has
        self.table.horizontalHeader().setStretchLastSection(True)

        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(_("Kind:")))
        kind_row.addWidget(self.kind_box)
        kind_row.addWidget(self.columns_hint, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(_("File:")))
        file_row.addWidget(self.path_field, 1)
        file_row.addWidget(choose)
        file_row.addWidget(self.check_button)
        file_row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(kind_row)
        layout.addLayout(file_row)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(_("Problems found (nothing is written while there are any):")))
        layout.addWidget(self.table, 1)
        self._kind_changed()

    # choosing ---------------------------------------------------------------------------------------
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))

    def show_item(self, item: object) -> None:
        """Choose the kind of file ("rates"...) another page asked for."""
        if isinstance(item, str) and item in KINDS:
            self.set_kind(item)

    def path(self) -> Path | None:
        text = self.path_field.text().strip()
        return Path(text) if text else None

    def choose_file(self) -> None:
        """Open a file chooser (window-modal, not blocking); the chosen file is checked at once."""
        dialog = QFileDialog(self, _("Choose a file to import"))
        dialog.setNameFilters([_("CSV or Excel files (*.csv *.xlsx)"), _("All files (*)")])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.set_file(Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def set_file(self, path: Path) -> None:
        """Use `path` and check it."""
        self.path_field.setText(str(path))
        self.check()

    def _kind_changed(self) -> None:
        self.columns_hint.setText(_("Columns: {columns}").format(columns=expected_columns(self.kind())))
        if self.path() is not None:
            self.check()
        else:
            self.loads.forget()  # a check of another kind running now reports nothing
            self._show(None)

    # checking ---------------------------------------------------------------------------------------
    def check(self) -> None:
        """Check the chosen file as the chosen kind in the background, writing nothing."""
        path = self.path()
        if path is None:
            return
        kind, db, actor = self.kind(), self.ctx.db, self.ctx.actor
        self.checked = None
        self.imported = None
        self.model.set_rows([])
        self._set_import_enabled()
        self.status.setStyleSheet("")
        self.status.setText(_("Checking {file}…").format(file=path.name))

        def work(progress: Progress) -> Checked:
            def rows_read(count: int) -> None:
                progress.check()
                progress.report(count, 0, _("Checking {file}: {n} rows read…").format(
                    file=path.name, n=number(Decimal(count), 0)))

            try:
                summary = validate_file(db, actor, kind, path, rows_read)
            except FileRejected as exc:
                return Checked(kind, path, None, exc.problems, exc.total)
            except Cancelled:
                raise
            except UserError as exc:  # the file cannot be opened: said in the window's language
                return Checked(kind, path, None, [Problem(0, "", str(exc), None) if not isinstance(exc, Refused)
                                                  else Problem(0, "", shown_error(exc))])
            return Checked(kind, path, summary, [])

        self.operation = run_op(self, work, self._show, self._failed,
                                label=_("Checking {file}…").format(file=path.name), cancellable=True,
                                generation=self.loads)

    def _show(self, checked: Checked | None) -> None:
        self.checked = checked
        self.model.set_rows(checked.problems if checked else [])
        if checked is None:
            self.status.setStyleSheet("")
            self.status.setText(_("Choose the kind of data and a file. The file is checked first; "
                                  "nothing is written until you import a file that passed."))
        elif checked.passed:
            assert checked.summary is not None
            self.status.setStyleSheet(colors.GREEN)
            self.status.setText(_("{file} passed the check: {summary}. Nothing is written until you "
                                  "press Import.").format(file=checked.path.name,
                                                          summary=summary_text(checked.summary)))
        else:
            count = max(checked.total, len(checked.problems))
            self.status.setStyleSheet(colors.RED)
            if count > len(checked.problems):
                self.status.setText(_(
                    "{file} cannot be imported: {n} problems; the first {shown} are listed below. "
                    "Nothing was written.").format(file=checked.path.name, n=number(Decimal(count), 0),
                                                   shown=number(Decimal(len(checked.problems)), 0)))
            else:
                self.status.setText(ngettext(
                    "{file} cannot be imported: {n} problem, listed below. Nothing was written.",
                    "{file} cannot be imported: {n} problems, listed below. Nothing was written.",
                    count).format(file=checked.path.name, n=count))
        self._set_import_enabled()
        if checked is not None:
            self.finished.emit()

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, Cancelled):
            self.checked = None  # a stopped import leaves the file's check standing
        self._set_import_enabled()
        self.status.setStyleSheet(colors.RED if not isinstance(exc, Cancelled) else "")
        if isinstance(exc, Cancelled):
            self.status.setText(_("Stopped: nothing was written."))
        else:
            self.status.setText(shown_error(exc))
            show_error(self, exc)
        self.finished.emit()

    def import_refusals(self) -> list[str]:
        """Why "Import" is not available now; empty when it is."""
        reasons = []
        # the kind decides the action: a commission table is the admin's (the service asks the same)
        role = role_refusal(self.ctx.actor, import_action(self.kind()))
        if role is not None:
            reasons.append(shown(role))
        checked = self.checked
        if checked is None or checked.path != self.path() or checked.kind != self.kind():
            reasons.append(_("the file has not been checked yet"))
        elif not checked.passed:
            reasons.append(_("the file did not pass the check"))
        elif self.imported is not None:
            reasons.append(_("this file was just imported"))
        return reasons

    def _set_import_enabled(self) -> None:
        reasons = self.import_refusals()
        self.import_button.setEnabled(not reasons)
        self.import_button.setToolTip("\n".join(reasons) if reasons else
                                      _("Import the checked file, all rows or none"))
        self.check_button.setEnabled(self.path() is not None)

    # importing --------------------------------------------------------------------------------------
    def start_import(self) -> None:
        """Import the file that passed the check, in the background; stopping before the end writes nothing."""
        checked = self.checked
        if checked is None or self.import_refusals():
            return
        db, actor, kind, path = self.ctx.db, self.ctx.actor, checked.kind, checked.path
        self.import_button.setEnabled(False)

        def work(progress: Progress) -> ImportSummary:
            def rows_read(count: int) -> None:
                progress.check()
                progress.report(count, 0, _("Importing {file}: {n} rows read…").format(
                    file=path.name, n=number(Decimal(count), 0)))

            return import_file(db, actor, kind, path, rows_read)

        self.operation = run_op(self, work, self._imported, self._import_failed,
                                label=_("Importing {file}…").format(file=path.name), cancellable=True)

    def _imported(self, summary: ImportSummary) -> None:
        self.imported = summary
        self.status.setStyleSheet(colors.GREEN)
        self.status.setText(_("Imported {file}: {summary}.").format(file=summary.file_name,
                                                                    summary=summary_text(summary)))
        self._set_import_enabled()
        self.changed(Action.IMPORT, f"{summary.kind}:{summary.file_name}")
        self.finished.emit()

    def _import_failed(self, exc: Exception) -> None:
        if isinstance(exc, FileRejected):
            # the file changed after it was checked, or the data did: show the new problems
            assert self.checked is not None
            self._show(Checked(self.checked.kind, self.checked.path, None, exc.problems, exc.total))
            return
        self._failed(exc)
