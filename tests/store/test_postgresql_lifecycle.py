"""Random three-month lifecycles give the same accruals on PostgreSQL as on SQLite, late lines included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database
from tests.services.test_posted_invariants import assert_posted_rules
from tests.services.test_random_lifecycles import run_lifecycle
from tests.store.pg_server import PgServer


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    pg = PgServer().start()
    yield pg
    pg.stop()


@pytest.mark.parametrize("seed", [1, 4])
def test_lifecycle_on_postgresql_matches_sqlite(server: PgServer, db: Database, tmp_path: Path, seed: int) -> None:
    pg_db = Database(server.create_database(f"life{seed}"))
    try:
        init_database(pg_db)
        on_pg = run_lifecycle(pg_db, tmp_path / "pg", seed)
        on_sqlite = run_lifecycle(db, tmp_path / "sqlite", seed)
        assert on_pg == on_sqlite
        assert any(line["late"] for run in on_pg for a in run["accruals"] for line in a["lines"])
        _accruals, lines, _refunds, late = assert_posted_rules(pg_db)
        assert lines > 0
        assert late > 0
    finally:
        pg_db.dispose()
