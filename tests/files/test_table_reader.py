"""Reading CSV and XLSX input as rows of text, numbered as a spreadsheet numbers them (SPEC section 9)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from partner_desk.domain.errors import UserError
from partner_desk.files.table import FileRejected, Problem, check_header, open_table


def rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    return list(open_table(path))


def test_csv_rows_are_numbered_from_2_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Code , NAME,currency\nAG01, Alpha ,EUR\n,,\n\nAG02,Beta\n", encoding="utf-8")
    source = open_table(path)
    assert source.header == ["code", "name", "currency"]  # trimmed and lower-cased
    assert list(source) == [
        (2, {"code": "AG01", "name": "Alpha", "currency": "EUR"}),
        (5, {"code": "AG02", "name": "Beta", "currency": ""}),  # a short row is padded
    ]


def test_csv_with_a_byte_order_mark_and_quoted_commas(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes('\ufeffcode,name\nAG01,"Alpha, Kyiv"\n'.encode())
    assert rows(path) == [(2, {"code": "AG01", "name": "Alpha, Kyiv"})]


def test_csv_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("code,name\nAG01,Київ\n".encode("cp1251"))
    with pytest.raises(FileRejected, match=r"a\.csv is not UTF-8 text"):
        rows(path)


def test_empty_file_needs_a_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        open_table(path)
    assert str(caught.value).splitlines() == [
        "a.csv refused: 1 problem, nothing was written",
        "row 1: the file is empty: a header row is needed",
    ]


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("code\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"a.txt: unknown format '.txt' \(use .csv or .xlsx\)"):
        open_table(path)
    with pytest.raises(UserError, match="no such file"):
        open_table(tmp_path / "absent.csv")


def test_header_check_names_missing_and_repeated_columns_and_ignores_extra_ones(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("code,code,extra\n", encoding="utf-8")
    problems = check_header(open_table(path), ("code", "name"), ("manager",))
    assert problems == [Problem(1, "name", "missing column"), Problem(1, "code", "column listed twice")]


def test_xlsx_cells_come_back_as_the_text_a_person_typed(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Amount", "Count", "When", "Flag", None])
    sheet.append([date(2026, 1, 5), 0.1, 3, datetime(2026, 1, 5, 10, 30), True])
    sheet.append([None, None, None, None, None])
    sheet.append(["2026-01-06", 1234567.89, -2, "2026-01-06T10:00", "no"])
    other = book.create_sheet("second")  # only the first sheet is read
    other.append(["ignored"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    source = open_table(path)
    assert source.header == ["date", "amount", "count", "when", "flag"]
    assert list(source) == [
        (2, {"date": "2026-01-05T00:00:00", "amount": "0.1", "count": "3", "when": "2026-01-05T10:30:00",
             "flag": "true"}),
        (4, {"date": "2026-01-06", "amount": "1234567.89", "count": "-2", "when": "2026-01-06T10:00",
             "flag": "no"}),
    ]


def test_a_damaged_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(FileRejected, match=r"a\.xlsx is not a readable XLSX file"):
        open_table(path)


def test_problems_are_sorted_by_row_then_column_and_counted() -> None:
    error = FileRejected([Problem(3, "b", "x"), Problem(2, "z", "y"), Problem(3, "a", "w")], "f.csv")
    assert str(error).splitlines() == [
        "f.csv refused: 3 problems, nothing was written",
        "row 2: z: y",
        "row 3: a: w",
        "row 3: b: x",
    ]
    assert str(FileRejected([Problem(0, "", "whole file")])).splitlines()[1] == "whole file"
