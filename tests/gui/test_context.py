"""The application context holds the session: the company time zone moments are shown in, read from
the database when the window opens and again after a change, instead of in class attributes."""

from __future__ import annotations

from datetime import UTC, datetime

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.gui.context import AppContext
from partner_desk.services.settings_admin import set_time_zone
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database


def test_moments_are_shown_in_the_company_time_zone_the_context_holds(db) -> None:
    ctx = AppContext(db, Actor("ada", Role.ADMIN))
    assert ctx.zone.key == "Europe/Kyiv"  # the default
    stored = datetime(2025, 3, 31, 21, 30, tzinfo=UTC)
    # 21:30 UTC is 00:30 on 1 April in Kyiv (UTC+3 in summer time)
    assert ctx.moment(stored) == "Apr 1, 2025, 12:30\u202fAM"
    assert ctx.day_of(stored) == "Apr 1, 2025"

    set_time_zone(db, SETUP, "America/New_York")
    assert ctx.zone.key == "Europe/Kyiv"  # until the window reads the session again
    ctx.apply(ctx.reload())
    # 21:30 UTC is 17:30 in New York (UTC-4)
    assert ctx.moment(stored) == "Mar 31, 2025, 5:30\u202fPM"
    assert ctx.day_of(None) == ""


def test_two_windows_keep_their_own_time_zone(db, tmp_path) -> None:

    other_db = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        init_database(other_db)
        set_time_zone(other_db, SETUP, "Asia/Tokyo")
        kyiv, tokyo = AppContext(db, Actor("ada", Role.ADMIN)), AppContext(other_db, Actor("ada", Role.ADMIN))
        assert (kyiv.zone.key, tokyo.zone.key) == ("Europe/Kyiv", "Asia/Tokyo")
    finally:
        other_db.dispose()
