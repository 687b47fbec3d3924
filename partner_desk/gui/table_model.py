"""A generic table model over a list of plain row values; sorting and filtering happen in the list.

A `QSortFilterProxyModel` would call Python for every cell it compares (far too slow at 10,000
rows); here the visible rows are a Python list that is filtered and sorted, then the model resets.
A column sorts by its `sort_key` (a money column: its value in the reporting currency); rows whose
key is None (a missing rate) come last in either order. `data()` answers only the roles it knows and
returns None otherwise; a cell's tooltip is its column's, else its full text (a narrow column
elides it). `table_view` fits the columns to the view's width: they share it in proportion to their
preferred widths, so no column runs off the right edge and none stretches across the screen. A
header of several words too wide for its column on one line goes onto two (`two_lines`), so that a
longer translation is read whole rather than cut.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QStyle, QTableView, QWidget

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
    # the narrowest the column is fitted to when the view is narrow (0: its width, up to SHRINK_FLOOR)
    min_width: int = 0
    # the cell an export writes (files/table_export.py): by default taken from `value`
    export: Callable[[R], Any] | None = None


def sort_key(row: R, value: Callable[[R], Any], key: Callable[[Any], Any] | None) -> Any:
    """What a row sorts by in a column: `key(value(row))`, None when it has no value."""
    v = value(row)
    return None if v is None else (key(v) if key is not None else v)


def sorted_rows(rows: list[R], keys: Callable[[R], Any], descending: bool) -> list[R]:
    """`rows` ordered by `keys(row)`; rows without a key (None) last, whichever the order."""
    keyed: list[tuple[Any, R]] = []
    keyless: list[R] = []
    for row in rows:
        k = keys(row)
        if k is None:
            keyless.append(row)
        else:
            keyed.append((k, row))
    keyed.sort(key=lambda pair: pair[0], reverse=descending)
    return [row for _k, row in keyed] + keyless


# the rows from which a table works out its sort keys while idle (fewer sort at once anyway)
WARM_ROWS = 1_000


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of plain values; `set_rows`, `set_filter` and `sort` rebuild the visible list."""

    # new rows replaced the old ones (not a filter or a sort of the same rows)
    rows_replaced = Signal()

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._all: list[R] = []
        self._rows: list[R] = []
        # what each row (by identity, for as long as `set_rows` keeps it) shows and sorts by, worked
        # out when first needed, so a filter or a sort formats and converts nothing twice
        self._cache: dict[int, list[str]] = {}
        self._keys: dict[int, dict[int, Any]] = {}
        self._warming = 0  # counts `set_rows`: the sort keys being worked out are those of the last
        self._filter: Callable[[R], bool] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        # a header as the view shows it when its column is too narrow for it on one line
        self.shown_headers: dict[int, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # the data -----------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[R]) -> None:
        """Replace every row; the current filter and sort apply. Each column's sort keys are then
        worked out while the window is idle, a column a turn, so a first sort finds them ready."""
        self._all = list(rows)
        self._cache = {}
        self._keys = {}
        self._rebuild()
        self.rows_replaced.emit()
        self._warming += 1
        if len(self._all) >= WARM_ROWS:
            QTimer.singleShot(0, self, lambda warming=self._warming: self._warm(warming, 0))

    def _warm(self, warming: int, index: int) -> None:
        """Work out column `index`'s sort keys, then the next column's at the next idle turn; rows
        replaced since (another `warming`) stop it."""
        if warming != self._warming or index >= len(self.columns):
            return
        self._sort_keys(index)
        QTimer.singleShot(0, self, lambda: self._warm(warming, index + 1))

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
            rows = sorted_rows(rows, self._sort_keys(self._sort_column),
                               self._sort_order == Qt.SortOrder.DescendingOrder)
        elif rows is self._all:
            rows = list(rows)
        self._rows = rows
        self.endResetModel()

    def _sort_keys(self, index: int) -> Callable[[R], Any]:
        """A row's sort key in column `index`, each row's worked out once."""
        known = self._keys.get(index)
        if known is None:
            column = self.columns[index]
            known = {id(row): sort_key(row, column.value, column.sort_key) for row in self._all}
            self._keys[index] = known
        return lambda row: known[id(row)]

    # Qt's model contract ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def _display(self, row: int) -> list[str]:
        return self._shown(self._rows[row])

    def _shown(self, item: R) -> list[str]:
        found = self._cache.get(id(item))
        if found is None:
            found = [c.display(c.value(item)) for c in self.columns]
            self._cache[id(item)] = found
        return found

    def sample(self, count: int) -> list[list[str]]:
        """What the first `count` rows, in the order they were given, show in each column."""
        return [self._shown(item) for item in self._all[:count]]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip is not None:
                return column.tooltip(self._rows[index.row()])
            return self._display(index.row())[index.column()] or None
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
                return self.shown_headers.get(section, self.columns[section].header)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].align.value)
        return None

    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self._rebuild()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# a column's width when it names none, how narrow a column may become unless it says, how far columns grow
DEFAULT_WIDTH = 110
SHRINK_FLOOR = 72
# the rows whose texts a view measures to fit its columns to what they show
SAMPLE_ROWS = 60
MAX_GROWTH = 2.0


