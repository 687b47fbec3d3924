"""The PDF statement (Qt's own PDF writer), read back with pypdf: every line's commission and the totals,
in English and Ukrainian, page numbers, the heading row repeated on every page of a long table."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from partner_desk.files.statement import write_statement
from partner_desk.files.statement_model import Statement
from partner_desk.files.statement_pdf import write_statement_pdf
from tests.files.statement_data import line, six_lines


def pages(path: Path) -> list[str]:
    """Each page's text, with runs of white space (tabs, non-breaking spaces) made one space."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages]


def test_every_commission_and_total_of_the_english_statement(tmp_path: Path) -> None:
    path = tmp_path / "s.pdf"
    totals = write_statement_pdf(six_lines(), path, "en")
    summary, lines, ledger = pages(path)  # one page each
    for commission in ("60.00", "187.50", "150.00", "90.00", "-30.00", "40.00"):
        assert f" {commission} " in f" {lines} "
    # subtotals: payments 487.50 (turnover $812.50), refunds -30.00, late 40.00; total 497.50 PLN, $862.50
    assert "Subtotal: licence turnover 812.50 3,250.00 487.50" in lines
    assert "Subtotal: refunds -50.00 -200.00 -30.00" in lines
    assert "Subtotal: late lines 100.00 400.00 40.00" in lines
    assert "Total 862.50 3,450.00 497.50" in lines
    assert "Licence turnover 812.50 USD" in summary
    assert "Commission total 497.50 PLN" in summary
    assert "Joint case study on the company blog and in online media" in summary
    assert "Closing balance 1,397.50 PLN" in summary
    assert "Commission for May 2026" in ledger
    assert "Held for withdrawal request no. 7" in ledger
    for number, text in enumerate((summary, lines, ledger), 1):
        assert f"Page {number} of 3" in text
        assert "AG07 — Brightline & Partners Digital Agency" in text
    # the same totals as the workbook's
    assert totals == write_statement(six_lines(), tmp_path / "s.xlsx", "en")
    assert totals.commission == Decimal("497.50")
    assert totals.turnover_usd == Decimal("812.50")


def test_the_ukrainian_statement_writes_figures_the_ukrainian_way(tmp_path: Path) -> None:
    path = tmp_path / "s.pdf"
    write_statement_pdf(six_lines(preview=True), path, "uk")
    summary, lines, ledger = pages(path)
    for commission in ("60,00", "187,50", "150,00", "90,00", "-30,00", "40,00"):
        assert f" {commission} " in f" {lines} "
    assert "Проміжний підсумок: оборот ліцензій 812,50 3 250,00 487,50" in lines
    assert "Разом 862,50 3 450,00 497,50" in lines
    assert "Підписка" in lines
    assert "Запізнілі платежі" in lines
    assert "Виписка партнера" in summary
    assert "Оборот ліцензій 812,50 USD" in summary
    assert "Спільний кейс у блозі компанії та в онлайн-медіа" in summary
    assert "Сторінка 1 з 3" in summary
    assert "Сторінка 3 з 3" in ledger
    assert "Комісійна винагорода за травень 2026 (попередній розрахунок: не проведено)" in ledger
    for text in (summary, lines, ledger):
        assert "Попередній розрахунок — не проведено" in text


def test_a_long_table_repeats_its_headings_on_every_page(tmp_path: Path) -> None:
    base = six_lines()
    many = [line(f"m{i:03d}", 1 + i % 28, "100.00", "PLN", "4", None, "25.00", "100.00", "15", "15.00")
            for i in range(150)]
    # 150 payments of 100.00 PLN at 15%: 150 * 15.00 = 2,250.00 PLN
    summary = replace(base.summary, line_count=150, late_count=0, commission_total=Decimal("2250.00"),
                      closing=base.summary.opening)
    path = tmp_path / "long.pdf"
    totals = write_statement_pdf(Statement(summary, many, []), path, "en")
    assert totals.commission == Decimal("2250.00")
    assert totals.count == 150
    texts = pages(path)
    reader = PdfReader(path)
    line_pages = [i for i, text in enumerate(texts) if "Lines" in text.split(" Page ")[0][:120]]
    assert len(line_pages) >= 3
    for i in line_pages:
        assert "Payment date" in texts[i]
        assert "Commission, PLN" in texts[i]
        box = reader.pages[i].mediabox
        assert box.width > box.height  # the Lines are printed across the page
    first = reader.pages[0].mediabox
    assert first.width < first.height  # the Summary upright
    found = [f"m{i:03d}" for i in range(150) if any(f" m{i:03d} " in t for t in texts)]
    assert len(found) == 150
    total_pages = len(texts)
    assert all(f"of {total_pages}" in t for t in texts)


def test_an_unwritable_place_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"s\.pdf"):
        write_statement_pdf(six_lines(), tmp_path / "missing" / "s.pdf", "en")
