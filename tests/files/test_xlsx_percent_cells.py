"""A tiers file typed in a spreadsheet: a percent cell holds 0.15 but shows, and means, 15%."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.files.table import open_table
from partner_desk.services.imports import import_file
from partner_desk.store.engine import Database
from partner_desk.store.queries import tier_history


def _tiers_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["effective_from", "min_turnover_usd", "percent"])
    for threshold, share in ((0, 0.1), (1000, 0.125), (8000, 0.28)):
        sheet.append(["2026-07", threshold, share])
        sheet.cell(row=sheet.max_row, column=3).number_format = "0.0%"
    sheet.append(["2026-07", 20000, 35])  # a plain number cell stays as typed
    book.save(path)
    return path


def test_a_percent_cell_reads_as_the_percent_it_shows(tmp_path: Path) -> None:
    rows = [cells for _, cells in open_table(_tiers_book(tmp_path / "tiers.xlsx"), percent_columns=("percent",))]
    # 0.1 -> "10", 0.125 -> "12.5", 0.28 -> "28" (each x 100); 35 stays "35"
    assert [r["percent"] for r in rows] == ["10", "12.5", "28", "35"]
    assert [r["min_turnover_usd"] for r in rows] == ["0", "1000", "8000", "20000"]


def test_a_tiers_workbook_with_percent_cells_imports_the_percents_shown(db: Database, tmp_path: Path) -> None:
    import_file(db, SETUP, "tiers", _tiers_book(tmp_path / "tiers.xlsx"))
    with db.read() as session:
        table = tier_history(session).table_for(Period(2026, 7))
    assert [(lv.min_usd, lv.percent) for lv in table.levels] == [
        (Decimal("0"), Decimal("10")), (Decimal("1000"), Decimal("12.5")),
        (Decimal("8000"), Decimal("28")), (Decimal("20000"), Decimal("35")),
    ]
