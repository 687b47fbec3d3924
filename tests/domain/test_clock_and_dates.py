"""The product's clock (one seam: PARTNER_DESK_NOW), the dates a user may choose, and the account rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from partner_desk.domain import clock
from partner_desk.domain.accounts import admin_change_refusal, locked_until, name_refusal, password_refusal
from partner_desk.domain.dates import as_of_refusal, write_date_refusal
from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period, today_in, zone
from partner_desk.domain.posting import posting_refusals
from partner_desk.domain.roles import Role
from partner_desk.refusal_text import in_english


def test_the_clock_is_the_real_one_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    monkeypatch.setenv(clock.ENV_NOW, "2026-11-03T09:00")
    assert clock.now() == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # without an offset: UTC
    assert clock.fixed() == "2026-11-03T09:00"
    monkeypatch.setenv(clock.ENV_NOW, "2026-11-03T09:00+02:00")
    assert clock.now() == datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
    monkeypatch.setenv(clock.ENV_NOW, "2026-11-03")
    assert clock.now() == datetime(2026, 11, 3, 12, 0, tzinfo=UTC)  # a bare date: noon UTC
    # today in the company time zone follows the set clock: 23:30 UTC is the next day in Kyiv
    monkeypatch.setenv(clock.ENV_NOW, "2026-11-03T23:30Z")
    assert today_in(zone("Europe/Kyiv")) == date(2026, 11, 4)


def test_a_set_clock_never_runs_ahead_of_the_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    monkeypatch.setenv(clock.ENV_NOW, ahead)
    with pytest.raises(UserError, match=f"PARTNER_DESK_NOW={ahead} is later than the real clock .*: the clock "
                                        "may be set back, never forward"):
        clock.now()
    monkeypatch.setenv(clock.ENV_NOW, "yesterday")
    with pytest.raises(UserError, match="PARTNER_DESK_NOW=yesterday is not an ISO 8601 moment"):
        clock.now()


@pytest.mark.parametrize("setting", ["0001-01-01", "1999-12-31T23:59Z", "0001-01-01T00:00+14:00"])
def test_a_clock_set_before_the_years_the_product_works_in_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                      setting: str) -> None:
    # a clock in year 1 would make "the month before" year 0, which no date can hold
    monkeypatch.setenv(clock.ENV_NOW, setting)
    with pytest.raises(UserError, match=rf"^PARTNER_DESK_NOW: '{setting[:10]}' is outside 2000-01-01 to 2099-12-31$"):
        clock.now()
    monkeypatch.setenv(clock.ENV_NOW, "2000-01-01T00:00Z")  # the first moment it may stand at
    assert clock.now() == datetime(2000, 1, 1, tzinfo=UTC)


POSTED = [Period(2026, 8), Period(2026, 9)]
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("day", "problem"), [
    (date(2026, 12, 1), None),                      # today
    (date(2026, 10, 1), None),                      # a month that ended, not posted
    (date(2025, 1, 1), None),                       # before the first posted month: never posted
    (date(2026, 12, 2), "the date 2026-12-02 is after today (2026-12-01): a date chosen for an action cannot "
                        "be in the future"),
    (date(2099, 12, 31), "the date 2099-12-31 is after today (2026-12-01): a date chosen for an action cannot "
                         "be in the future"),
    # beyond the years the product works in (domain/bounds.py), asked first
    (date(9999, 12, 31), "'9999-12-31' is outside 2000-01-01 to 2099-12-31"),
    (date(1, 1, 1), "'0001-01-01' is outside 2000-01-01 to 2099-12-31"),
    (date(2026, 9, 30), "the date 2026-09-30 is in 2026-09, which is posted: its books are closed"),
    (date(2026, 8, 1), "the date 2026-08-01 is in 2026-08, which is posted: its books are closed"),
])
def test_a_date_chosen_for_a_write(day: date, problem: str | None) -> None:
    assert in_english(write_date_refusal(day, TODAY, POSTED)) == problem


def test_a_read_shows_things_as_they_stood_on_a_day_that_has_come() -> None:
    assert as_of_refusal(date(2026, 8, 15), TODAY) is None  # a posted month may be read as it stood
    assert in_english(as_of_refusal(date(2026, 12, 2), TODAY)) == (
        "--as-of 2026-12-02 is after today (2026-12-01): things can be shown as they stood on a day that has come")
    assert in_english(as_of_refusal(date(1999, 12, 31), TODAY)) == "'1999-12-31' is outside 2000-01-01 to 2099-12-31"


def test_posting_depends_on_the_real_today_only() -> None:
    # on 30 November (the real today) November has not ended, whatever day is named for it
    assert in_english(posting_refusals(Period(2026, 11), [Period(2026, 10)], date(2026, 11, 30))) == [
        "2026-11 has not ended in the company time zone (today is 2026-11-30): it can be previewed, not posted"]
    assert in_english(posting_refusals(Period(2026, 11), [Period(2026, 10)], date(2026, 12, 1))) == []


@pytest.mark.parametrize(("password", "problem"), [
    ("1234567", "the password is too short: at least 8 characters"),
    ("12345678", None),
    ("xxPETROxx", None),  # other letters around the name: a pass phrase, not the name
    ("PETRO", "the password is too short: at least 8 characters"),
    ("petro-2026", "the password is the user name 'petro' with digits or signs: choose another"),
    ("2026.Petro!", "the password is the user name 'petro' with digits or signs: choose another"),
    ("pet-ro-123", None),
    ("x" * 1024, None),  # the longest a password may be
    ("x" * 1025, "the password is too long: at most 1024 characters"),
])
def test_password_rules(password: str, problem: str | None) -> None:
    assert in_english(password_refusal("petro", password)) == problem


@pytest.mark.parametrize(("name", "accepted"), [
    ("petro", True), ("o.petrenko@desk", True), ("a" * 64, True), ("a" * 65, False),
    ("petro\n", False),  # a line break after the name is not a name (a regular expression's `$` allows it)
    ("", False), ("-petro", False), ("петро", False), ("pe tro", False),
])
def test_user_names(name: str, accepted: bool) -> None:
    assert (name_refusal(name) is None) is accepted


def test_the_last_active_admin_stays() -> None:
    # the only active admin: neither deactivated nor given another role; with a second one, either may go
    assert in_english(admin_change_refusal("boss", Role.ADMIN, True, None, False, 1)) == (
        "boss is the last active admin: add or activate another admin before deactivating boss")
    assert in_english(admin_change_refusal("boss", Role.ADMIN, True, Role.FINANCE, None, 1)) == (
        "boss is the last active admin: add or activate another admin before changing boss's role")
    assert admin_change_refusal("boss", Role.ADMIN, True, None, False, 2) is None
    assert admin_change_refusal("fin", Role.FINANCE, True, None, False, 1) is None


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() -> None:
    t0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    minutes = [t0 + timedelta(minutes=m) for m in (0, 3, 6, 9, 12)]
    assert locked_until(minutes[:4], t0 + timedelta(minutes=12)) is None
    # the fifth at 10:12: locked until 10:27
    assert locked_until(minutes, t0 + timedelta(minutes=12)) == t0 + timedelta(minutes=27)
    # five spread over more than fifteen minutes: at 10:16 the one of 10:00 no longer counts
    spread = [t0 + timedelta(minutes=m) for m in (0, 4, 8, 12, 16)]
    assert locked_until(spread, t0 + timedelta(minutes=16)) is None
