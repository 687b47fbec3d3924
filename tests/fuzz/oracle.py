"""What a file shows, read independently of the importer: the reference an accepted import is
compared with.

CSV: strict UTF-8 (a byte order mark allowed) and Python's csv module. XLSX: openpyxl's full
(not read-only) workbook, whose cells are kept by their coordinates, so no declared dimension, row
or cell order can hide one. A cell that shows no value a person typed (a formula, an error, a number
formatted as a percent outside a percent column) is None: a file that needs one cannot be accepted.
Numbers show as a spreadsheet shows them, to 15 significant digits.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

_QUOTED = re.compile(r'"[^"]*"|\\.')


@dataclass
class Shown:
    header: list[str]
    rows: list[tuple[int, dict[str, str | None]]]


def shown(path: Path, percent_columns: Collection[str] = ()) -> Shown | None:
    """What the file shows, or None when it cannot be read at all."""
    if path.suffix.lower() == ".csv":
        return _csv(path)
    return _xlsx(path, percent_columns)


def _csv(path: Path) -> Shown | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not rows:
        return None
    header = [h.strip().lower() for h in rows[0]]
    found: list[tuple[int, dict[str, str | None]]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if any(c.strip() for c in cells):
            found.append((number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}))
    return Shown(header, found)


def _number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else format(Decimal(format(value, ".15g")), "f")


def _text(cell: Any, percent: bool) -> str | None:
    if cell.data_type in ("f", "e"):
        return None
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if "%" in _QUOTED.sub("", cell.number_format or ""):
            return format(Decimal(_number(value)).scaleb(2).normalize(), "f") if percent else None
        return _number(value)
    if isinstance(value, datetime):
        return value.isoformat(sep="T")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx(path: Path, percent_columns: Collection[str]) -> Shown | None:

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, data_only=False)
        sheet = book.worksheets[0]
        by_row: dict[int, dict[int, Any]] = {}
        # every cell the sheet holds, by its coordinates (not a range a dimension could shorten)
        for (row, column), cell in sheet._cells.items():
            if cell.value is not None or cell.data_type in ("f", "e"):
                by_row.setdefault(row, {})[column] = cell
    except Exception:
        return None
    header_cells = by_row.pop(1, {})
    header = [""] * max(header_cells, default=0)
    for column, cell in header_cells.items():
        header[column - 1] = (_text(cell, False) or "").strip().lower()
    while header and not header[-1]:
        header.pop()
    found: list[tuple[int, dict[str, str | None]]] = []
    for number in sorted(by_row):
        cells = {header[c - 1]: _text(cell, header[c - 1] in percent_columns)
                 for c, cell in by_row[number].items() if c <= len(header)}
        texts = [_text(cell, False) for cell in by_row[number].values()]
        if any(t is None or t.strip() for t in texts):
            found.append((number, {name: cells.get(name, "") for name in header}))
    return Shown(header, found)
