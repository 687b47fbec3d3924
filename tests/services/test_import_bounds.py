"""Imports refuse values beyond the product's bounds with their place (SPEC section 9):
at most 12 integer digits, dates in 2000-2099 and payments at most a day ahead, active currencies,
no control characters in names and ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from partner_desk.domain.periods import today_in, zone
from partner_desk.files.table import FileRejected
from partner_desk.store.models import Agency, Connection, Payment, Project, Rate, TierLevel
from partner_desk.store.queries import company_tz

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


@pytest.fixture
def connected(load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,EUR")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2025-01-01")


def problems(load, kind: str, text: str) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        load(kind, text)
    return str(caught.value).splitlines()[1:]


def test_a_payment_of_more_than_12_integer_digits_is_refused_with_its_place(load, connected, counts) -> None:
    before = counts(Payment)
    found = problems(load, "payments", f"""
{PAY}
ok,P1,2026-01-05T10:00,subscription,999999999999.99,USD,
big,P1,2026-01-05T10:00,subscription,1000000000000.00,USD,
huge,P1,2026-01-05T10:00,subscription,92233720368547758.07,USD,
vast,P1,2026-01-05T10:00,subscription,{"9" * 59}.00,USD,
""")
    assert found == [
        "row 3: amount: '1000000000000.00' has more than 12 integer digits",
        "row 4: amount: '92233720368547758.07' has more than 12 integer digits",
        f"row 5: amount: '{'9' * 59}.00' has more than 12 integer digits",
    ]
    assert counts(Payment) == before


@pytest.mark.parametrize("paid_at", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00",
                                     "9999-12-31T23:59:59-12:00", "1999-12-31T23:59:59"])
def test_a_payment_time_outside_the_centuries_is_refused_not_an_overflow(load, connected, paid_at: str) -> None:
    found = problems(load, "payments", f"{PAY}\np1,P1,{paid_at},subscription,10,USD,")
    assert found == [f"row 2: paid_at: '{paid_at}' is outside 2000-01-01 to 2099-12-31"]


def test_a_payment_may_be_dated_tomorrow_but_not_later(db, load, connected, counts) -> None:
    with db.read() as session:

        today = today_in(company_tz(session))
    tomorrow, later = today + timedelta(days=1), today + timedelta(days=2)
    assert load("payments", f"{PAY}\np1,P1,{tomorrow}T12:00,subscription,10,USD,").added == 1
    found = problems(load, "payments", f"{PAY}\np2,P1,{later}T00:00,subscription,10,USD,")
    assert found == [f"row 2: paid_at: is after {tomorrow}: a payment is at most one day after today"]
    found = problems(load, "payments", f"{PAY}\np3,P1,2000-01-01T00:00+03:00,subscription,10,USD,")
    # 2000-01-01 00:00 at UTC+3 is 23:00 on 1999-12-31 in Kyiv (UTC+2): before the first day
    assert found == ["row 2: paid_at: is before 2000-01-01"]
    assert counts(Payment) == {"payments": 1}


def test_the_day_after_today_follows_the_products_clock(load, connected, counts, clock) -> None:
    # the clock set back to 15 June 2026, 12:00 UTC (15:00 in Kyiv): tomorrow is 16 June there
    clock("2026-06-15T12:00")
    assert load("payments", f"{PAY}\np1,P1,2026-06-16T23:00,subscription,10,USD,").added == 1
    found = problems(load, "payments", f"{PAY}\np2,P1,2026-06-17T00:00,subscription,10,USD,")
    assert found == ["row 2: paid_at: is after 2026-06-16: a payment is at most one day after today"]
    assert counts(Payment) == {"payments": 1}


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "DEM", "UAK"])
def test_currencies_not_in_use_are_refused_in_every_kind(load, connected, counts, code: str) -> None:
    before = counts(Agency, Project, Payment, Rate)
    message = f"'{code}' is not a currency in use today"
    assert problems(load, "agencies", f"code,name,currency\nAG02,Beta,{code}") == [
        f"row 2: currency: {message}"]
    assert problems(load, "projects", f"project_id,name,currency,agency_code,connected_at\n"
                                      f"P2,Clinic,{code},AG01,2025-01-01") == [f"row 2: currency: {message}"]
    assert problems(load, "payments", f"{PAY}\np1,P1,2026-01-05T10:00,subscription,10,{code},") == [
        f"row 2: currency: {message}"]
    assert problems(load, "rates", f"date,currency,per_usd\n2026-01-05,{code},2") == [
        f"row 2: currency: {message}"]
    assert counts(Agency, Project, Payment, Rate) == before


def test_a_withdrawn_currency_the_database_already_holds_keeps_working(db, load) -> None:
    # an agency created while the kuna was in use (Croatia took the euro in 2023)
    with db.write() as session:
        session.execute(insert(Agency).values(code="HR1", name="Zagreb Media", currency="HRK",
                                              created_at=datetime(2022, 5, 1, tzinfo=UTC)))
    assert load("rates", "date,currency,per_usd\n2022-12-30,HRK,7.1").added == 1
    assert load("projects", "project_id,name,currency,agency_code,connected_at\n"
                            "P9,Shop,HRK,HR1,2022-01-01").added == 1
    assert load("payments", f"{PAY}\nk1,P9,2022-12-30T10:00,subscription,710.00,HRK,").added == 1
    # a new agency may still not be opened in another withdrawn currency
    assert problems(load, "agencies", "code,name,currency\nDE1,Berlin,DEM") == [
        "row 2: currency: 'DEM' is not a currency in use today"]


def test_rates_and_tables_are_bounded_too(load, counts) -> None:
    before = counts(Rate, TierLevel)
    assert problems(load, "rates", "date,currency,per_usd\n2026-01-05,UAH,1000000000000\n"
                                   "0001-01-01,EUR,0.9\n9999-12-31,EUR,0.9\n2026-01-05,EUR,0.0000009") == [
        "row 2: per_usd: '1000000000000' has more than 12 integer digits",
        "row 3: date: '0001-01-01' is outside 2000-01-01 to 2099-12-31",
        "row 4: date: '9999-12-31' is outside 2000-01-01 to 2099-12-31",
        # no currency is worth a million dollars a unit
        "row 5: per_usd: '0.0000009' is less than 0.000001 units per USD",
    ]
    assert load("rates", "date,currency,per_usd\n2026-01-05,EUR,0.000001\n2026-01-05,UAH,999999999999").added == 2
    assert problems(load, "tiers", "effective_from,min_turnover_usd,percent\n"
                                   "2027-01,0,10\n2027-01,1000000000000,20\n9999-12,0,10") == [
        "row 3: min_turnover_usd: '1000000000000' has more than 12 integer digits",
        "row 4: effective_from: '9999-12' is outside 2000-01 to 2099-12",
    ]
    assert counts(Rate, TierLevel) == {"rates": before["rates"] + 2, "tier_levels": before["tier_levels"]}


def test_connections_and_offers_are_dated_within_the_centuries(load, connected, counts) -> None:
    before = counts(Agency, Connection)
    assert problems(load, "agencies", "code,name,currency,offer_accepted_at\nAG02,Beta,EUR,0001-01-01") == [
        "row 2: offer_accepted_at: '0001-01-01' is outside 2000-01-01 to 2099-12-31"]
    assert problems(load, "projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                                      "P2,Clinic,USD,AG01,2025-01-01,9999-12-31T23:59:59+00:00") == [
        "row 2: disconnected_at: '9999-12-31T23:59:59+00:00' is outside 2000-01-01 to 2099-12-31"]
    assert counts(Agency, Connection) == before


@pytest.mark.parametrize(("text", "column", "shown"), [
    ("AG\x0002", "code", "U+0000"),
    ("Al\x07pha", "name", "U+0007"),
    ('"Two\nlines"', "name", "U+000A"),
    ("Alpha\x1b[31m", "name", "U+001B"),
    ("Al\x85pha", "name", "U+0085"),
])
def test_control_characters_in_names_and_ids_are_refused(load, counts, text: str, column: str,
                                                         shown: str) -> None:
    row = f"{text},Alpha,EUR" if column == "code" else f"AG01,{text},EUR"
    found = problems(load, "agencies", f"code,name,currency\n{row}")
    assert found == [f"row 2: {column}: contains a control character ({shown})"]
    assert counts(Agency) == {"agencies": 0}


def test_payments_within_the_bounds_are_read_exactly(db, load, connected) -> None:
    load("payments", f"{PAY}\nedge,P1,2000-01-01T00:00,subscription,999999999999.99,USD,")
    with db.read() as session:
        stored = session.get(Payment, "edge")
    assert stored is not None
    assert stored.amount_minor == 99999999999999  # 999,999,999,999.99 USD in cents
    assert stored.local_date == date(2000, 1, 1)
    assert stored.paid_at.astimezone(zone("Europe/Kyiv")) == datetime(2000, 1, 1, tzinfo=zone("Europe/Kyiv"))


def test_a_rate_date_written_as_a_timestamp_must_be_a_whole_timestamp(load, counts) -> None:
    # a spreadsheet's date cell reads as 2026-01-05T00:00:00: its day; a damaged one is not a date
    assert load("rates", "date,currency,per_usd\n2026-01-05T00:00:00,EUR,0.9\n2026-01-06 10:30,EUR,0.91").added == 2
    assert problems(load, "rates", "date,currency,per_usd\n2026-01-07T00:00x00,EUR,0.9\n2026-01-08Tnoon,EUR,1") == [
        "row 2: date: '2026-01-07T00:00x00' is not a date (YYYY-MM-DD)",
        "row 3: date: '2026-01-08Tnoon' is not a date (YYYY-MM-DD)",
    ]
