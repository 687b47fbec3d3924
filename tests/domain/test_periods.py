"""Periods and moments in the company time zone, clock changes included (SPEC sections 1 and 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partner_desk.domain.periods import (
    Period,
    local_date,
    parse_day,
    parse_moment,
    period_bounds,
    start_of_day,
    today_in,
    zone,
)

KYIV = zone("Europe/Kyiv")


def test_period_parse_and_text() -> None:
    assert Period.parse("2026-03") == Period(2026, 3)
    assert str(Period(2026, 3)) == "2026-03"
    assert str(Period.of(date(2025, 12, 31))) == "2025-12"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-3", "26-03", "2026/03", "", "2026-03-01"])
def test_period_parse_refuses_what_is_not_a_month(text: str) -> None:
    with pytest.raises(ValueError, match="is not a period"):
        Period.parse(text)


def test_next_and_previous_cross_years() -> None:
    assert Period(2025, 12).next() == Period(2026, 1)
    assert Period(2026, 1).previous() == Period(2025, 12)
    assert Period(2026, 6).next() == Period(2026, 7)
    assert Period(2026, 6).previous() == Period(2026, 5)


def test_periods_order_like_months() -> None:
    assert Period(2025, 12) < Period(2026, 1) < Period(2026, 2)


def test_a_period_ends_on_the_first_of_the_next_month() -> None:
    march = Period(2026, 3)
    assert march.first_day == date(2026, 3, 1)
    assert march.end == date(2026, 4, 1)
    assert not march.has_ended(date(2026, 3, 31))
    assert march.has_ended(date(2026, 4, 1))


def test_moment_without_offset_is_company_time() -> None:
    # Kyiv is UTC+2 in winter: 10:00 local is 08:00 UTC
    assert parse_moment("2026-01-15T10:00:00", KYIV) == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    # and UTC+3 in summer
    assert parse_moment("2026-07-15 10:00", KYIV) == datetime(2026, 7, 15, 7, 0, tzinfo=UTC)


def test_moment_with_offset_keeps_its_offset() -> None:
    assert parse_moment("2026-01-15T10:00:00Z", KYIV) == datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert parse_moment("2026-01-15T10:00:00+05:00", KYIV) == datetime(2026, 1, 15, 5, 0, tzinfo=UTC)


def test_bare_date_is_local_midnight() -> None:
    assert parse_moment("2026-02-01", KYIV) == datetime(2026, 1, 31, 22, 0, tzinfo=UTC)


def test_repeated_autumn_hour_means_the_first_moment() -> None:
    # 2026-10-25 04:00 EEST the clocks go back to 03:00: 03:30 happens twice, first at UTC+3
    assert parse_moment("2026-10-25T03:30", KYIV) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_skipped_spring_hour_is_an_error() -> None:
    # 2026-03-29 03:00 EET the clocks jump to 04:00: 03:30 never happens in Kyiv
    with pytest.raises(ValueError, match="does not exist in Europe/Kyiv"):
        parse_moment("2026-03-29T03:30", KYIV)


@pytest.mark.parametrize("text", ["yesterday", "2026-02-30T10:00", "15.01.2026"])
def test_bad_timestamps_are_errors(text: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO 8601 timestamp"):
        parse_moment(text, KYIV)


def test_local_date_puts_late_evening_utc_into_the_next_local_day() -> None:
    # 2026-01-31 23:30 UTC is 2026-02-01 01:30 in Kyiv: a February payment
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert local_date(moment, KYIV) == date(2026, 2, 1)


def test_period_bounds_are_local_midnights() -> None:
    start, end = period_bounds(Period(2026, 3), KYIV)
    assert start == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)  # UTC+2 before the change
    assert end == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)  # UTC+3 after it
    assert start_of_day(date(2026, 7, 1), KYIV) == datetime(2026, 6, 30, 21, 0, tzinfo=UTC)


def test_today_in_the_company_zone() -> None:
    assert today_in(KYIV, datetime(2026, 1, 31, 22, 30, tzinfo=UTC)) == date(2026, 2, 1)


def test_unknown_zone_and_bad_day() -> None:
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a time zone"):
        zone("Mars/Olympus")
    with pytest.raises(ValueError, match="is not a date"):
        parse_day("2026-02-30")
    assert parse_day(" 2026-02-28 ") == date(2026, 2, 28)
