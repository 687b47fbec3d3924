"""The same statements from PostgreSQL as from SQLite, cell for cell (the world of test_statements.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from partner_desk.services.setup import init_database
from partner_desk.services.statements import export_statements
from partner_desk.store.engine import Database
from tests.services.test_statements import MANAGER, PRODUCED, build_world, rows, sdb
from tests.store.pg_server import PgServer

__all__ = ["sdb"]  # the SQLite world, shared with test_statements.py


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    server = PgServer().start()
    database = Database(server.create_database("statements"))
    init_database(database)
    build_world(database, tmp_path_factory.mktemp("pg-world"))
    yield database
    database.dispose()
    server.stop()


@pytest.mark.parametrize("period", ["2026-01", "2026-02"])
def test_postgresql_statements_equal_sqlite_ones(pg_world: Database, sdb: Database, tmp_path: Path,
                                                 period: str) -> None:
    pg = export_statements(pg_world, MANAGER, period, tmp_path / "pg", produced_on=PRODUCED)
    lite = export_statements(sdb, MANAGER, period, tmp_path / "lite", produced_on=PRODUCED)
    names = [r.path.name for r in pg.written]
    assert names == [r.path.name for r in lite.written]
    assert len(names) == 3  # January: AG01, AGJ, AGK; February: AG01, AG04, AGJ
    for name in names:
        a, b = load_workbook(tmp_path / "pg" / name), load_workbook(tmp_path / "lite" / name)
        for sheet in ("Summary", "Lines", "Ledger"):
            assert rows(a[sheet]) == rows(b[sheet]), (name, sheet)
