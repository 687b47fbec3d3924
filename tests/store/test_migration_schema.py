"""The migrations make today the very schema they made when each was written: a new database at
0006_display_name has, to the letter, the tables, indexes, triggers and trigger functions recorded in
`schema_0006.txt` (written by the migrations before their guards were built in
`store/migrations/ddl.py`), on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from partner_desk.store import migrate
from partner_desk.store.engine import make_engine
from tests.store.pg_server import PgServer

RECORDED = Path(__file__).with_name("schema_0006.txt")
SQLITE = ["SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"]
POSTGRESQL = [
    "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT tgisinternal ORDER BY tgname",
    "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'partner_desk%' ORDER BY proname",
    "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, column_default "
    "FROM information_schema.columns WHERE table_schema='public' ORDER BY table_name, ordinal_position",
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public' ORDER BY indexname",
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace='public'::regnamespace ORDER BY conname",
    "SELECT * FROM alembic_version",
]


def _schema(engine: Engine, prefix: str, queries: list[str]) -> list[str]:
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_display_name")
    with engine.connect() as connection:
        return [f"{prefix} {tuple(row)!r}" for query in queries for row in connection.execute(text(query))]


def _recorded(prefix: str) -> list[str]:
    return [line for line in RECORDED.read_text(encoding="utf-8").splitlines() if line.startswith(f"{prefix} ")]


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    pg = PgServer().start()
    yield pg
    pg.stop()


def test_a_new_sqlite_database_has_the_recorded_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        made = _schema(engine, "SQLITE", SQLITE)
    finally:
        engine.dispose()
    # 19 tables of 0001, late_payments of 0005, 3 payout batch tables and alembic_version: 24 tables
    assert sum(line.startswith("SQLITE ('table'") for line in made) == 24
    assert made == _recorded("SQLITE")


def test_a_new_postgresql_database_has_the_recorded_schema(server: PgServer) -> None:
    engine = make_engine(server.create_database("schema"))
    try:
        made = _schema(engine, "PG", POSTGRESQL)
    finally:
        engine.dispose()
    assert made == _recorded("PG")
