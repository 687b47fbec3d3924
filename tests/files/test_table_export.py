"""A table written to XLSX keeps real cells (numbers in their currency's format, percents, dates);
to CSV the same values plainly; a text a spreadsheet would run as a formula stays text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from partner_desk.files.table_export import Money, Percent, Rate, Sheet, sheet_name, write_table

ROWS = [
    ["AG01", Money(Decimal("1234.505"), "USD"), Money(Decimal("4615274"), "JPY"), Percent(Decimal("12.5")),
     Rate(Decimal("41.5")), date(2025, 3, 31), datetime(2025, 3, 31, 23, 30), 7, "=1+1"],
    ["AG02", Money(Decimal("779.0005"), "KWD"), None, Percent(Decimal("15")), Rate(Decimal("0.000123")),
     None, None, 0, "Київ"],
]
HEADERS = ["Code", "Amount", "Yen", "Percent", "Rate", "Day", "Moment", "Lines", "Note"]


def test_xlsx_cells_keep_their_types_and_formats(tmp_path: Path) -> None:
    path = write_table(tmp_path / "table.xlsx", [Sheet("Agencies", HEADERS, ROWS, mark="Preview — not posted")])
    sheet = load_workbook(path)["Agencies"]
    assert sheet["A1"].value == "Preview — not posted"
    assert [c.value for c in sheet[2]] == HEADERS
    amount, yen, pct, rate, day, when, lines, note = (sheet.cell(3, i) for i in range(2, 10))
    # 1,234.505 USD rounds half-up once to 1,234.51; a number cell in USD's format
    assert (amount.value, amount.number_format) == (1234.51, "#,##0.00")
    assert (yen.value, yen.number_format) == (4615274, "#,##0")
    assert (pct.value, pct.number_format) == (0.125, "0.0%")
    assert rate.value == 41.5
    assert day.value == datetime(2025, 3, 31)
    assert day.is_date
    assert when.value == datetime(2025, 3, 31, 23, 30)
    assert when.number_format == "yyyy-mm-dd hh:mm"
    assert lines.value == 7
    assert note.value == "=1+1"
    assert note.data_type == "s"
    # 779.0005 KWD -> 779.001 (three decimals, half-up)
    assert (sheet["B4"].value, sheet["B4"].number_format) == (779.001, "#,##0.000")
    assert sheet["C4"].value is None
    assert sheet["I4"].value == "Київ"


def test_csv_writes_plain_values(tmp_path: Path) -> None:
    path = write_table(tmp_path / "table.csv", [Sheet("Agencies", HEADERS, ROWS)])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read it as UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == [
        "Code,Amount,Yen,Percent,Rate,Day,Moment,Lines,Note",
        "AG01,1234.51,4615274,12.5,41.5,2025-03-31,2025-03-31 23:30,7,'=1+1",
        "AG02,779.001,,15,0.000123,,,0,Київ",
    ]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"a table is written as \.xlsx or \.csv"):
        write_table(tmp_path / "table.txt", [Sheet("x", ["a"], [["b"]])])
    with pytest.raises(FileNotFoundError):
        write_table(tmp_path / "missing" / "table.xlsx", [Sheet("x", ["a"], [["b"]])])
    assert list(tmp_path.iterdir()) == []


def test_sheet_names_are_what_a_workbook_accepts() -> None:
    assert sheet_name("Lines: 2025/03 [preview]") == "Lines  2025 03  preview"
    assert sheet_name("A" * 40) == "A" * 31
    assert sheet_name("Lines", ["Lines"]) == "Lines (2)"
