"""Statement files on a real disk: an interrupted run's temporary files are removed by the next run
into the same folder, and a full disk ends in one line, with no traceback left for later."""

from __future__ import annotations

import errno
import gc
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.services.statements import export_statement, export_statements
from partner_desk.store.engine import Database
from tests.services.test_statements import MANAGER, PRODUCED, sdb

__all__ = ["sdb"]


def _dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = _dead_pid()
    stale = [out / f".AG04_2026-02.xlsx.{dead}.0123abcd.tmp", out / f".AGK_2026-01.xlsx.{dead}.89abcdef.tmp"]
    live = out / f".AG01_2026-02.xlsx.{os.getppid()}.fedcba98.tmp"  # another export, still running
    others = [out / "notes.tmp", out / ".AG01_2026-02.xlsx.tmp", out / "AG09_2026-02.xlsx"]
    for path in [*stale, live, *others]:
        path.write_bytes(b"PK\x03\x04 half a workbook")
    export_statements(sdb, MANAGER, "2026-02", out, produced_on=PRODUCED)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [live.name, *(p.name for p in others), "AG01_2026-02.xlsx", "AG04_2026-02.xlsx", "AGJ_2026-02.xlsx"])


class _FullDisk:
    """A file on a disk with no space left: every write fails as the operating system says."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Temporary statement files land on a full disk; returns what Python reports as unraisable."""
    real_open = io.open

    def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        return _FullDisk(handle) if str(file).endswith(".tmp") and "w" in mode else handle

    monkeypatch.setattr(zipfile.io, "open", opening)
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: unraisable.append(
        f"{report.err_msg or 'Exception ignored in'}: {report.object!r}: {report.exc_value!r}"))
    return unraisable


def test_a_full_disk_is_a_one_line_refusal_that_leaves_no_traceback(sdb: Database, tmp_path: Path,
                                                                    full_disk: list[str]) -> None:
    out = tmp_path / "out"
    with pytest.raises(UserError) as caught:
        export_statements(sdb, MANAGER, "2026-02", out, produced_on=PRODUCED)
    assert str(caught.value) == f"cannot write {out / 'AG01_2026-02.xlsx'}: No space left on device"
    del caught
    gc.collect()
    assert full_disk == []  # no "Exception ignored in ZipFile.__del__" when the failed file is let go
    assert list(out.iterdir()) == []


def test_one_statement_on_a_full_disk_is_refused_the_same_way(sdb: Database, tmp_path: Path,
                                                              full_disk: list[str]) -> None:
    target = tmp_path / "AG01.xlsx"
    with pytest.raises(UserError, match="No space left on device"):
        export_statement(sdb, MANAGER, "AG01", "2026-02", target, produced_on=PRODUCED)
    gc.collect()
    assert full_disk == []
    assert list(tmp_path.glob("*AG01*")) == []


def test_a_pdf_statement_on_a_full_disk_is_refused_and_leaves_no_part_behind(sdb: Database, tmp_path: Path,
                                                                              full_disk: list[str]) -> None:
    # Qt's PDF writer does not report a failed write: the file is laid out in memory and written by
    # Python, whose write fails as the operating system says
    target = tmp_path / "AG01.pdf"
    with pytest.raises(UserError) as caught:
        export_statement(sdb, MANAGER, "AG01", "2026-02", target, produced_on=PRODUCED)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert list(tmp_path.glob("*AG01*")) == []
    out = tmp_path / "out"
    with pytest.raises(UserError, match="No space left on device"):
        export_statements(sdb, MANAGER, "2026-02", out, produced_on=PRODUCED, fmt="pdf")
    assert list(out.iterdir()) == []
