"""Importing billing exports and reference data, all or nothing (SPEC section 9)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Action, Actor, import_action
from partner_desk.files.table import Cells, FileRejected, RowSource, check_header, open_table
from partner_desk.services import audit
from partner_desk.services.guard import checked
from partner_desk.services.imports import agencies, payments, projects, rates, tiers
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store import locks
from partner_desk.store.engine import Database
from partner_desk.store.models import ImportRun
from partner_desk.store.queries import company_tz

KINDS: dict[str, ModuleType] = {
    "agencies": agencies,
    "projects": projects,
    "payments": payments,
    "rates": rates,
    "tiers": tiers,
}

__all__ = ["KINDS", "ImportSummary", "import_file", "validate_file"]

# rows read between two progress reports
PROGRESS_EVERY = 2_000
RowsRead = Callable[[int], None]
T = TypeVar("T")


class _Reporting:
    """A row source that tells `rows_read(n)` how many rows were read, every PROGRESS_EVERY rows and
    at the end. The callback may raise to stop the import: the transaction is then rolled back."""

    def __init__(self, source: RowSource, rows_read: RowsRead) -> None:
        self._source = source
        self._rows_read = rows_read

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        yield from self._counted(iter(self._source))

    def positional(self, columns: Sequence[str]) -> Iterator[tuple[int, list[str], Cells | None]]:
        yield from self._counted(self._source.positional(columns))

    def _counted(self, items: Iterator[T]) -> Iterator[T]:
        count = 0
        for item in items:
            count += 1
            if count % PROGRESS_EVERY == 0:
                self._rows_read(count)
            yield item
        self._rows_read(count)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _kind(kind: str) -> ModuleType:
    module = KINDS.get(kind)
    if module is None:
        raise UserError(f"unknown import kind '{kind}' (use {', '.join(KINDS)})")
    return module


def _run(db: Database, actor: Actor, kind: str, path: Path, *, write: bool,
         rows_read: RowsRead | None = None) -> ImportSummary:
    module = _kind(kind)
    source = open_table(path, getattr(module, "PERCENT_COLUMNS", ()))
    header_problems = check_header(source, module.COLUMNS, module.OPTIONAL)
    if header_problems:
        raise FileRejected(header_problems, f"{path.name}")
    summary = ImportSummary(kind, path.name)
    with db.write() as session:
        # what a posting reads: an import lands wholly before or wholly after a posting (store/locks.py)
        locks.take(session, locks.POSTING)
        ctx = ImportContext.open(session, company_tz(session))
        module.load(ctx, source if rows_read is None else _Reporting(source, rows_read), summary)
        if ctx.problems:
            raise FileRejected(ctx.problems, f"{path.name}")
        if not write:
            session.rollback()
            return summary
        session.flush()
        session.add(ImportRun(kind=kind, file_name=path.name, sha256=_digest(path), rows=summary.rows,
                              added=summary.added, user_name=actor.name))
        audit.record(session, actor, Action.IMPORT, f"{kind}:{path.name}", after=summary.as_dict())
    return summary


def validate_file(db: Database, actor: Actor, kind: str, path: Path | str,
                  rows_read: RowsRead | None = None) -> ImportSummary:
    """Check a file exactly as an import would, and write nothing; `rows_read(n)` hears how far it got."""
    return _run(db, actor, kind, Path(path), write=False, rows_read=rows_read)


def import_file(db: Database, actor: Actor, kind: str, path: Path | str,
                rows_read: RowsRead | None = None) -> ImportSummary:
    """Import a whole file in one transaction, or refuse it with every problem listed."""
    path = Path(path)
    # commission tables are the admin's (SPEC section 8), whichever way they come in; a file refused
    # for its rows is recorded as a refused import
    with checked(db, actor, import_action(kind), f"{kind}:{path.name}", refused_as=Action.IMPORT):
        return _run(db, actor, kind, path, write=True, rows_read=rows_read)
