"""The audit trail: append-only in the database, hash-chained so that tampering shows, read by finance
and admins only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from partner_desk.domain.errors import UserError
from partner_desk.services import audit_trail
from partner_desk.services.guard import Refused
from partner_desk.services.ledger import correct, pay_project
from partner_desk.services.users import ANONYMOUS
from partner_desk.store.engine import Database
from tests.services.money_world import ACTORS, CLOCK, credit, world

F1 = ACTORS["f1"]


@pytest.fixture
def wdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)
    database = world(tmp_path)
    credit(database, "AG01", "100.00")                                         # the world's records: 1-7
    pay_project(database, ACTORS["m1"], "AG01", "P-EUR", "10.00")              # record 8: ok
    with pytest.raises(UserError):
        pay_project(database, ACTORS["m1"], "AG01", "P-EUR", "1000.00")        # record 9: refused
    correct(database, ACTORS["a1"], "AG01", "5.00", "rounding")                 # record 10: ok
    yield database
    database.dispose()


def test_records_are_listed_newest_first_with_before_and_after(wdb: Database) -> None:
    found = audit_trail.records(wdb, F1)
    assert [(r["id"], r["user"], r["action"], r["outcome"]) for r in found[:3]] == [
        (10, "a1", "correct", "ok"), (9, "m1", "pay_project", "refused"), (8, "m1", "pay_project", "ok")]
    assert found[0]["before"]["available"] == "90.00"   # 100.00 - 10.00
    assert found[0]["after"]["available"] == "95.00"    # + 5.00
    assert found[0]["after"]["reason"] == "rounding"
    assert found[1]["message"].startswith("cannot pay project P-EUR from AG01: 1000.00 EUR is more than")
    assert found[0]["at"] == "2026-11-20T10:00:00Z"  # the product's clock, which the test set
    assert found[0]["clock"] == CLOCK                # and the record says the clock was set
    assert [r["id"] for r in audit_trail.records(wdb, F1, limit=1)] == [10]


def test_reading_the_trail_needs_finance_or_admin(wdb: Database) -> None:
    with pytest.raises(Refused, match=r"m1 \(manager\) may not read the audit trail: it needs the finance role"):
        audit_trail.records(wdb, ACTORS["m1"])
    with pytest.raises(Refused, match="not signed in: to read the audit trail"):
        audit_trail.verify(wdb, ANONYMOUS)
    # the refusals are themselves recorded
    assert [(r["user"], r["action"], r["outcome"]) for r in audit_trail.records(wdb, ACTORS["a1"], limit=2)] == [
        ("(not signed in)", "audit.read", "refused"), ("m1", "audit.read", "refused")]


def test_an_intact_chain_verifies_and_gives_its_head(wdb: Database) -> None:
    check = audit_trail.verify(wdb, F1)
    assert check.problems == []
    assert check.head == audit_trail.head(wdb)
    assert check.head.count == 10
    assert str(check.head) == f"10:{audit_trail.records(wdb, F1, limit=1)[0]['hash']}"


@pytest.mark.parametrize("statement", ["UPDATE audit SET message = 'nothing happened'", "DELETE FROM audit"])
def test_the_database_refuses_to_change_the_trail(wdb: Database, statement: str) -> None:
    with pytest.raises(DatabaseError, match="audit is append-only"), wdb.write() as s:
        s.execute(text(statement))
    assert audit_trail.verify(wdb, F1).intact


def test_an_altered_record_breaks_the_chain_there(wdb: Database) -> None:
    # an attacker with the file drops the guard first
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER audit_no_update"))
        s.execute(text("UPDATE audit SET user_name = 'f1' WHERE id = 9"))
    assert [str(p) for p in audit_trail.verify(wdb, F1).problems] == [
        "audit record 9: was altered: its content no longer matches its hash"]


def test_a_deleted_record_breaks_the_chain_at_the_next_one(wdb: Database) -> None:
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER audit_no_delete"))
        s.execute(text("DELETE FROM audit WHERE id = 9"))
    assert [str(p) for p in audit_trail.verify(wdb, F1).problems] == [
        "audit record 10: does not follow the record before it: a record before it was removed, or the "
        "records were reordered"]


def test_the_expected_head_shows_records_cut_from_the_end(wdb: Database) -> None:
    kept = audit_trail.head(wdb)
    assert audit_trail.verify(wdb, F1, kept).intact
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER audit_no_delete"))
        s.execute(text("DELETE FROM audit WHERE id = 10"))
    # without the head kept outside, the 9 records left form a consistent chain; with it, the cut shows
    assert str(audit_trail.verify(wdb, F1, kept).problems[0]) == (
        "audit record 10: is missing: the trail has 9 records, 10 were expected; records were removed")


def test_an_expected_head_is_written_count_colon_hash() -> None:
    head = audit_trail.parse_head("3:" + "A" * 64)
    assert (head.count, head.hash) == (3, "a" * 64)
    with pytest.raises(UserError, match=r"--expect: '3-abc' is not COUNT:HASH"):
        audit_trail.parse_head("3-abc")
