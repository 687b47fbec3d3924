"""An XLSX file is read exactly as it shows, or refused with the place of what cannot be read
(SPEC section 9): every row whatever the file declares, formulas and misplaced percents refused,
a damaged file refused as a whole."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import select

from partner_desk import i18n
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import SETUP
from partner_desk.files.table import FileRejected, open_table
from partner_desk.files.xlsx_input import is_percent_format
from partner_desk.refusal_text import english, shown
from partner_desk.services.imports import import_file
from partner_desk.store.engine import Database
from partner_desk.store.models import Payment
from tests.files.xlsx_craft import SHEET, STRINGS, replace_cell, rewrite, set_dimension, sheet_xml, workbook

PAY = ["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"]


def ten_payments(path: Path) -> Path:
    rows = [PAY] + [[f"pay-{n}", "P1", f"2026-01-{n:02d}T10:00", "subscription", 100 + n, "USD", None]
                    for n in range(1, 11)]
    return workbook(path, rows)


def data_rows(path: Path, percent: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    return list(open_table(path, percent_columns=percent))


def problems_of(path: Path) -> dict[int, dict[str, str]]:
    """The cells of each row that cannot be read as they are (an import reports them with their place)."""
    return {n: {column: english(p) if isinstance(p, Refusal) else p for column, p in cells.problems.items()}
            for n, cells in open_table(path) if cells.problems}


def refusal(path: Path, percent: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        data_rows(path, percent)
    return str(caught.value).splitlines()


@pytest.fixture
def connected(db: Database, write_csv) -> None:
    import_file(db, SETUP, "agencies", write_csv("code,name,currency\nAG01,Alpha,USD"))
    import_file(db, SETUP, "projects", write_csv("project_id,name,currency,agency_code,connected_at\n"
                                                 "P1,Shop,USD,AG01,2025-01-01"))


def payment_ids(db: Database) -> list[str]:
    with db.read() as session:
        return sorted(session.scalars(select(Payment.payment_id)), key=lambda p: int(p.split("-")[1]))


def test_rows_beyond_an_understated_dimension_are_read(db, connected, tmp_path: Path) -> None:
    path = set_dimension(ten_payments(tmp_path / "pay.xlsx"), "A1:G3")
    assert '<dimension ref="A1:G3"/>' in sheet_xml(path)
    assert [n for n, _ in data_rows(path)] == list(range(2, 12))
    summary = import_file(db, SETUP, "payments", path)
    assert (summary.rows, summary.added) == (10, 10)
    assert payment_ids(db) == [f"pay-{n}" for n in range(1, 11)]


def test_columns_beyond_an_understated_dimension_are_read(tmp_path: Path) -> None:
    path = set_dimension(ten_payments(tmp_path / "pay.xlsx"), "A1:B11")
    rows = data_rows(path)
    assert rows[0] == (2, {"payment_id": "pay-1", "project_id": "P1", "paid_at": "2026-01-01T10:00",
                           "service": "subscription", "amount": "101", "currency": "USD", "refund_of": ""})


def test_a_sheet_without_a_dimension_is_read_whole(tmp_path: Path) -> None:
    path = set_dimension(ten_payments(tmp_path / "pay.xlsx"), None)
    assert "<dimension" not in sheet_xml(path)
    assert len(data_rows(path)) == 10


def test_cells_written_out_of_column_order_are_all_read(tmp_path: Path) -> None:
    path = ten_payments(tmp_path / "pay.xlsx")
    # row 2 written with its currency cell first: a reader that sizes the row by its last cell loses F2's friends
    rewrite(path, SHEET, lambda xml: xml.replace(
        '<row r="2">', '<row r="2"><c r="F2" t="inlineStr"><is><t>USD</t></is></c>', 1).replace(
        '<c r="F2" t="inlineStr"><is><t>USD</t></is></c></row>', "</row>", 1))
    assert data_rows(path)[0][1]["amount"] == "101"
    assert data_rows(path)[0][1]["currency"] == "USD"


def test_rows_out_of_order_are_refused_not_dropped(tmp_path: Path) -> None:
    path = ten_payments(tmp_path / "pay.xlsx")
    rewrite(path, SHEET, lambda xml: xml.replace('<row r="3">', '<row r="1">', 1).replace('r="A3"', 'r="A1"'))
    assert refusal(path)[1:] == ["row 1: the sheet lists this row twice or out of order: "
                                 "not a readable XLSX file"]


def test_a_formula_is_refused_with_its_place(db, connected, tmp_path: Path) -> None:
    path = workbook(tmp_path / "pay.xlsx", [PAY, ["pay-1", "P1", "2026-01-05T10:00", "subscription", "=10+2.5",
                                                  "USD", None]])
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "payments", path)
    assert str(caught.value).splitlines()[1:] == ["row 2: amount: a formula: paste values"]
    assert payment_ids(db) == []


def test_a_formula_with_a_stale_cached_value_is_refused_not_read_as_the_cache(db, connected,
                                                                                tmp_path: Path) -> None:
    # XlsxWriter stores 0 as a formula's value until a spreadsheet recalculates it
    path = tmp_path / "pay.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PAY)
    sheet.write_row(1, 0, ["pay-1", "P1", "2026-01-05T10:00", "subscription"])
    sheet.write_formula(1, 4, "=10+2.5")
    sheet.write_string(1, 5, "USD")
    book.close()
    assert "<f>10+2.5</f><v>0</v>" in sheet_xml(path)
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "payments", path)
    assert str(caught.value).splitlines()[1:] == ["row 2: amount: a formula: paste values"]
    assert payment_ids(db) == []


def test_a_percent_formatted_amount_is_refused(db, connected, tmp_path: Path) -> None:
    # 0.125 shows as 12.5 %: neither 0.125 USD nor 12.50 USD is what the person meant to bill
    path = workbook(tmp_path / "pay.xlsx", [PAY, ["pay-1", "P1", "2026-01-05T10:00", "subscription", 0.125,
                                                  "USD", None]], formats={(2, 5): "0.0%"})
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "payments", path)
    assert str(caught.value).splitlines()[1:] == [
        "row 2: amount: a percent-formatted cell (12.5%): a percent is only read in a percent column"]
    reason = caught.value.problems[0].reason
    assert reason is not None
    i18n.setup("uk_UA")
    try:  # the window lists it in its own language
        assert shown(reason) == ("клітинка у форматі відсотків (12.5%): відсотки читаються лише в стовпці "
                                 "відсотків")
    finally:
        i18n.setup("en_US")
    assert payment_ids(db) == []


def test_a_percent_formatted_percent_is_the_percent_it_shows(tmp_path: Path) -> None:
    path = workbook(tmp_path / "tiers.xlsx", [["effective_from", "min_turnover_usd", "percent"],
                                              ["2027-01", 0, 0.125]], formats={(2, 3): "0.0%"})
    assert data_rows(path, percent=("percent",))[0][1]["percent"] == "12.5"


@pytest.mark.parametrize(("number_format", "percent"), [
    ("0%", True), ("0.0%", True), ("#,##0.00%", True), ("[Red]0.0%;[Blue]-0.0%", True), ("0.00%_);(0.00%)", True),
    ("General", False), ("0.00", False), ('0.00"%"', False), ("0.00\\%", False), ('"%"0', False), ("@", False),
])
def test_what_counts_as_a_percent_format(number_format: str, percent: bool) -> None:
    # a quoted or escaped % is printed as it is; only a bare % multiplies the value by 100
    assert is_percent_format(number_format) is percent


def test_a_number_reads_as_the_15_significant_digits_a_spreadsheet_shows(tmp_path: Path) -> None:
    # 0.1 + 0.2 computed in a spreadsheet is stored as 0.30000000000000004 and shown as 0.3
    path = replace_cell(ten_payments(tmp_path / "pay.xlsx"), "E2", '<c r="E2"><v>0.30000000000000004</v></c>')
    assert data_rows(path)[0][1]["amount"] == "0.3"
    # a whole number of 16 digits is kept as it is written
    replace_cell(path, "E3", '<c r="E3"><v>1234567890123456</v></c>')
    assert data_rows(path)[1][1]["amount"] == "1234567890123456"


def test_an_error_value_is_refused_with_its_place(tmp_path: Path) -> None:
    path = replace_cell(ten_payments(tmp_path / "pay.xlsx"), "E2", '<c r="E2" t="e"><v>#N/A</v></c>')
    assert problems_of(path) == {2: {"amount": "an error value (#N/A)"}}


def test_a_cell_listed_twice_is_refused_with_its_place(tmp_path: Path) -> None:
    path = replace_cell(ten_payments(tmp_path / "pay.xlsx"), "E2",
                        '<c r="E2" t="n"><v>101</v></c><c r="E2" t="n"><v>999</v></c>')
    assert problems_of(path) == {2: {"amount": "the sheet lists this cell twice"}}


def _shared_strings_book(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PAY)
    sheet.write_row(1, 0, ["pay-1", "P1", "2026-01-05T10:00", "subscription", 100, "USD"])
    book.close()
    return path


@pytest.mark.parametrize(("damage", "part"), [
    (lambda xml: xml.replace("<sheetData>", "<sheetData><row", 1), SHEET),  # broken XML
    (lambda xml: xml[: len(xml) // 2], SHEET),  # a truncated sheet
    (lambda xml: xml.replace('<c r="A2" t="s"><v>7</v>', '<c r="A2" t="s"><v>999</v>', 1), SHEET),
    (lambda xml: xml.replace('<c r="A2" t="s"><v>7</v>', '<c r="A2" t="s"><v>-1</v>', 1), SHEET),
    (lambda xml: xml.replace("<v>100</v>", "<v>abc</v>", 1), SHEET),  # a number that is not one
    (lambda xml: xml.replace("<si>", "<si><bad", 1), STRINGS),
])
def test_a_damaged_workbook_is_refused_as_unreadable(tmp_path: Path, damage, part: str) -> None:
    path = _shared_strings_book(tmp_path / "pay.xlsx")
    assert '<c r="A2" t="s"><v>7</v>' in sheet_xml(path)  # "pay-1" is the 8th shared string
    rewrite(path, part, damage)
    lines = refusal(path)
    assert len(lines) == 2
    assert "pay.xlsx is not a readable XLSX file" in lines[1]


def test_a_damaged_zip_is_refused_as_unreadable(tmp_path: Path) -> None:
    path = ten_payments(tmp_path / "pay.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    assert "pay.xlsx is not a readable XLSX file" in refusal(path)[1]


def test_a_workbook_with_its_values_intact_is_read_as_before(tmp_path: Path) -> None:
    path = _shared_strings_book(tmp_path / "pay.xlsx")
    assert data_rows(path) == [(2, {"payment_id": "pay-1", "project_id": "P1", "paid_at": "2026-01-05T10:00",
                                    "service": "subscription", "amount": "100", "currency": "USD",
                                    "refund_of": ""})]
    assert Decimal(data_rows(path)[0][1]["amount"]) == 100
