"""A user's display name: given when the user is added (window or `users add --display-name`), kept in
the audit record, and what the window calls the user; a bad one is refused and nothing is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Role
from partner_desk.services.session import session_state
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, User

PASSWORD = "correct horse battery"


def test_a_display_name_is_kept_and_audited(db: Database) -> None:
    admin = add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    add_user(db, admin, "olena", Role.MANAGER, PASSWORD, display_name="  Olena Kovalenko ")
    add_user(db, admin, "fin", Role.FINANCE, PASSWORD, display_name="   ")  # blank: none
    assert session_state(db).display_names == {"olena": "Olena Kovalenko"}
    with db.read() as s:
        after = json.loads(s.scalar(select(AuditRecord.after).where(AuditRecord.object == "olena")) or "{}")
        plain = json.loads(s.scalar(select(AuditRecord.after).where(AuditRecord.object == "fin")) or "{}")
    assert after["display_name"] == "Olena Kovalenko"
    assert "display_name" not in plain


@pytest.mark.parametrize(("shown", "problem"), [
    ("x" * 201, "display name: is longer than 200 characters"),
    ("Olena\nKovalenko", "display name: contains a control character (U+000A)"),
])
def test_a_bad_display_name_is_refused_and_nothing_is_written(db: Database, shown: str, problem: str) -> None:
    admin = add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    with pytest.raises(UserError) as refused:
        add_user(db, admin, "olena", Role.MANAGER, PASSWORD, display_name=shown)
    assert str(refused.value) == problem
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
    assert last is not None
    assert (last.action, last.outcome) == ("users.add", "refused")
