"""Statements of posted data in the agency's language, as a workbook or a PDF (SPEC sections 9 and 10).

The world: AG01 (EUR, Ukrainian statements) and AG02 (USD, no language of its own); rates per USD from
2026-01-01: UAH 30, EUR 0.8. January 2026, posted on 2026-02-01:
  t1, t2, t3  P1 (UAH) 10.00 UAH each -> AG01: $0.3333… each (shown 0.33), 10 * 0.8 / 30 = 0.2666… EUR
              (shown 0.27), 10% -> 0.02666… -> 0.03 EUR each; the licence turnover is 3 * 10 / 30 = $1.00
              exactly, while the shown lines add up to $0.99; the commission is 0.09 EUR
  u1          P2 (USD) 99.99 USD -> AG02: 10% -> 9.999 -> 10.00 USD
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from partner_desk.services.settings_admin import set_statement_language
from partner_desk.services.statements import export_preview, export_statement, export_statements
from partner_desk.store.engine import Database

MANAGER = Actor("mira", Role.MANAGER)
FILES = {
    "agencies": "code,name,currency,offer_accepted_at,manager,language\nAG01,Alpha,EUR,,,uk\nAG02,Beta,USD,,,\n",
    "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n"
                "P2,Clinic,USD,AG02,2025-01-01\n",
    "rates": "date,currency,per_usd\n2026-01-01,UAH,30\n2026-01-01,EUR,0.8\n",
    "payments": "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
                "t1,P1,2026-01-05T10:00,subscription,10.00,UAH,\nt2,P1,2026-01-06T10:00,subscription,10.00,UAH,\n"
                "t3,P1,2026-01-07T10:00,subscription,10.00,UAH,\nu1,P2,2026-01-08T10:00,subscription,99.99,USD,\n",
}


@pytest.fixture
def world(db: Database, tmp_path: Path) -> Database:
    for kind, text in FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(db, SETUP, kind, path)
    post_period(db, SETUP, "2026-01", date(2026, 2, 1))
    return db


def pdf_text(path: Path) -> str:
    return " ".join(re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages)


def test_the_summary_and_the_lines_show_one_licence_turnover(world: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    result = export_statement(world, MANAGER, "AG01", "2026-01", out, language="en")
    wb = load_workbook(out)
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows() if r[0].value}
    lines = [[c.value for c in r] for r in wb["Lines"].iter_rows()]
    assert [r[10] for r in lines if r[3] in ("t1", "t2", "t3")] == [0.33, 0.33, 0.33]
    (turnover,) = [r for r in lines if r[0] == "Subtotal: licence turnover"]
    # $1.00 on both sheets, not the $0.99 the rounded lines add up to
    assert summary["Licence turnover"] == turnover[10] == 1
    assert (turnover[11], turnover[13]) == (0.8, 0.09)
    assert result.commission == Decimal("0.09")
    assert result.language == "en"


def test_a_statement_is_written_in_the_agency_language_unless_another_is_asked(world: Database,
                                                                               tmp_path: Path) -> None:
    own = export_statement(world, MANAGER, "AG01", "2026-01", tmp_path / "own.xlsx")
    assert own.language == "uk"
    assert load_workbook(tmp_path / "own.xlsx").sheetnames == ["Зведення", "Рядки", "Журнал операцій"]
    asked = export_statement(world, MANAGER, "AG01", "2026-01", tmp_path / "en.xlsx", language="en")
    assert asked.language == "en"
    assert load_workbook(tmp_path / "en.xlsx").sheetnames[0] == "Summary"
    # AG02 has no language of its own: the company default, English, then Ukrainian once an admin says so
    assert export_statement(world, MANAGER, "AG02", "2026-01", tmp_path / "b.xlsx").language == "en"
    set_statement_language(world, SETUP, "uk")
    assert export_statement(world, MANAGER, "AG02", "2026-01", tmp_path / "b.xlsx").language == "uk"


def test_the_pdf_shows_every_commission_and_the_totals(world: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.pdf"
    result = export_statement(world, MANAGER, "AG01", "2026-01", out)
    assert out.read_bytes().startswith(b"%PDF")
    assert result.language == "uk"
    text = pdf_text(out)
    assert text.count(" 0,03 ") >= 3  # each line's commission, in the Ukrainian way
    assert "Проміжний підсумок: оборот ліцензій 1,00 0,80 0,09" in text
    assert "Разом 1,00 0,80 0,09" in text
    assert "Оборот ліцензій 1,00 USD" in text
    assert "Комісія, усього 0,09 EUR" in text
    assert "Сторінка 1 з 3" in text
    assert "Сторінка 3 з 3" in text


def test_a_preview_can_be_a_pdf_too(world: Database, tmp_path: Path, write_csv) -> None:
    import_file(world, SETUP, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
        "f1,P2,2026-02-03T10:00,subscription,50.00,USD,\n"))
    out = tmp_path / "AG02-feb.pdf"
    # 50.00 USD at 10% -> 5.00 USD
    result = export_preview(world, MANAGER, "AG02", "2026-02", out, as_of=date(2026, 2, 20), language="en")
    assert result.preview
    assert result.commission == Decimal("5.00")
    text = pdf_text(out)
    assert "Preview — not posted" in text
    assert " 5.00 " in text
    assert "Commission for February 2026 (preview: not posted)" in text


def test_bulk_pdfs_each_in_its_agency_language(world: Database, tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    result = export_statements(world, MANAGER, "2026-01", folder, fmt="pdf")
    assert sorted(p.name for p in folder.iterdir()) == ["AG01_2026-01.pdf", "AG02_2026-01.pdf"]
    assert {r.agency: r.language for r in result.written} == {"AG01": "uk", "AG02": "en"}
    assert "Виписка партнера" in pdf_text(folder / "AG01_2026-01.pdf")
    ag02 = pdf_text(folder / "AG02_2026-01.pdf")
    assert "Partner statement" in ag02
    assert "Total 99.99 99.99 10.00" in ag02
    # one language for all when asked
    again = export_statements(world, MANAGER, "2026-01", tmp_path / "en", language="en")
    assert {r.language for r in again.written} == {"en"}


@pytest.mark.parametrize(("call", "message"), [
    (lambda db, out: export_statement(db, MANAGER, "AG01", "2026-01", out / "x.docx"),
     "a statement is an Excel workbook or a PDF: give a name ending in .xlsx or .pdf"),
    (lambda db, out: export_statement(db, MANAGER, "AG01", "2026-01", out / "x.pdf", language="de"),
     "'de' is not a statement language: use uk or en"),
    (lambda db, out: export_statements(db, MANAGER, "2026-01", out / "dir", fmt="docx"),
     "'docx' is not a statement format: use xlsx or pdf"),
])
def test_a_bad_format_or_language_is_refused_and_nothing_written(world: Database, tmp_path: Path, call,
                                                                 message: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError) as caught:
        call(world, out)
    assert message in str(caught.value)
    assert list(out.iterdir()) == []