def fitted(widths: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths for `room` pixels: shrunk toward their floors in proportion to what each can
    give (then the floors themselves scaled, if even they do not fit), or grown in proportion to
    at most MAX_GROWTH times."""
    total = sum(widths)
    if total <= room:
        scale = min(room / total, MAX_GROWTH)
        grown = [int(w * scale) for w in widths]
        if scale < MAX_GROWTH:
            grown[-1] += room - sum(grown)
        return grown
    slack = total - sum(floors)
    deficit = total - room
    if slack >= deficit:
        shrunk = [w - math.ceil((w - f) * deficit / slack) for w, f in zip(widths, floors, strict=True)]
    else:
        shrunk = [max(24, int(f * room / sum(floors))) for f in floors]
    shrunk[-1] += max(room - sum(shrunk), 0)
    return shrunk


def two_lines(header: str, metrics: QFontMetrics) -> str:
    """`header` as two lines broken at the space that makes the wider line narrowest; a header that
    already has its lines, or has one word, as it is."""
    if "\n" in header or " " not in header.strip():
        return header
    words = header.split()
    splits = [" ".join(words[:i]) + "\n" + " ".join(words[i:]) for i in range(1, len(words))]
    return min(splits, key=lambda text: text_width(text, metrics))


def text_width(text: str, metrics: QFontMetrics) -> int:
    """The width of the widest line of `text`."""
    return max(metrics.horizontalAdvance(line) for line in text.split("\n"))


class RowTableView(QTableView):
    """A read-only table that fits its columns to its width (until the user resizes one by hand)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hand_sized = False
        self._fitting = False
        # per column, the width of the widest text of the first rows (SAMPLE_ROWS), measured when new
        # rows arrive, so a filter or a sort keeps the widths
        self._content: dict[int, int] = {}
        self.horizontalHeader().sectionResized.connect(self._section_resized)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._refit)
            if isinstance(model, RowTableModel):
                model.rows_replaced.connect(self._measure)

    def _measure(self) -> None:
        model = self.model()
        if not isinstance(model, RowTableModel):
            return
        metrics = self.fontMetrics()
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 10
        rows = model.sample(SAMPLE_ROWS)
        self._content = {i: max((metrics.horizontalAdvance(row[i]) for row in rows if row[i]), default=0) + padding
                         for i in range(len(model.columns))}
        self._refit()

    def _refit(self) -> None:
        if not self.hand_sized:
            self.fit_columns()

    def _section_resized(self, _index: int, _old: int, _new: int) -> None:
        if not self._fitting and QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self.hand_sized = True  # a drag of the user's: their widths stay

    def _header_room(self) -> int:
        """What a header section needs beside its text: its margins."""
        return 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 6

    def preferred_widths(self) -> list[tuple[int, int, int]]:
        """(column, preferred width, narrowest width) of each column shown: at least what its first
        rows show; never narrower than its header's widest line, and a column of figures, dates or
        flags (not left-aligned) as wide as its texts, while there is room: a text column gives up room
        first."""
        model = self.model()
        if not isinstance(model, RowTableModel):
            return []
        header, room = self.horizontalHeader().fontMetrics(), self._header_room()
        found = []
        for i, c in enumerate(model.columns):
            if not self.isColumnHidden(i):
                content = self._content.get(i, 0)
                width = max(c.width or DEFAULT_WIDTH, content)
                heading = text_width(two_lines(c.header, header), header) + room
                floor = max(min(c.min_width or SHRINK_FLOOR, width), heading)
                if c.align != LEFT:
                    floor = max(floor, content)
                found.append((i, max(width, floor), floor))
        return found

    def _fit_headers(self) -> None:
        """Break a header onto two lines where its column is too narrow for it on one."""
        model = self.model()
        if not isinstance(model, RowTableModel):
            return
        metrics, room = self.horizontalHeader().fontMetrics(), self._header_room()
        shown = {}
        for i, c in enumerate(model.columns):
            if text_width(c.header, metrics) + room > self.columnWidth(i):
                wrapped = two_lines(c.header, metrics)
                if wrapped != c.header:
                    shown[i] = wrapped
        if shown != model.shown_headers:
            model.shown_headers = shown
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(model.columns) - 1, 0))

    def fit_columns(self) -> None:
        """Share the view's width among the columns shown. When it is narrower than the columns
        want, the wider ones give up room first, down to their narrowest (their text elides, its
        tooltip whole); when it is wider, every column grows in proportion, to at most twice its
        width, so no column stretches across the screen."""
        wanted = self.preferred_widths()
        # room for the vertical scroll bar is kept whether it shows yet or not (rows arrive later)
        room = self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()
        if self.verticalHeader().isVisible():
            room -= self.verticalHeader().width()
        if not wanted or room <= 0:
            return
        widths = fitted([w for _i, w, _f in wanted], [f for _i, _w, f in wanted], room)
        self._fitting = True
        try:
            for (i, _w, _f), width in zip(wanted, widths, strict=True):
                self.setColumnWidth(i, width)
        finally:
            self._fitting = False
        self._fit_headers()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._refit()


def table_view(model: RowTableModel[Any], parent: QWidget | None = None, *, sortable: bool = True) -> QTableView:
    """A read-only table view over `model`, sorting through the model (never a proxy)."""
    view = RowTableView(parent)
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
    header.setStretchLastSection(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
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
