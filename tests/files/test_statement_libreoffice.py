"""A real spreadsheet program prints the workbook statement: LibreOffice converts a six-line statement to
PDF, and each sheet fits one page with nothing cut off (slow: `make test-deep`, which installs LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from partner_desk.files.statement import write_statement
from tests.files.statement_data import six_lines

pytestmark = pytest.mark.slow

SHEETS = {"en": ("Summary", "Lines", "Ledger"), "uk": ("Зведення", "Рядки", "Журнал операцій")}
BENEFITS = {
    "en": ("Joint case study on the company blog and in online media", "Participation in the company's events "
           "and trainings"),
    "uk": ("Спільний кейс у блозі компанії та в онлайн-медіа", "Участь у заходах і тренінгах компанії"),
}
NOTES = {
    "en": "USD and partner amounts are rounded on each line for display; their totals are the exact sums, "
          "rounded once.",
    "uk": "Суми в USD і у валюті партнера округлено в кожному рядку лише для показу; підсумки — це точні суми, "
          "округлені один раз.",
}


def printed(xlsx: Path, folder: Path) -> list[str]:
    """Convert with LibreOffice (a profile of its own, so parallel runs do not collide); each page's text."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: make test-deep installs libreoffice-calc-nogui"
    profile = (folder / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=240)
    pdf = folder / (xlsx.stem + ".pdf")
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(pdf).pages]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_each_sheet_of_a_six_line_statement_prints_on_one_page(tmp_path: Path, language: str) -> None:
    xlsx = tmp_path / f"AG07-{language}.xlsx"
    write_statement(six_lines(), xlsx, language)
    texts = printed(xlsx, tmp_path)
    assert len(texts) == 3, [t[:80] for t in texts]  # nine pages before the page setup
    for text, sheet in zip(texts, SHEETS[language], strict=True):
        assert sheet in text
        assert "AG07 — Brightline & Partners Digital Agency" in text
    summary, lines, ledger = texts
    assert ("Page 1 of 3" if language == "en" else "Сторінка 1 з 3") in summary
    for benefit in BENEFITS[language]:
        assert benefit in summary  # wrapped, not cut
    for payment in ("p1", "p2", "p3", "p4", "r1", "l1"):
        assert f" {payment} " in lines
    # every column is on the page: the commission of each line (the thirteenth column) and the late marker
    for commission in ("60.00", "187.50", "150.00", "90.00", "-30.00", "40.00", "497.50"):
        assert commission in lines
    assert NOTES[language] in lines
    assert "1,397.50" in ledger
