"""An unexpected failure of a signed-in user's action is in the audit trail as a refused attempt."""

from __future__ import annotations

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.failures import record_failure
from partner_desk.services.users import ANONYMOUS
from partner_desk.store.engine import Database
from tests.services.conftest import audit_rows


def test_a_signed_in_users_failure_is_recorded_as_refused(db: Database) -> None:
    before = len(audit_rows(db))
    record_failure(db, Actor("olena", Role.MANAGER), "window", "Exporting statements",
                   "an unexpected error (OSError: boom); the details are in /tmp/x.log")
    rows = audit_rows(db)
    assert len(rows) == before + 1
    newest = rows[-1]
    assert (newest.user_name, newest.action, newest.object, newest.outcome, newest.message) == (
        "olena", "window", "Exporting statements", "refused",
        "an unexpected error (OSError: boom); the details are in /tmp/x.log")


def test_nobody_signed_in_leaves_no_record(db: Database) -> None:
    before = len(audit_rows(db))
    record_failure(db, SETUP, "import", "rates", "an unexpected error (OSError: boom)")
    record_failure(db, ANONYMOUS, "import", "rates", "an unexpected error (OSError: boom)")
    assert len(audit_rows(db)) == before
