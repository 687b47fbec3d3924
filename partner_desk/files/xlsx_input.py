"""Reading the first sheet of an XLSX file exactly as it shows (SPEC section 9).

The sheet's XML is streamed row by row with openpyxl's own cell parser, without the read-only
worksheet around it: that worksheet trusts the file's declared `<dimension>` (a file that
understates it loses rows), sizes a row by its last cell (a row written out of column order loses
cells) and silently drops a row listed twice or out of order. Here every row and cell in the file
is read, and whatever cannot be read as it shows is refused with its place:

- a formula (its cached value may be stale or absent: the person must paste values);
- an error value (#N/A, #VALUE!…);
- a number formatted as a percent outside a percent column (0.125 shown as 12.5 %);
- a cell or a row the sheet lists twice.

A damaged file (a broken zip, broken XML, a shared-string index that does not exist, a number that
is not one) is refused as a whole: "not a readable XLSX file". Numbers are read as a spreadsheet
shows them, to 15 significant digits (0.1 + 0.2 is 0.3); dates and times in ISO 8601.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.worksheet._reader import WorkSheetParser

from partner_desk.domain.refusals import Refusal, Said
from partner_desk.files.problems import FileRejected, Problem, RawRow

FORMULA = Refusal("formula_cell")
# how many significant digits a spreadsheet keeps and shows of a number
SHOWN_DIGITS = 15
# parts of a number format that print as they are: "quoted text", \x escapes, [colour] and _x spacing
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def is_percent_format(number_format: str) -> bool:
    """Whether a number format multiplies the value by 100 and shows it with a % sign."""
    return "%" in _LITERAL.sub("", number_format)


def unreadable(path: Path, exc: BaseException | str) -> FileRejected:
    detail = exc if isinstance(exc, str) else (str(exc).splitlines() or [""])[0] or type(exc).__name__
    reason = Refusal("not_xlsx", {"file": path.name, "detail": Said(detail)})
    return FileRejected([Problem.of(0, "", reason)], path.name)


class _SharedStrings(list[Any]):
    """The workbook's shared strings; an index that is not in the table is an error, never a
    count from the end."""

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and index < 0:
            raise IndexError(f"shared string {index} does not exist")
        return super().__getitem__(index)


def number_text(value: int | float) -> str:
    """A number as a spreadsheet shows it: integers exactly, other numbers to 15 significant digits."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(format(value, f".{SHOWN_DIGITS}g")), "f")


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep="T")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


class _Sheet:
    """The first worksheet of a workbook opened read-only, parsed row by row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.book = load_workbook(path, read_only=True, data_only=False)
            sheets = self.book.worksheets
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise unreadable(path, exc) from None
        if not sheets:
            self.book.close()
            raise unreadable(path, "it has no worksheet")
        self.sheet = sheets[0]
        self._percent_styles: dict[int, bool] = {}

    def rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        book = self.book
        try:
            source = self.sheet._get_source()
        except Exception as exc:
            raise unreadable(self.path, exc) from None
        with source:
            parser = WorkSheetParser(source, _SharedStrings(self.sheet._shared_strings), data_only=False,
                                     epoch=book.epoch, date_formats=book._date_formats,
                                     timedelta_formats=book._timedelta_formats)
            parsed = parser.parse()
            while True:
                try:
                    number, cells = next(parsed)
                except StopIteration:
                    return
                except Exception as exc:  # broken XML, a bad index or number: the file is damaged
                    raise unreadable(self.path, exc) from None
                yield number, cells

    def is_percent(self, style_id: int) -> bool:
        known = self._percent_styles.get(style_id)
        if known is None:

            try:
                number_format = ReadOnlyCell(self.sheet, 0, 0, None, "n", style_id).number_format
            except Exception as exc:  # a style the workbook does not define
                raise unreadable(self.path, exc) from None
            known = self._percent_styles[style_id] = is_percent_format(number_format or "")
        return known

    def close(self) -> None:
        self.book.close()


def _cell(sheet: _Sheet, cell: dict[str, Any], percent: bool) -> tuple[str, Refusal | None]:
    """A cell's text as the person sees it, and the problem it has, if any."""
    kind, value = cell["data_type"], cell["value"]
    if kind == "f":
        return "=", FORMULA
    if kind == "e":
        return str(value), Refusal("error_cell", {"value": str(value)})
    if isinstance(value, int | float) and not isinstance(value, bool) and sheet.is_percent(cell["style_id"]):
        shown = number_text(value)
        scaled = format(Decimal(shown).scaleb(2).normalize(), "f")
        if percent:
            return scaled, None
        return shown, Refusal("percent_cell", {"percent": scaled})
    return _plain_text(value), None


def _row(sheet: _Sheet, cells: list[dict[str, Any]], percent: Collection[int]) -> RawRow:
    width = max((c["column"] for c in cells), default=0)
    texts = [""] * width
    bad: dict[int, str | Refusal] = {}
    seen: set[int] = set()
    for cell in cells:
        index = cell["column"] - 1
        if index in seen:
            bad[index] = Refusal("cell_twice")
            continue
        seen.add(index)
        texts[index], problem = _cell(sheet, cell, index in percent)
        if problem is not None:
            bad[index] = problem
    return texts, bad


def xlsx_rows(path: Path, percent_columns: Collection[str] = ()) -> tuple[list[str], Iterator[tuple[int, RawRow]]]:
    """The header and the numbered data rows of the first sheet; `percent_columns` are the columns
    where a percent-formatted cell is read as the percent it shows."""
    sheet = _Sheet(path)
    rows = sheet.rows()
    try:
        first = next(rows, None)
    except BaseException:
        sheet.close()
        raise
    if first is None:
        sheet.close()
        raise FileRejected([Problem.of(1, "", Refusal("sheet_no_header"))], path.name)
    header: list[str] = []
    pending: list[tuple[int, list[dict[str, Any]]]] = [first]
    if first[0] == 1:
        pending = []
        texts, bad = _row(sheet, first[1], ())
        if bad:
            sheet.close()
            raise FileRejected([Problem.of(1, "", Refusal("header_cell", {"n": i + 1, "problem": p}))
                                for i, p in bad.items()], path.name)
        header = [t.strip().lower() for t in texts]
        while header and not header[-1]:
            header.pop()
    percent = {i for i, name in enumerate(header) if name in percent_columns}

    def numbered() -> Iterator[tuple[int, RawRow]]:
        last = 1 if not pending else 0
        try:
            for number, cells in itertools.chain(pending, rows):
                if number <= last:
                    raise FileRejected([Problem.of(number, "", Refusal("row_out_of_order"))], path.name)
                last = number
                yield number, _row(sheet, cells, percent)
        finally:
            sheet.close()

    return header, numbered()
