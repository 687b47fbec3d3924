"""The schema revision read without Alembic is the one Alembic itself reads and makes."""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from partner_desk.services.setup import init_database
from partner_desk.store import migrate, revisions
from partner_desk.store.engine import Database


def test_head_and_known_revisions_are_alembics() -> None:
    script = ScriptDirectory.from_config(migrate._config())
    assert revisions.head_revision() == script.get_current_head()
    every = {rev.revision for rev in script.walk_revisions()}
    assert every == set(revisions._chain())
    assert all(revisions.known(rev) for rev in every)
    assert not revisions.known("0004_payout_batches")


def test_current_revision_of_an_empty_a_created_and_an_older_database(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    try:
        assert revisions.current_revision(db.engine) is None
        assert not revisions.is_current(db.engine)
        init_database(db)
        with db.engine.connect() as connection:
            alembic_reads = MigrationContext.configure(connection).get_current_revision()
        assert revisions.current_revision(db.engine) == alembic_reads == revisions.head_revision()
        assert revisions.is_current(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        assert revisions.current_revision(db.engine) == "0001"
        assert not revisions.is_current(db.engine)
    finally:
        db.dispose()
