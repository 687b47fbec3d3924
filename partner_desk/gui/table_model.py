"""A generic table model over a list of plain row values; sorting and filtering happen in the list.

A `QSortFilterProxyModel` would call Python for every cell it compares (far too slow at 10,000
rows); here the visible rows are a Python list that is filtered and sorted, then the model resets.
`data()` answers only the roles it knows and returns None otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

R = TypeVar("R")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


@dataclass
class Column(Generic[R]):
    """One column: its header, how to get the value from a row, how to show it and sort it."""

    header: str
    value: Callable[[R], Any]
    display: Callable[[Any], str] = _text
    align: Qt.AlignmentFlag = LEFT
    sort_key: Callable[[Any], Any] | None = None
    tooltip: Callable[[R], str | None] | None = None
    foreground: Callable[[R], QColor | None] | None = None
    bold: Callable[[R], bool] | None = None
    width: int = 0


def _none_last(key: Callable[[Any], Any]) -> Callable[[Any], tuple[bool, Any]]:
    def wrapped(value: Any) -> tuple[bool, Any]:
        return (value is None, key(value) if value is not None else 0)

    return wrapped


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of plain values; `set_rows`, `set_filter` and `sort` rebuild the visible list."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._all: list[R] = []
        self._rows: list[R] = []
        self._cache: dict[int, list[str]] = {}
        self._filter: Callable[[R], bool] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)

    # the data -----------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[R]) -> None:
        """Replace every row; the current filter and sort apply."""
        self._all = list(rows)
        self._rebuild()

    def set_filter(self, predicate: Callable[[R], bool] | None) -> None:
        self._filter = predicate
        self._rebuild()

    def all_rows(self) -> list[R]:
        return list(self._all)

    def rows(self) -> list[R]:
        """The rows shown, in the order shown."""
        return list(self._rows)

    def row(self, index: int) -> R:
        return self._rows[index]

    def _rebuild(self) -> None:
        self.beginResetModel()
        rows = self._all if self._filter is None else [r for r in self._all if self._filter(r)]
        if 0 <= self._sort_column < len(self.columns):
            column = self.columns[self._sort_column]
            key = _none_last(column.sort_key or (lambda v: v))
            getter = column.value
            rows = sorted(rows, key=lambda r: key(getter(r)),
                          reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        elif rows is self._all:
            rows = list(rows)
        self._rows = rows
        # display text is formatted when a row is first shown, then cached
        self._cache = {}
        self.endResetModel()

    # Qt's model contract ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def _display(self, row: int) -> list[str]:
        found = self._cache.get(row)
        if found is None:
            item = self._rows[row]
            found = [c.display(c.value(item)) for c in self.columns]
            self._cache[row] = found
        return found

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(self._rows[index.row()])
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            color = column.foreground(self._rows[index.row()])
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.FontRole and column.bold is not None:
            return self._bold if column.bold(self._rows[index.row()]) else None
        if role == ROW_ROLE:
            return self._rows[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].align.value)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self._rebuild()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def table_view(model: RowTableModel[Any], parent: QWidget | None = None, *, sortable: bool = True) -> QTableView:
    """A read-only table view over `model`, sorting through the model (never a proxy)."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    # a fixed row height lets the view skip measuring every row of a big table
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, column in enumerate(model.columns):
        if column.width:
            view.setColumnWidth(i, column.width)
    if sortable:
        view.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    return view


def selected_row(view: QTableView) -> Any:
    """The row value selected in `view`, or None."""
    indexes = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not indexes:
        return None
    model = view.model()
    assert isinstance(model, RowTableModel)
    return model.row(indexes[0].row())
