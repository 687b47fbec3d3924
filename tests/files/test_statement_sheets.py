"""The Summary and the Ledger are each one list of rows (statement_text.summary_rows, ledger_lines) that
the workbook and the PDF both lay out: the same labels and figures in the same order, whichever the
format."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from partner_desk.files.figures import Money, Percent
from partner_desk.files.statement import write_statement
from partner_desk.files.statement_pdf import write_statement_pdf
from partner_desk.files.statement_text import Benefits, Words, ledger_lines, summary_rows
from tests.files.statement_data import D, six_lines, thirds


def test_a_period_without_an_accrual_says_so_and_has_no_percent() -> None:
    s = replace(thirds().summary, turnover_usd=None, percent=None)
    rows = {r.label: r.value for r in summary_rows(s) if r is not None}
    assert rows["Licence turnover"] == Words("no accrual in this period")
    assert rows["Percent"] is None
    # thirds: no manager, no reward level, no benefits
    assert rows["Manager"] == ""
    assert rows["Reward level reached"] == Words("none")
    assert rows["Benefits reached"] == Benefits(())


def test_the_figures_the_statement_is_about_are_strong() -> None:
    shown = [r for r in summary_rows(six_lines().summary) if r is not None]
    rows = {r.label: r.value for r in shown}
    # six_lines: payments of $100.00 + $312.50 + $250.00 + $150.00 = $812.50 of turnover, at 15 %
    assert rows["Licence turnover"] == Money(D("812.50"), "USD")
    assert rows["Percent"] == Percent(D("15"))
    assert rows["Commission total"] == Money(D("497.50"), "PLN")
    assert rows["Closing balance"] == Money(D("1397.50"), "PLN")
    assert [r.label for r in shown if r.strong] == ["Commission total", "Closing balance"]


def test_the_workbook_and_the_pdf_show_the_same_summary_labels_in_order(tmp_path: Path) -> None:
    statement = six_lines()
    labels = [r.label for r in summary_rows(statement.summary) if r is not None]
    assert len(labels) == 20
    write_statement(six_lines(), tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx")["Summary"]
    in_workbook = [row[0].value for row in sheet.iter_rows(min_row=3) if row[0].value]
    assert in_workbook == labels
    write_statement_pdf(six_lines(), tmp_path / "s.pdf")
    # the PDF's text with its ligatures ("ﬁ") as letters and its words one space apart
    page = " ".join(unicodedata.normalize("NFKC", PdfReader(str(tmp_path / "s.pdf")).pages[0].extract_text()).split())
    at = page.index("Partner statement")  # after the page's header band
    for label in labels:
        at = page.index(label, at) + len(label)  # each label after the one before it


def test_the_ledger_runs_from_the_opening_to_the_closing_position() -> None:
    statement = six_lines()
    lines = ledger_lines(statement.summary, statement.ledger)
    shown = [(line.day, line.label, line.entry.kind if line.entry else None, line.balance, line.held)
             for line in lines]
    assert shown == [
        (date(2026, 5, 1), "Opening balance", None, D("1000.00"), D("0.00")),
        (date(2026, 5, 12), "", "project_payment", D("900.00"), D("0.00")),  # 1000.00 - 100.00
        (date(2026, 5, 20), "", "withdrawal_hold", D("900.00"), D("500.00")),  # 500.00 held, still in the balance
        (date(2026, 5, 31), "", "accrual", D("1427.50"), D("500.00")),  # 900.00 + 527.50
        (date(2026, 5, 31), "", "refund_reversal", D("1397.50"), D("500.00")),  # 1427.50 - 30.00
        (date(2026, 5, 31), "Closing balance", None, D("1397.50"), D("500.00")),
    ]
