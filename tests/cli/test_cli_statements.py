"""`statement CODE --period P -o FILE.xlsx|FILE.pdf [--lang uk|en] [--preview]` and
`statements --period P -o DIR [--format xlsx|pdf] [--lang uk|en]` (SPEC section 10).

The data, imported through the command line:
  AG01 EUR: P1 (UAH) 2026-01-05 20000.00 UAH = $500 -> 15%: 20000 * 0.9 / 40 = 450.00 EUR -> 67.50 EUR
  AG02 USD: P2 2026-01-06 99.99 USD -> 10%: 9.999 -> 10.00 USD
  AG03 JPY: no project, no activity: no statement in a bulk run
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from partner_desk.cli import main

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
FILES = {
    "agencies": "code,name,currency\nAG01,Alpha,EUR\nAG02,Beta,USD\nAG03,Gamma,JPY\n",
    "projects": "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01\n"
                "P2,Clinic,USD,AG02,2025-01-01\n",
    "rates": "date,currency,per_usd\n2026-01-01,UAH,40\n2026-01-01,EUR,0.9\n2026-01-01,JPY,150\n",
    "payments": f"{PAY}\nj1,P1,2026-01-05T10:00,subscription,20000.00,UAH,\n"
                "j2,P2,2026-01-06T10:00,subscription,99.99,USD,\n"
                "f1,P1,2026-02-03T10:00,subscription,4000.00,UAH,\n",
}


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """`partner-desk --db <file> ARGS...` in-process on a database with January 2026 posted."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.delenv("PARTNER_DESK_PASSWORD", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("init")[0] == 0
    for kind, text in FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert run("import", kind, str(path))[0] == 0
    assert run("accrue", "--period", "2026-01", "--as-of", "2026-02-01")[0] == 0
    return run


def test_statement_writes_the_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    code, stdout, stderr = cli("statement", "AG01", "--period", "2026-01", "-o", str(out))
    assert (code, stderr) == (0, "")
    assert stdout == (f"wrote {out}: statement of AG01 for 2026-01, 1 lines, commission 67.50 EUR, "
                      "closing balance 67.50 EUR, in en\n")
    wb = load_workbook(out)
    (total,) = [[c.value for c in row] for row in wb["Lines"].iter_rows() if row[0].value == "Total"]
    assert total[13] == 67.5


