"""A connection counts from its first moment up to, not including, its end (SPEC section 3): the agency
page's data and a project payment (the service and `pay-project`) agree at both edges.

P-MOVED was AG01's until 2025-06-01T00:00Z and AG02's from then (tests/services/money_world.py). In
Kyiv that moment is 03:00 on June 1st, so a rule that compared days would give the project to AG02
for the three hours before the move while a project payment still pays it from AG01.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.gui.pages.agency.data import load
from partner_desk.services.ledger import pay_project
from partner_desk.store.connections import is_connected
from partner_desk.store.engine import Database
from tests.services.money_world import ACTORS, Cli, credit, world

MOVED = datetime(2025, 6, 1, tzinfo=UTC)
LAST_OF_AG01 = MOVED - timedelta(microseconds=1)


@pytest.fixture
def wdb(tmp_path: Path) -> Iterator[Database]:
    database = world(tmp_path)
    credit(database, "AG01", "50.00")
    credit(database, "AG02", "50.00")
    yield database
    database.dispose()


def _current(db: Database, code: str) -> set[str]:
    """The projects the agency page shows as connected now (what it loads for the agency)."""
    return {c.project_id for c in load(db, ACTORS["m1"], code, None, None).detail.current_projects}


@pytest.mark.parametrize(("moment", "owner", "other"), [(LAST_OF_AG01, "AG01", "AG02"), (MOVED, "AG02", "AG01")])
def test_the_agency_page_and_a_project_payment_agree_at_a_connections_edges(
        wdb: Database, clock, moment: datetime, owner: str, other: str) -> None:
    clock(moment.isoformat())
    assert "P-MOVED" in _current(wdb, owner)
    assert "P-MOVED" not in _current(wdb, other)
    paid = pay_project(wdb, ACTORS["m1"], owner, "P-MOVED", "1.00")
    assert paid.project_amount is not None
    with pytest.raises(UserError, match=f"project P-MOVED is not connected to {other} now "
                                        f"\\(it is connected to {owner}\\)"):
        pay_project(wdb, ACTORS["m1"], other, "P-MOVED", "1.00")


@pytest.mark.parametrize(("moment", "owner", "other"), [(LAST_OF_AG01, "AG01", "AG02"), (MOVED, "AG02", "AG01")])
def test_pay_project_on_the_command_line_agrees_with_the_agency_page(
        wdb: Database, tmp_path: Path, capsys: Any, monkeypatch: Any, clock, moment: datetime, owner: str,
        other: str) -> None:
    clock(moment.isoformat())
    assert "P-MOVED" in _current(wdb, owner)
    cli = Cli(f"sqlite:///{tmp_path / 'world.db'}", capsys, monkeypatch)
    code, out, err = cli("pay-project", owner, "P-MOVED", "1.00", user="m1")
    assert (code, err) == (0, "")
    assert "P-MOVED" in out
    code, out, err = cli("pay-project", other, "P-MOVED", "1.00", user="m1")
    assert (code, out) == (1, "")
    assert f"project P-MOVED is not connected to {other} now (it is connected to {owner})" in err


def test_a_connection_in_memory_counts_from_its_first_moment_to_just_before_its_end() -> None:
    start, end = MOVED, MOVED + timedelta(days=30)
    assert is_connected(start, end, start)  # the first moment counts
    assert not is_connected(start, end, start - timedelta(microseconds=1))
    assert is_connected(start, end, end - timedelta(microseconds=1))  # the last moment before the end
    assert not is_connected(start, end, end)  # the end itself does not
    assert is_connected(start, None, end)  # an open connection
