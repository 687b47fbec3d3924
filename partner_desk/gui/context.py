"""The application context: the session every page shares.

The open database, who is signed in, the locale numbers and dates are written in, and the settings of
the database the window shows everything through (the company time zone). Pages read the session
from here instead of keeping copies of their own; the window reads the settings again when a change
touched them (`reload`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from partner_desk import i18n
from partner_desk.domain.periods import today_in
from partner_desk.domain.roles import Actor, Role
from partner_desk.gui import labels
from partner_desk.services.session import SessionState, session_state
from partner_desk.store.engine import Database


@dataclass
class AppContext:
    """The open database, who is signed in to it, and the session's settings.

    The settings are read when the context is made (one small read) unless given; `apply` takes
    a newer reading.
    """

    db: Database
    actor: Actor
    state: SessionState | None = None
    locale: str = field(default_factory=i18n.current_locale)
    language: str = field(default_factory=i18n.current_language)
    zone: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.apply(self.state or session_state(self.db))

    def apply(self, state: SessionState) -> None:
        """Show everything through `state` from now on."""
        self.state = state
        self.zone = ZoneInfo(state.time_zone)

    def reload(self) -> SessionState:
        """Read the session's settings again (off the GUI thread); hand the result to `apply`."""
        return session_state(self.db)

    # the signed-in user -------------------------------------------------------------------------
    def may(self, role: Role) -> bool:
        """True when the signed-in user's role allows what `role` allows."""
        return self.actor.may(role)

    @property
    def user_name(self) -> str:
        return str(self.actor)

    def person(self, name: str | None) -> str:
        """What the window calls the user `name`: their display name, else the name itself."""
        if name is None:
            return ""
        names = self.state.display_names if self.state is not None else {}
        return names.get(name) or name

    @property
    def role_label(self) -> str:
        return labels.role(self.actor.role)

    # the company time zone ----------------------------------------------------------------------
    def local(self, value: datetime) -> datetime:
        """A stored (UTC) moment in the company time zone."""
        return value.astimezone(self.zone)

    def moment(self, value: datetime | None) -> str:
        """A stored moment as the window writes it, in the company time zone; empty for None."""
        return i18n.moment(self.local(value)) if value is not None else ""

    def day_of(self, value: datetime | None) -> str:
        """The company-local day of a stored moment; empty for None."""
        return i18n.day(self.local(value).date()) if value is not None else ""

    def today(self) -> date:
        """Today in the company time zone, by the product's clock."""
        return today_in(self.zone)
