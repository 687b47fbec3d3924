"""A refused file lists its first 1,000 problems and counts the rest, in bounded memory; a CSV cell
too long to read is a problem with its row, not a crash."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.files.table import PROBLEM_CAP, FileRejected, Problem, Problems, open_table
from partner_desk.services.imports import import_file
from partner_desk.store.engine import Database
from partner_desk.store.models import Rate
from tests.services.conftest import count


def bad_rates(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("date,currency,per_usd\n")
        for n in range(rows):
            handle.write(f"2026-01-01,UAH,x{n}\n")
    return path


def test_the_first_1000_problems_are_listed_and_the_rest_counted(db: Database, tmp_path: Path) -> None:
    assert PROBLEM_CAP == 1_000
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "rates", bad_rates(tmp_path / "rates.csv", 2_500))
    lines = str(caught.value).splitlines()
    assert lines[0] == "rates.csv refused: 2500 problems, nothing was written"
    assert lines[1] == "row 2: per_usd: 'x0' is not a decimal number"
    assert lines[1000] == "row 1001: per_usd: 'x999' is not a decimal number"
    # 2,500 problems, 1,000 listed: 1,500 more
    assert lines[1001:] == ["… and 1500 more problems (the first 1000 are listed)"]
    assert (len(caught.value.problems), caught.value.total) == (1000, 2500)
    assert count(db, Rate) == 0


def test_the_kept_problems_are_the_first_by_row_whatever_order_they_were_found_in() -> None:
    problems = Problems(cap=3)
    for row in (9, 8, 7, 6, 5, 4, 3, 2, 1):
        problems.append(Problem(row, "amount", f"bad {row}"))
    problems.append(Problem(1, "amount", "also bad"))
    assert len(problems) == 10
    assert [str(p) for p in problems.first()] == ["row 1: amount: bad 1", "row 1: amount: also bad",
                                                  "row 2: amount: bad 2"]


def test_a_million_problems_are_kept_in_bounded_memory() -> None:
    problems = Problems()
    tracemalloc.start()
    try:
        for row in range(2, 200_002):
            problems.append(Problem(row, "amount", f"'x{row}' is not a decimal number"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(problems) == 200_000
    # at most 2,000 problems are held at once: far less than a megabyte, whatever the file's size
    assert peak < 1_500_000, peak


@pytest.mark.slow
def test_a_file_of_a_million_bad_rows_is_refused_in_bounded_memory(db: Database, tmp_path: Path) -> None:
    path = bad_rates(tmp_path / "rates.csv", 1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected) as caught:
            import_file(db, SETUP, "rates", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.total == 1_000_000
    assert len(str(caught.value).splitlines()) == 1002
    assert peak < 50_000_000, peak


def test_a_csv_cell_over_the_reader_limit_is_refused_with_its_row(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("code,name,currency\nAG01,Alpha,EUR\nAG02," + "x" * 200_000 + ",EUR\n", encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        list(open_table(path))
    assert str(caught.value).splitlines()[1:] == ["row 3: a cell is longer than 131,072 characters"]
    with pytest.raises(FileRejected):
        import_file(db, SETUP, "agencies", path)


def test_a_header_over_the_reader_limit_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("code," + "n" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        open_table(path)
    assert str(caught.value).splitlines()[1:] == ["row 1: a cell is longer than 131,072 characters"]


def test_a_file_that_cannot_be_opened_is_a_refusal_not_a_crash(tmp_path: Path) -> None:

    with pytest.raises(UserError, match=r"cannot be read \(File name too long\)"):
        open_table(tmp_path / ("x" * 5000 + ".csv"))
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(UserError, match="no such file"):
        open_table(folder)
