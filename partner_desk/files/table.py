"""Read a CSV (UTF-8, comma, header row) or the first sheet of an XLSX file as rows of text.

Row numbers count as a spreadsheet does: the header is row 1, the first data row is row 2.
Blank rows are skipped. Cells of an XLSX file come back as the text a person would type:
numbers without float noise, dates and times in ISO 8601.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from partner_desk.domain.errors import UserError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input row: `row N: column: problem`."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row > 0 else []
        where += [self.column] if self.column else []
        return ": ".join([*where, self.message])


class FileRejected(UserError):
    """A file refused as a whole; `problems` lists every reason."""

    def __init__(self, problems: list[Problem], what: str = "file") -> None:
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        count = len(self.problems)
        head = f"{what} refused: {count} problem{'s' if count != 1 else ''}, nothing was written"
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # the shortest repr is the number the person typed; Decimal keeps it without exponent
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep="T")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()


def _xlsx_cell_text(cell: Any) -> str:
    """A cell as the person sees it: a number formatted as a percent (0.15 shown as 15%) is the
    number shown, 15, as a percent column expects."""
    value = cell.value
    if (isinstance(value, int | float) and not isinstance(value, bool)
            and "%" in (getattr(cell, "number_format", None) or "")):
        return format(Decimal(repr(value)).scaleb(2), "f")
    return _cell_text(value)


class RowSource:
    """The header and data rows of an input file, streamed."""

    def __init__(self, path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]]) -> None:
        self.path = path
        self.header = header
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.header)
        for number, cells in self._rows:
            if not any(c.strip() for c in cells):
                continue
            padded = cells + [""] * (width - len(cells))
            yield number, {name: padded[i].strip() for i, name in enumerate(self.header)}


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    handle = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileRejected([Problem(1, "", "the file is empty: a header row is needed")], path.name) from None
    except UnicodeDecodeError:
        handle.close()
        raise FileRejected([Problem(0, "", f"{path.name} is not UTF-8 text")], path.name) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            try:
                yield from enumerate(reader, start=2)
            except UnicodeDecodeError as exc:
                problem = Problem(0, "", f"{path.name} is not UTF-8 text ({exc.reason})")
                raise FileRejected([problem], path.name) from None

    return [h.strip().lower() for h in header], rows()


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileRejected([Problem(0, "", f"{path.name} is not a readable XLSX file ({exc})")], path.name) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows()
    try:
        header_cells = next(values)
    except StopIteration:
        book.close()
        raise FileRejected([Problem(1, "", "the sheet is empty: a header row is needed")], path.name) from None
    header = [_xlsx_cell_text(c).lower() for c in header_cells]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for index, cells in enumerate(values, start=2):
                yield index, [_xlsx_cell_text(c) for c in cells]
        finally:
            book.close()

    return header, rows()


def open_table(path: Path | str) -> RowSource:
    """Open a CSV or XLSX file; the format is told by the file name's extension."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx_rows(path)
    else:
        raise UserError(f"{path.name}: unknown format '{suffix}' (use .csv or .xlsx)")
    return RowSource(path, header, rows)


def check_header(source: RowSource, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Problem]:
    problems = []
    known = set(required) | set(optional)
    for name in required:
        if name not in source.header:
            problems.append(Problem(1, name, "missing column"))
    seen: set[str] = set()
    for name in source.header:
        # columns beyond the format's are ignored: billing exports may carry more
        if name in known and name in seen:
            problems.append(Problem(1, name, "column listed twice"))
        seen.add(name)
    return problems
