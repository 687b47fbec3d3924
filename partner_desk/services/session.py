"""What a signed-in window keeps for its session, read in one go (reads only): the company time zone
moments are shown in, and what each user is called."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from partner_desk.store.engine import Database
from partner_desk.store.models import User
from partner_desk.store.queries import company_tz


@dataclass(frozen=True)
class SessionState:
    """The database's settings a window shows everything through."""

    time_zone: str
    # what each user is called where the window names them: user name -> display name
    display_names: dict[str, str] = field(default_factory=dict)


def session_state(db: Database) -> SessionState:
    with db.read() as session:
        names = {name: shown for name, shown in session.execute(
            select(User.name, User.display_name).where(User.display_name.is_not(None))) if shown}
        return SessionState(company_tz(session).key, names)
