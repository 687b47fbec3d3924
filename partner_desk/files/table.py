"""Read a CSV (UTF-8, comma, header row) or the first sheet of an XLSX file as rows of text.

Row numbers count as a spreadsheet does: the header is row 1, the first data row is row 2.
Blank rows are skipped. Cells of an XLSX file come back as the text a person sees (see
files/xlsx_input.py). A file's problems are counted in full, but only the first PROBLEM_CAP of
them (by row, then column) are kept and listed, so a file of a million bad rows is refused in
bounded memory with a readable list.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType

from partner_desk.domain.refusals import Count, Refusal, Said
from partner_desk.files.problems import PROBLEM_CAP as PROBLEM_CAP
from partner_desk.files.problems import FileRejected as FileRejected
from partner_desk.files.problems import Problem as Problem
from partner_desk.files.problems import Problems as Problems
from partner_desk.files.problems import RawRow as RawRow
from partner_desk.refusal_text import Refused


class Cells(dict[str, str]):
    """One row's cells by column name; `problems` names the cells that could not be read as they
    are, with the reason (a formula, an error value…)."""

    problems: Mapping[str, str | Refusal] = MappingProxyType({})


class RowSource:
    """The header and data rows of an input file, streamed."""

    def __init__(self, path: Path, header: list[str], rows: Iterator[tuple[int, RawRow]]) -> None:
        self.path = path
        self.header = header
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, (cells, bad) in self._rows:
            if not bad and not any(c.strip() for c in cells):
                continue
            yield number, self._cells(cells, bad)

    def _cells(self, cells: list[str], bad: dict[int, str | Refusal]) -> Cells:
        header = self.header
        width = len(header)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        row = Cells(zip(header, map(str.strip, cells), strict=False))  # beyond the header: ignored
        if bad:
            row.problems = {header[i]: message for i, message in bad.items() if i < width}
        return row

    def positional(self, columns: Sequence[str]) -> Iterator[tuple[int, list[str], Cells | None]]:
        """Each data row's cells of `columns`, in that order and stripped ("" for a column the file
        lacks), read without building the row's dict; with it, as iterating gives it, when one of its
        cells could not be read as it is (`Cells.problems`). Blank rows are skipped, as iterating does."""
        first = {name: i for i, name in reversed(list(enumerate(self.header)))}
        places = [first.get(name, -1) for name in columns]
        reach = max(places) + 1
        # the cells of a full row are taken in one step; a short row (or a missing column) cell by cell
        take = itemgetter(*places) if min(places) >= 0 and len(places) > 1 else None
        strip = str.strip
        for number, (cells, bad) in self._rows:
            if bad:
                yield number, [], self._cells(cells, bad)
                continue
            if take is not None and len(cells) >= reach:
                values = list(map(strip, take(cells)))
            else:
                width = len(cells)
                values = [cells[i].strip() if 0 <= i < width else "" for i in places]
            if not values[0] and not any(c.strip() for c in cells):
                continue
            yield number, values, None


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, RawRow]]]:
    handle = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileRejected([Problem.of(1, "", Refusal("no_header"))], path.name) from None
    except UnicodeDecodeError:
        handle.close()
        raise FileRejected([Problem.of(0, "", Refusal("not_utf8", {"file": path.name}))], path.name) from None
    except csv.Error as exc:
        handle.close()
        raise FileRejected([Problem.of(1, "", _csv_problem(exc))], path.name) from None

    def rows() -> Iterator[tuple[int, RawRow]]:
        number = 1
        no_problems: dict[int, str | Refusal] = {}
        with handle:
            try:
                for number, cells in enumerate(reader, start=2):
                    yield number, (cells, no_problems)
            except UnicodeDecodeError as exc:
                problem = Problem.of(0, "", Refusal("not_utf8_detail", {"file": path.name,
                                                                        "detail": Said(exc.reason)}))
                raise FileRejected([problem], path.name) from None
            except csv.Error as exc:
                raise FileRejected([Problem.of(number + 1, "", _csv_problem(exc))], path.name) from None
            except OSError as exc:
                unread = Refusal("file_unreadable", {"file": path.name, "detail": Said(str(exc.strerror or exc))})
                raise FileRejected([Problem.of(0, "", unread)], path.name) from None

    return [h.strip().lower() for h in header], rows()


def _csv_problem(exc: csv.Error) -> Refusal:
    if "field limit" in str(exc):
        return Refusal("csv_cell_too_long", {"max": Count(csv.field_size_limit())})
    return Refusal("not_csv", {"detail": Said(str(exc))})


def open_table(path: Path | str, percent_columns: Collection[str] = ()) -> RowSource:
    """Open a CSV or XLSX file; the format is told by the file name's extension. In an XLSX file a
    percent-formatted number is the percent it shows in `percent_columns`, and refused elsewhere."""

    path = Path(path)
    try:
        if not path.is_file():
            raise Refused(Refusal("no_such_file", {"path": str(path)}))
        suffix = path.suffix.lower()
        if suffix == ".csv":
            header, rows = _csv_rows(path)
        elif suffix in (".xlsx", ".xlsm"):
            from partner_desk.files.xlsx_input import xlsx_rows  # noqa: PLC0415 - openpyxl: only for a workbook

            header, rows = xlsx_rows(path, percent_columns)
        else:
            raise Refused(Refusal("unknown_format", {"file": path.name, "suffix": suffix}))
    except OSError as exc:  # a name too long, a file without read permission, a failing disk
        detail = Said(str(exc.strerror or exc))
        raise Refused(Refusal("path_unreadable", {"path": str(path), "detail": detail})) from None
    return RowSource(path, header, rows)


def semicolon_separated(source: RowSource, required: tuple[str, ...]) -> bool:
    """True for a CSV file saved with ';' between its columns (a spreadsheet set to a comma-decimal
    locale does so): a header of one cell whose parts split by ';' hold every required column."""
    if source.path.suffix.lower() != ".csv" or len(source.header) != 1 or ";" not in source.header[0]:
        return False
    parts = {part.strip() for part in source.header[0].split(";")}
    return set(required) <= parts


def check_header(source: RowSource, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Problem]:
    """The header's problems: a missing column, a column twice; a file whose columns are separated by
    ';' is told so once, instead of missing every column."""
    if semicolon_separated(source, required):
        return [Problem.of(1, "", Refusal("semicolon_columns"))]
    problems = []
    known = set(required) | set(optional)
    for name in required:
        if name not in source.header:
            problems.append(Problem.of(1, name, Refusal("missing_column")))
    seen: set[str] = set()
    for name in source.header:
        # columns beyond the format's are ignored: billing exports may carry more
        if name in known and name in seen:
            problems.append(Problem.of(1, name, Refusal("column_twice")))
        seen.add(name)
    return problems
