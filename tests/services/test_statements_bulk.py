"""One statement per active agency of a period, progress, cancelling, and files that appear whole.

Uses the world of test_statements.py: in February 2026 AG01 has lines and ledger entries, AG04 a
correction only, AGJ a withdrawal hold only; AGK has nothing, so it gets no statement.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period
from partner_desk.services import statements
from partner_desk.services.statements import export_statement, export_statements, statement_file_name
from partner_desk.store.engine import Database
from tests.services.test_statements import MANAGER, PRODUCED, rows, sdb, summary_of

__all__ = ["sdb"]  # the fixture, shared with test_statements.py


def test_one_file_per_active_agency_with_progress(sdb: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out" / "2026-02"  # created when missing
    calls: list[tuple[int, int, str]] = []
    result = export_statements(sdb, MANAGER, "2026-02", folder, produced_on=PRODUCED,
                               progress=lambda done, total, code: calls.append((done, total, code)))
    assert sorted(p.name for p in folder.iterdir()) == ["AG01_2026-02.xlsx", "AG04_2026-02.xlsx",
                                                        "AGJ_2026-02.xlsx"]
    assert calls == [(1, 3, "AG01"), (2, 3, "AG04"), (3, 3, "AGJ")]
    assert (result.total, result.cancelled) == (3, False)
    figures = {r.agency: (r.lines, r.commission, r.closing_balance) for r in result.written}
    # AG01: 3.00 - 60.00 + 1.00 = -56.00, closing -52.50; AG04: +25.00; AGJ: 22500 JPY (10000 of it held)
    assert figures == {"AG01": (3, Decimal("-56.00"), Decimal("-52.50")),
                       "AG04": (0, Decimal("0"), Decimal("25.00")),
                       "AGJ": (0, Decimal("0"), Decimal("22500"))}
    ag01 = load_workbook(folder / "AG01_2026-02.xlsx")
    assert summary_of(ag01["Summary"])["Commission total"].value == -56
    assert next(r for r in rows(ag01["Lines"]) if r[0] == "Total")[13] == -56


def test_bulk_files_equal_the_single_statements(sdb: Database, tmp_path: Path) -> None:
    export_statements(sdb, MANAGER, "2026-01", tmp_path / "bulk", produced_on=PRODUCED)
    export_statement(sdb, MANAGER, "AGK", "2026-01", tmp_path / "one.xlsx", produced_on=PRODUCED)
    bulk, one = load_workbook(tmp_path / "bulk" / "AGK_2026-01.xlsx"), load_workbook(tmp_path / "one.xlsx")
    for name in ("Summary", "Lines", "Ledger"):
        assert rows(bulk[name]) == rows(one[name])
    assert sorted(p.name for p in (tmp_path / "bulk").iterdir()) == [
        "AG01_2026-01.xlsx", "AGJ_2026-01.xlsx", "AGK_2026-01.xlsx"]


def test_cancelling_stops_before_the_next_file(sdb: Database, tmp_path: Path) -> None:
    calls: list[str] = []
    out = tmp_path / "out"
    result = export_statements(sdb, MANAGER, "2026-02", out, progress=lambda d, t, code: calls.append(code),
                               cancelled=lambda: len(calls) >= 1)
    assert result.cancelled
    assert result.total == 3
    assert [r.agency for r in result.written] == ["AG01"]
    assert [p.name for p in out.iterdir()] == ["AG01_2026-02.xlsx"]


def test_an_unposted_period_writes_nothing(sdb: Database, tmp_path: Path) -> None:
    folder = tmp_path / "march"
    with pytest.raises(UserError) as caught:
        export_statements(sdb, MANAGER, "2026-03", folder)
    assert str(caught.value).startswith("2026-03 is not posted")
    assert not folder.exists()


def test_a_file_in_place_of_the_folder_is_refused(sdb: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(UserError) as caught:
        export_statements(sdb, MANAGER, "2026-02", blocker)
    assert str(caught.value) == f"{blocker} is a file, not a folder"


def test_an_interrupted_run_leaves_no_half_written_file(sdb: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = out / "AG04_2026-02.xlsx"
    old.write_bytes(b"statement of an earlier run")
    real = statements.write_statement
    written: list[Path] = []

    def interrupted(statement: Any, path: Path, language: str, **options: Any) -> Any:
        totals = real(statement, path, language, **options)  # the whole workbook is on disk under its temporary name...
        written.append(path)
        if statement.summary.agency_code == "AG04":
            raise KeyboardInterrupt  # ...and the run stops before it is renamed into place
        return totals

    monkeypatch.setattr(statements, "write_statement", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_statements(sdb, MANAGER, "2026-02", out)
    assert written[1].name.startswith(".AG04_2026-02.xlsx.")
    assert written[1].suffix == ".tmp"
    assert sorted(p.name for p in out.iterdir()) == ["AG01_2026-02.xlsx", "AG04_2026-02.xlsx"]
    assert old.read_bytes() == b"statement of an earlier run"  # the earlier file is untouched
    assert load_workbook(out / "AG01_2026-02.xlsx").sheetnames == ["Summary", "Lines", "Ledger"]


def test_a_statement_that_does_not_add_up_is_not_kept(sdb: Database, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = statements.write_statement

    def one_cent_off(statement: Any, path: Path, language: str, **options: Any) -> Any:
        totals = real(statement, path, language, **options)
        return replace(totals, commission=totals.commission + Decimal("0.01"))

    monkeypatch.setattr(statements, "write_statement", one_cent_off)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(UserError) as caught:
        export_statement(sdb, MANAGER, "AG01", "2026-02", folder / "AG01.xlsx")
    assert str(caught.value) == (
        "the statement of AG01 for 2026-02 does not match its posted accrual: commissions add up to "
        "-55.99 EUR, the accrual is -56.00 EUR: no statement was written")
    assert list(folder.iterdir()) == []


def test_file_names_are_code_and_period() -> None:
    assert statement_file_name("AG07", Period(2026, 2)) == "AG07_2026-02.xlsx"
    assert statement_file_name("A/B C", Period(2026, 12)) == "A_B_C_2026-12.xlsx"
