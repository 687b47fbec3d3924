"""The audit trail: append-only in the database, hash-chained so that tampering shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from partner_desk.domain.errors import UserError
from partner_desk.services import audit
from partner_desk.services.ledger import correct, pay_project
from partner_desk.store.engine import Database
from tests.services.money_world import ACTORS, NOW, credit, world


@pytest.fixture
def wdb(tmp_path: Path) -> Iterator[Database]:
    database = world(tmp_path)
    credit(database, "AG01", "100.00")
    pay_project(database, ACTORS["m1"], "AG01", "P-EUR", "10.00", now=NOW)           # record 1: ok
    with pytest.raises(UserError):
        pay_project(database, ACTORS["m1"], "AG01", "P-EUR", "1000.00", now=NOW)     # record 2: refused
    correct(database, ACTORS["a1"], "AG01", "5.00", "rounding")                       # record 3: ok
    yield database
    database.dispose()


def test_records_are_listed_newest_first_with_before_and_after(wdb: Database) -> None:
    found = audit.records(wdb)
    assert [(r["id"], r["user"], r["action"], r["outcome"]) for r in found] == [
        (3, "a1", "correct", "ok"), (2, "m1", "pay_project", "refused"), (1, "m1", "pay_project", "ok")]
    assert found[0]["before"]["available"] == "90.00"   # 100.00 - 10.00
    assert found[0]["after"]["available"] == "95.00"    # + 5.00
    assert found[0]["after"]["reason"] == "rounding"
    assert found[1]["message"].startswith("cannot pay project P-EUR from AG01: 1000.00 EUR is more than")
    assert found[0]["at"].endswith("Z")
    assert [r["id"] for r in audit.records(wdb, limit=1)] == [3]


def test_an_intact_chain_verifies(wdb: Database) -> None:
    check = audit.check_chain(wdb)
    assert (check.intact, check.records, check.first_broken_id) == (True, 3, None)


@pytest.mark.parametrize("statement", ["UPDATE audit SET message = 'nothing happened'", "DELETE FROM audit"])
def test_the_database_refuses_to_change_the_trail(wdb: Database, statement: str) -> None:
    with pytest.raises(DatabaseError, match="audit is append-only"), wdb.write() as s:
        s.execute(text(statement))
    assert audit.check_chain(wdb).intact


def test_an_altered_record_breaks_the_chain_there(wdb: Database) -> None:
    # an attacker with the file drops the guard first
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER audit_no_update"))
        s.execute(text("UPDATE audit SET user_name = 'f1' WHERE id = 2"))
    check = audit.check_chain(wdb)
    assert (check.intact, check.first_broken_id, check.problem) == (False, 2, "record 2 was altered")


def test_a_deleted_record_breaks_the_chain_at_the_next_one(wdb: Database) -> None:
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER audit_no_delete"))
        s.execute(text("DELETE FROM audit WHERE id = 2"))
    check = audit.check_chain(wdb)
    assert (check.intact, check.first_broken_id) == (False, 3)
    assert check.problem == "record 3 does not follow the record before it"
