"""What every page shares: the database and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from partner_desk.domain.roles import Actor, Role
from partner_desk.store.engine import Database


@dataclass
class AppContext:
    """The open database and who is signed in to it."""

    db: Database
    actor: Actor
    # stands for today in every service call when set (screenshots and tests use a fixed day)
    as_of: date | None = None

    def may(self, role: Role) -> bool:
        """True when the signed-in user's role allows what `role` allows."""
        return self.actor.may(role)

    @property
    def user_name(self) -> str:
        return str(self.actor)

    @property
    def role_label(self) -> str:
        from partner_desk.gui import labels

        return labels.role(self.actor.role)
