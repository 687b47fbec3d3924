"""A table as a spreadsheet: rows of typed cells written to an XLSX workbook or a CSV file.

The window exports what a table shows (its filtered rows, its columns) and the accruals page a whole
preview, through here. Cells keep their types: amounts are number cells in their currency's own
format (JPY without decimals, KWD with three), percents are percent cells, rates exact numbers,
days and moments real dates. A CSV file writes the same values plainly: amounts with a `.` decimal
point and their currency's digits, percents as in the commission table (`15`), days `YYYY-MM-DD`,
moments `YYYY-MM-DD HH:MM`; it is UTF-8 with a byte-order mark, so spreadsheets read Cyrillic
right, and a text that a spreadsheet would take for a formula (`=`, `+`, `@` first) is written with
a leading apostrophe. A workbook may carry a mark ("Preview — not posted") above the header of each sheet. The
file is written under a temporary name and renamed, so it appears whole or not at all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partner_desk.domain.money import format_amount, round_money
from partner_desk.files.atomic import atomic_path, close_abandoned_zips

# the kinds of figure a cell may hold, offered again to the callers that build a table
from partner_desk.files.figures import Money as Money
from partner_desk.files.figures import Percent as Percent
from partner_desk.files.figures import Rate as Rate
from partner_desk.files.statement_model import (
    DATE_FORMAT,
    RATE_FORMAT,
    money_format,
    percent_format,
    percent_value,
)
from partner_desk.files.xlsx_rows import StyledCells, clean_text, fast_rows

FORMATS = ("xlsx", "csv")
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
BOLD = Font(bold=True)
MARK = Font(bold=True, color="B00020", size=12)
# what a spreadsheet opening a CSV file reads as the start of a formula
_FORMULA_START = ("=", "+", "@", "\t", "\r")
# a sheet name holds at most 31 characters, none of these
_SHEET_NAME_BANNED = str.maketrans({c: " " for c in "[]:*?/\\"})


Cell = str | int | Decimal | Money | Percent | Rate | date | datetime | None


@dataclass(frozen=True)
class Sheet:
    """One table: its title (the sheet's name), its column headers and its rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    mark: str | None = None


def sheet_name(title: str, taken: Sequence[str] = ()) -> str:
    """A title as a sheet may be named: without [ ] : * ? / \\, at most 31 characters, unique."""
    base = (clean_text(title).translate(_SHEET_NAME_BANNED).strip() or "Sheet")[:31]
    name, n = base, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def write_table(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write `sheets` to `path`: an XLSX workbook (every sheet) or a CSV file (the first sheet),
    as the suffix says. Returns the path."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ValueError(f"{path.name}: a table is written as .xlsx or .csv")
    try:
        with atomic_path(path) as temporary:
            if kind == "xlsx":
                _write_xlsx(temporary, sheets)
            else:
                _write_csv(temporary, sheets[0])
    except OSError as exc:
        close_abandoned_zips(exc.__traceback__)
        raise
    return path


def _write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    book = Workbook(write_only=True)
    taken: list[str] = []
    for sheet in sheets:
        ws = book.create_sheet(sheet_name(sheet.title, taken))
        taken.append(ws.title)
        widths = [max(10, min(len(h) + 2, 40)) for h in sheet.headers]
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        fast_rows(ws)
        cells = StyledCells(ws)
        header_row = 1
        if sheet.mark:
            ws.append([cells(sheet.mark, font=MARK)])
            header_row = 2
        ws.freeze_panes = f"A{header_row + 1}"
        ws.append([cells(h, font=BOLD) for h in sheet.headers])
        for row in sheet.rows:
            ws.append([_xlsx_cell(cells, value) for value in row])
    book.save(path)


def _xlsx_cell(cells: StyledCells, value: Cell) -> object:
    if value is None:
        return None
    if isinstance(value, Money):
        return cells(round_money(value.amount, value.currency), money_format(value.currency))
    if isinstance(value, Percent):
        return cells(percent_value(value.value), percent_format(value.value))
    if isinstance(value, Rate):
        return cells(value.value, RATE_FORMAT)
    if isinstance(value, datetime):
        return cells(value.replace(tzinfo=None), MOMENT_FORMAT)
    if isinstance(value, date):
        return cells(value, DATE_FORMAT)
    return cells(value)


def _write_csv(path: Path, sheet: Sheet) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(list(sheet.headers))
        for row in sheet.rows:
            writer.writerow([csv_text(value) for value in row])


def csv_text(value: Cell) -> str:
    """A cell as a CSV file writes it."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_amount(value.amount, value.currency)
    if isinstance(value, Percent):
        return format(value.value.normalize(), "f")
    if isinstance(value, Rate):
        return format(value.value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = clean_text(str(value))
    return "'" + text if text[:1] in _FORMULA_START else text