def test_an_unposted_period_exits_1_and_writes_nothing(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    code, stdout, stderr = cli("statement", "AG01", "--period", "2026-02", "-o", str(out))
    assert code == 1
    assert stdout == ""
    assert stderr == ("partner-desk: 2026-02 is not posted: a statement shows posted accruals only "
                      "(a preview of it can be exported instead)\n")
    assert not out.exists()


def test_preview_of_an_unposted_period(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "AG01-feb.xlsx"
    # 4000.00 UAH = $100 -> 10%: 4000 * 0.9 / 40 = 90.00 EUR -> 9.00 EUR
    code, stdout, _ = cli("statement", "AG01", "--period", "2026-02", "-o", str(out), "--preview",
                          "--as-of", "2026-02-20")
    assert code == 0
    assert stdout.startswith(f"wrote {out}: preview of AG01 for 2026-02, 1 lines, commission 9.00 EUR")
    wb = load_workbook(out)
    assert [wb[name]["A1"].value for name in wb.sheetnames] == ["Preview — not posted"] * 3


def test_as_of_without_preview_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    code, _, stderr = cli("statement", "AG01", "--period", "2026-01", "-o", str(tmp_path / "x.xlsx"),
                          "--as-of", "2026-02-01")
    assert code == 2
    assert stderr == "partner-desk: --as-of only applies to --preview\n"
    assert not (tmp_path / "x.xlsx").exists()


def test_statements_writes_one_file_per_active_agency(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "jan"
    code, stdout, stderr = cli("statements", "--period", "2026-01", "-o", str(folder))
    assert code == 0
    assert stderr == ""  # no progress when stderr is not a terminal
    assert stdout == f"wrote 2 statements for 2026-01 in {folder}\n"
    assert sorted(p.name for p in folder.iterdir()) == ["AG01_2026-01.xlsx", "AG02_2026-01.xlsx"]
    ag02 = load_workbook(folder / "AG02_2026-01.xlsx")
    (total,) = [[c.value for c in row] for row in ag02["Lines"].iter_rows() if row[0].value == "Total"]
    assert total[13] == 10  # 99.99 * 10% = 9.999 -> 10.00 USD


def test_statements_shows_progress_on_a_terminal(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, _, _ = cli("statements", "--period", "2026-01", "-o", str(tmp_path / "jan"))
    assert code == 0
    shown = terminal.getvalue()
    assert "\r1/2 AG01" in shown
    assert "\r2/2 AG02" in shown
    assert shown.endswith("\n")


def test_statements_of_an_unposted_period_exit_1(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "feb"
    code, _, stderr = cli("statements", "--period", "2026-02", "-o", str(folder))
    assert code == 1
    assert stderr.startswith("partner-desk: 2026-02 is not posted")
    assert not folder.exists()


def test_statement_needs_a_signed_in_manager_once_users_exist(cli: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("secret-pass-1\n"))
    assert cli("users", "add", "root", "--role", "admin", "--password-stdin")[0] == 0
    out = tmp_path / "AG01.xlsx"
    code, _, stderr = cli("statement", "AG01", "--period", "2026-01", "-o", str(out))
    assert code == 1
    assert "manager role" in stderr
    assert not out.exists()
    monkeypatch.setenv("PARTNER_DESK_PASSWORD", "secret-pass-1")
    code, _, _ = cli("--user", "root", "statement", "AG01", "--period", "2026-01", "-o", str(out))
    assert code == 0
    assert out.exists()


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join((page.extract_text() or "") for page in PdfReader(path).pages))


def test_statement_language_and_pdf(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "AG01-uk.xlsx"
    code, stdout, _ = cli("statement", "AG01", "--period", "2026-01", "-o", str(out), "--lang", "uk")
    assert code == 0
    assert stdout.endswith(", in uk\n")
    assert load_workbook(out).sheetnames == ["Зведення", "Рядки", "Журнал операцій"]
    pdf = tmp_path / "AG01.pdf"  # the suffix chooses the format
    code, stdout, _ = cli("statement", "AG01", "--period", "2026-01", "-o", str(pdf))
    assert code == 0
    assert stdout.startswith(f"wrote {pdf}: statement of AG01 for 2026-01, 1 lines, commission 67.50")
    text = pdf_text(pdf)
    assert " 67.50 " in text
    assert "Partner statement" in text


def test_a_language_other_than_uk_or_en_is_a_usage_error(cli: Any, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(SystemExit) as caught:
        cli("statement", "AG01", "--period", "2026-01", "-o", str(out), "--lang", "de")
    assert caught.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
    assert not out.exists()


def test_statements_as_pdf(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    code, stdout, _ = cli("statements", "--period", "2026-01", "-o", str(folder), "--format", "pdf", "--lang", "uk")
    assert (code, stdout) == (0, f"wrote 2 statements for 2026-01 in {folder}\n")
    assert sorted(p.name for p in folder.iterdir()) == ["AG01_2026-01.pdf", "AG02_2026-01.pdf"]
    text = pdf_text(folder / "AG02_2026-01.pdf")
    assert "Виписка партнера" in text
    assert " 10,00 " in text


def test_a_pdf_needs_no_display(cli: Any, tmp_path: Path) -> None:
    """A fresh process with no display and no Qt platform set writes the PDF on the offscreen platform."""
    out = tmp_path / "AG02.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "partner_desk", "--db", f"sqlite:///{tmp_path / 'cli.db'}",
                           "statement", "AG02", "--period", "2026-01", "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "10.00" in PdfReader(out).pages[1].extract_text()
