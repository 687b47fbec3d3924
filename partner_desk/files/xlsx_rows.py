"""Appending many formatted rows to an openpyxl write-only sheet, fast.

For every cell, openpyxl infers the value's type, builds a cell object and looks its style up
again; on a sheet of a hundred thousand rows that is most of the time spent. A write-only sheet
serialises a row as soon as it is appended, so here one cell object per column and number format
is formatted once and reused row after row, and each value's type is set directly. Text is always
a text cell (so "=1+1" in a project name never becomes a formula) with characters a worksheet
cannot hold dropped.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MAX_TEXT = 32_767  # the longest text a cell holds


def clean_text(value: str) -> str:
    """Text as a worksheet accepts it: control characters dropped, at most 32,767 characters."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return cleaned[:MAX_TEXT]


def _cells_of(sheet: WriteOnlyWorksheet, values: Iterable[Any], row_idx: int) -> Iterator[Cell]:
    """The sheet's row builder: cells are placed as they are; other values become plain cells."""
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def fast_rows(sheet: WriteOnlyWorksheet) -> None:
    """Let `sheet.append` take ready cells as they are (see CellPool)."""
    sheet._values_to_row = types.MethodType(_cells_of, sheet)


class StyledCells:
    """New cells in a handful of styles: each style is built once, then copied into each cell."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self._styles: dict[tuple[str | None, int | None, int | None], Any] = {}

    def __call__(self, value: Any, number_format: str | None = None, font: Font | None = None,
                 alignment: Alignment | None = None) -> Cell:
        key = (number_format, None if font is None else id(font), None if alignment is None else id(alignment))
        style = self._styles.get(key)
        if style is None:
            prototype = WriteOnlyCell(self.sheet)
            if number_format is not None:
                prototype.number_format = number_format
            if font is not None:
                prototype.font = font
            if alignment is not None:
                prototype.alignment = alignment
            style = self._styles[key] = prototype._style
        cell = Cell(self.sheet, style_array=style)  # the style array is copied
        put(cell, value)
        return cell


class CellPool:
    """One reusable cell per (column, number format). A cell handed out is valid until the row it
    is in has been appended; the next row may reuse it."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self._cells: dict[tuple[int, str | None], Cell] = {}

    def cell(self, column: int, value: Any, number_format: str | None = None,
             alignment: Alignment | None = None) -> Cell | None:
        """`alignment` is fixed by the column's first cell."""
        if value is None:
            return None
        key = (column, number_format)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = WriteOnlyCell(self.sheet)
            if number_format is not None:
                cell.number_format = number_format
            if alignment is not None:
                cell.alignment = alignment
        put(cell, value)
        return cell


def put(cell: Cell, value: Any) -> None:
    """Give a cell a value, its type set from the value's Python type."""
    if isinstance(value, str):
        cell._value, cell.data_type = clean_text(value), "s"
    elif isinstance(value, bool):
        cell._value, cell.data_type = value, "b"
    elif isinstance(value, Decimal):
        # a rounded negative zero ("-0.00") would be written as "-0"
        cell._value, cell.data_type = (abs(value) if value.is_zero() else value), "n"
    elif isinstance(value, int | float):
        cell._value, cell.data_type = value, "n"
    elif isinstance(value, datetime | date):
        cell._value, cell.data_type = value, "d"
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a cell")
