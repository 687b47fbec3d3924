"""Export what a table shows: its rows as filtered and sorted, its columns as shown, to an XLSX
workbook or a CSV file, from a button or the table's context menu ("Export these rows…").

Each column gives the cell it exports (`Column.export`); by default the cell is its value as it is
typed: an amount with its currency, a number, a day, a moment in the company time zone. The file is
written in the background; the window says where it went.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton, QTableView, QWidget

from partner_desk.files.table_export import Cell, Money, Sheet
from partner_desk.gui import widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import run_op
from partner_desk.gui.table_model import Column, RowTableModel
from partner_desk.i18n import _
from partner_desk.services.exports import export_table


def default_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def cell_of(column: Column[Any], row: Any, ctx: AppContext) -> Cell:
    """The cell `column` exports for `row`."""
    if column.export is not None:
        exported: Cell = column.export(row)
        return exported
    value = column.value(row)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or isinstance(value, int | Decimal):
        return value
    if isinstance(value, str):
        return column.display(value)  # a code shown as a word (a state, a service kind) stays a word
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str):
        amount = value[0]
        if amount is None:
            return None
        if isinstance(amount, Decimal):
            return Money(amount, value[1])
    if isinstance(value, datetime):
        return ctx.local(value).replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, date):
        return value
    return column.display(value)


def sheet_of(title: str, view: QTableView, model: RowTableModel[Any], ctx: AppContext,
             mark: str | None = None) -> Sheet:
    """The rows `view` shows (filtered and sorted), in the columns it shows."""
    shown = [(i, c) for i, c in enumerate(model.columns) if not view.isColumnHidden(i)]
    headers = [c.header.replace("\n", " ") for _i, c in shown]
    rows = [[cell_of(c, row, ctx) for _i, c in shown] for row in model.rows()]
    return Sheet(title, headers, rows, mark)


class TableExport:
    """"Export…" for one table: a button, a context-menu entry, and the file chooser they open."""

    def __init__(self, parent: QWidget, ctx: AppContext, view: QTableView, model: RowTableModel[Any],
                 title: Callable[[], str]) -> None:
        self.parent, self.ctx, self.view, self.model, self.title = parent, ctx, view, model, title
        self.dialog: QFileDialog | None = None
        self.written: Path | None = None
        self.button = QPushButton(_("Export…"))
        self.button.setToolTip(_("Write the rows shown, as filtered, to an Excel workbook or a CSV file"))
        self.button.clicked.connect(self.choose_file)
        self.action = QAction(_("Export these rows…"), view)
        self.action.triggered.connect(self.choose_file)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menu)

    def _menu(self, point: QPoint) -> None:
        menu = QMenu(self.view)
        menu.addAction(self.action)
        menu.popup(self.view.viewport().mapToGlobal(point))

    def file_name(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_ " else "-" for ch in self.title()).strip() or "table"
        return f"{safe} {self.ctx.today().isoformat()}.xlsx"

    def choose_file(self) -> QFileDialog:
        """Ask where to write the rows (window-modal, not blocking), then write them."""
        dialog = QFileDialog(self.parent, _("Export the rows shown"), str(default_folder() / self.file_name()))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([_("Excel workbook (*.xlsx)"), _("CSV file (*.csv)")])
        dialog.setDefaultSuffix("xlsx")
        dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix("csv" if "*.csv" in chosen else "xlsx"))
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name)))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: Path, done: Callable[[Path], None] | None = None) -> None:
        """Write the rows shown now to `path` (.xlsx or .csv) in the background."""
        sheet = sheet_of(self.title(), self.view, self.model, self.ctx)
        count = len(self.model.rows())

        def written(result: Path) -> None:
            self.written = result
            widgets.inform(self.parent, _("{count} rows written to {path}").format(count=count, path=result))
            if done is not None:
                done(result)

        run_op(self.parent, lambda _p: export_table(path, [sheet]), written, label=_("Exporting…"))

