"""The workbook statement as a reader and a printer see it: its language, its totals rule, and each
sheet's page setup read back with openpyxl (statement_data.py has the figures)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from partner_desk import i18n
from partner_desk.files.statement import write_statement
from partner_desk.files.statement_model import Statement
from tests.files.statement_data import LONG_BENEFITS, line, six_lines, thirds


def written(tmp_path: Path, statement: Statement, language: str = "en", name: str = "s.xlsx") -> Workbook:
    path = tmp_path / name
    write_statement(statement, path, language)
    return load_workbook(path)


def values(sheet: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def labelled(sheet: Any, label: str) -> list[Any]:
    (row,) = [r for r in values(sheet) if r[0] == label]
    return row


def test_totals_are_exact_sums_rounded_once_and_agree_with_the_summary(tmp_path: Path) -> None:
    statement = thirds()
    totals = write_statement(statement, tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    lines = values(wb["Lines"])
    assert [r[10] for r in lines[2:5]] == [0.33, 0.33, 0.33]  # each $10 / 30, rounded for display
    subtotal = labelled(wb["Lines"], "Subtotal: licence turnover")
    # the shown lines add up to $0.99 and 0.81 EUR; the exact sums are 3 * 10 / 30 = $1.00 and
    # 3 * 10 * 0.8 / 30 = 0.80 EUR: the subtotal says so, and so does the Summary's licence turnover
    assert (subtotal[10], subtotal[11], subtotal[13]) == (1, 0.8, 0.09)
    summary = {r[0]: r[1] for r in values(wb["Summary"]) if r[0]}
    assert summary["Licence turnover"] == subtotal[10] == 1
    # commissions are rounded once per line: 3 * 0.03 = 0.09, the posted total
    total = labelled(wb["Lines"], "Total")
    assert (total[10], total[11], total[13]) == (1, 0.8, 0.09)
    assert (totals.turnover_usd, totals.usd_amount, totals.partner_amount, totals.commission) == (
        Decimal("1.00"), Decimal("1.00"), Decimal("0.80"), Decimal("0.09"))
    assert lines[-2][0].startswith("USD and partner amounts are rounded on each line for display")


def test_late_lines_and_refunds_stand_apart_with_their_own_subtotals(tmp_path: Path) -> None:
    wb = written(tmp_path, six_lines())
    table = values(wb["Lines"])
    assert [r[3] for r in table if r[3] and r[3] != "Payment ID"] == ["p1", "p2", "p3", "p4", "r1", "l1"]
    # $100 + $312.50 + $250 + $150 = $812.50, the licence turnover; 60 + 187.50 + 150 + 90 = 487.50 PLN
    payments = labelled(wb["Lines"], "Subtotal: licence turnover")
    assert (payments[10], payments[11], payments[13]) == (812.5, 3250, 487.5)
    refunds = labelled(wb["Lines"], "Subtotal: refunds")
    assert (refunds[10], refunds[11], refunds[13]) == (-50, -200, -30)
    late = labelled(wb["Lines"], "Subtotal: late lines")
    assert (late[10], late[11], late[13]) == (100, 400, 40)
    # 487.50 - 30.00 + 40.00 = 497.50 PLN, the accrual; $812.50 - $50 + $100 = $862.50
    total = labelled(wb["Lines"], "Total")
    assert (total[10], total[11], total[13]) == (862.5, 3450, 497.5)
    assert [r[14] for r in table if r[3] in ("p4", "r1", "l1")] == ["no", "no", "yes"]


def test_lines_must_come_group_by_group(tmp_path: Path) -> None:
    late_first = Statement(thirds().summary, [line("l1", 2, "1.00", "PLN", "4", None, "0.25", "1.00", "10", "0.10",
                                                  late=True), *thirds().lines], thirds().ledger)
    with pytest.raises(ValueError, match="t1 comes after the lines of a later group"):
        write_statement(late_first, tmp_path / "x.xlsx")


def test_the_ukrainian_statement_has_ukrainian_words_and_the_same_numbers(tmp_path: Path) -> None:
    en = written(tmp_path, six_lines(), "en", "en.xlsx")
    uk = written(tmp_path, six_lines(), "uk", "uk.xlsx")
    assert uk.sheetnames == ["Зведення", "Рядки", "Журнал операцій"]
    summary = {r[0]: r[1] for r in values(uk["Зведення"]) if r[0]}
    assert summary["Агентство"] == "Brightline & Partners Digital Agency"
    assert summary["Оборот ліцензій"] == 812.5
    assert summary["Досягнуті привілеї"] == "Спільний кейс у блозі компанії та в онлайн-медіа"
    lines = values(uk["Рядки"])
    assert lines[0][:5] == ["Дата платежу", "ID проєкту", "Проєкт", "ID платежу", "Послуга"]
    assert lines[0][13] == "Комісія, PLN"
    assert lines[1][0] == "Платежі періоду: з них складається оборот ліцензій"
    assert lines[2][4] == "Підписка"
    assert lines[2][14] == "ні"
    late = next(r for r in lines if r[3] == "l1")
    assert late[14] == "так"
    ledger = values(uk["Журнал операцій"])
    assert [r[1] for r in ledger[1:]] == ["Баланс на початок", "Оплата проєкту", "Резерв на виведення",
                                          "Нарахування", "Сторно за поверненням", "Баланс на кінець"]
    assert ledger[4][2] == "Комісійна винагорода за травень 2026"
    assert ledger[3][2] == "Резерв за заявкою на виведення № 7"
    # every figure, date and its format is the same in both languages; dates read the Ukrainian way
    for english, ukrainian in zip(en.worksheets, uk.worksheets, strict=True):
        for row_en, row_uk in zip(english.iter_rows(), ukrainian.iter_rows(), strict=True):
            for a, b in zip(row_en, row_uk, strict=True):
                if isinstance(a.value, int | float) and not isinstance(a.value, bool):
                    assert (b.value, b.number_format) == (a.value, a.number_format), (english.title, a.coordinate)
                elif getattr(a, "is_date", False):
                    assert b.value == a.value
                    assert b.is_date
                    assert b.number_format.startswith("dd.mm.yyyy")
                    assert a.number_format.startswith("yyyy-mm-dd")
    # the Ukrainian catalog is not the window's: an English window writes a Ukrainian statement

    assert i18n._("Summary") == "Summary"


@pytest.mark.parametrize("language", ["en", "uk"])
def test_each_sheet_prints_on_a4_one_page_wide_with_headings_and_page_numbers(tmp_path: Path,
                                                                               language: str) -> None:
    wb = written(tmp_path, six_lines(preview=True), language)
    summary, lines, ledger = wb.worksheets
    assert summary.page_setup.orientation == "portrait"
    assert lines.page_setup.orientation == ledger.page_setup.orientation == "landscape"
    for sheet in wb.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # the agency and period in the header ('&' doubled: a single one starts a code), the page in the footer
        assert sheet.oddHeader.left.text == "AG07 — Brightline && Partners Digital Agency"
        assert sheet.oddHeader.right.text == "2026-05 · &A"  # the period and the sheet's name
        assert sheet.oddFooter.center.text == (
            "Preview — not posted" if language == "en" else "Попередній розрахунок — не проведено")
        assert "&P" in sheet.oddFooter.right.text
        assert "&N" in sheet.oddFooter.right.text
    # the preview mark and the headings repeat on every page of the Lines and the Ledger
    assert lines.print_title_rows == ledger.print_title_rows == "$1:$2"
    if language == "en":
        assert lines.oddFooter.right.text == "Page &P of &N"
        assert summary.oddFooter.left.text == "Produced on 2026-06-02"
    else:
        assert lines.oddFooter.right.text == "Сторінка &P з &N"
        assert summary.oddFooter.left.text == "Дата формування: 02.06.2026"


@pytest.mark.parametrize("language", ["en", "uk"])
def test_no_heading_word_is_wider_than_its_column_and_long_texts_wrap(tmp_path: Path, language: str) -> None:
    wb = written(tmp_path, six_lines(), language)
    for sheet in wb.worksheets[1:]:
        for index, heading in enumerate(values(sheet)[0], 1):
            width = sheet.column_dimensions[get_column_letter(index)].width
            assert max(len(word) for word in heading.split()) + 2 <= width, (sheet.title, heading, width)
            cell = sheet.cell(1, index)
            assert cell.alignment.wrap_text
            assert cell.font.b
        assert sheet.row_dimensions[1].height >= 30  # two lines at least: the headings wrap
    summary = wb.worksheets[0]
    rows = list(summary.iter_rows())
    first = next(i for i, row in enumerate(rows) if row[0].value in ("Benefits reached", "Досягнуті привілеї"))
    benefits = [rows[first]]
    while rows[first + len(benefits)][0].value is None and rows[first + len(benefits)][1].value:
        benefits.append(rows[first + len(benefits)])
    assert len(benefits) == len(LONG_BENEFITS)
    for row in benefits:
        assert row[1].alignment.wrap_text
        assert f"B{row[1].row}:D{row[1].row}" in {str(r) for r in summary.merged_cells.ranges}
    # every label fits its column or wraps in a row grown for it
    label_width = summary.column_dimensions["A"].width
    for row in summary.iter_rows():
        label = row[0].value
        if isinstance(label, str) and row[0].font.b and len(label) > label_width:
            assert row[0].alignment.wrap_text
            assert summary.row_dimensions[row[0].row].height >= 30
    # a long project name wraps and its row is made taller
    lines = wb.worksheets[1]
    (long_name,) = [row for row in lines.iter_rows() if row[3].value == "p4"]
    assert long_name[2].alignment.wrap_text
    assert lines.row_dimensions[long_name[2].row].height >= 30
