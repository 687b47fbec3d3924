"""What every page shares: the database and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from partner_desk.domain.roles import Actor, Role
from partner_desk.gui import labels
from partner_desk.store.engine import Database


@dataclass
class AppContext:
    """The open database and who is signed in to it."""

    db: Database
    actor: Actor

    def may(self, role: Role) -> bool:
        """True when the signed-in user's role allows what `role` allows."""
        return self.actor.may(role)

    @property
    def user_name(self) -> str:
        return str(self.actor)

    @property
    def role_label(self) -> str:
        return labels.role(self.actor.role)
