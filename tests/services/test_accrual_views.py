"""What the accruals page reads: the calendar, why a period cannot be posted, previews and posted periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partner_desk.domain.periods import Period
from partner_desk.refusal_text import in_english
from partner_desk.services import accrual_views as views
from partner_desk.services.accruals import post_period
from tests.gui.page_data import people, seed

APRIL_15 = "2025-04-15T09:00"  # the product's clock (PARTNER_DESK_NOW)


def test_an_empty_database_opens_on_the_running_month(db, clock) -> None:
    clock(APRIL_15)
    cal = views.calendar(db)
    assert (cal.running, cal.next_to_post, cal.default, cal.posted) == (Period(2025, 4), None, Period(2025, 4), [])
    # a year back from the running month, newest first: 2025-04 ... 2024-04 is 13 months
    assert len(cal.choices) == 13
    assert cal.choices[0] == Period(2025, 4)
    assert cal.choices[-1] == Period(2024, 4)


def test_nothing_posted_opens_on_the_earliest_month_with_payments(db, write_csv, clock) -> None:
    clock(APRIL_15)
    seed(db, write_csv)  # payments in 2025-03 only
    cal = views.calendar(db)
    assert (cal.next_to_post, cal.default) == (Period(2025, 3), Period(2025, 3))


def test_after_posting_the_next_month_is_shown_once_it_has_ended(db, write_csv, clock) -> None:
    clock(APRIL_15)
    seed(db, write_csv)
    post_period(db, people(db)["fiona"], "2025-03")
    running = views.calendar(db)
    # April is next, but on 15 April it is still running: the page opens on it as the running month
    assert (running.posted, running.next_to_post, running.default) == ([Period(2025, 3)], Period(2025, 4),
                                                                       Period(2025, 4))
    clock("2025-05-03T09:00")
    may = views.calendar(db)
    assert (may.next_to_post, may.default, may.running) == (Period(2025, 4), Period(2025, 4), Period(2025, 5))


def test_post_refusals_list_every_reason(db, write_csv, clock) -> None:
    clock(APRIL_15)
    seed(db, write_csv)
    team = people(db)
    march, april, may = Period(2025, 3), Period(2025, 4), Period(2025, 5)
    assert in_english(views.post_refusals(db, team["fiona"], march)) == []
    assert in_english(views.post_refusals(db, team["anna"], april)) == [
        "anna (manager) may not post accruals: it needs the finance role",
        "2025-04 has not ended in the company time zone (today is 2025-04-15): it can be previewed, not posted",
    ]
    post_period(db, team["fiona"], "2025-03")
    assert in_english(views.post_refusals(db, team["fiona"], march)) == ["2025-03 is already posted"]
    clock("2025-06-02T09:00")
    assert in_english(views.post_refusals(db, team["fiona"], may)) == [
        "periods are posted in order: the next period to post is 2025-04"]
    assert in_english(views.post_refusals(db, team["fiona"], april)) == []
    assert in_english(views.post_refusals(db, team["fiona"], Period(2025, 2))) == [
        "2025-02 is before the first posted period 2025-03: its payments are accrued as late in the next run; "
        "periods are posted in order"]


def test_the_posted_period_shows_what_the_preview_promised(db, write_csv, clock) -> None:
    clock(APRIL_15)
    seed(db, write_csv)
    fiona = people(db)["fiona"]
    march = Period(2025, 3)
    preview = views.period_view(db, fiona, march)
    assert not preview.posted
    assert views.posted(db, march) is None
    # AG01: $1,000 at 15% = 150.00 USD; AG02: 200 EUR = $250 at 10% = 20.00 EUR
    assert [(r.code, r.name, r.commission, r.balance) for r in preview.rows] == [
        ("AG01", "Alpha Agency", Decimal("150.00"), None), ("AG02", "Beta Agency", Decimal("20.00"), None)]
    assert preview.totals == {"EUR": Decimal("20.00"), "USD": Decimal("150.00")}
    assert (preview.agencies, preview.without_lines) == (3, 1)

    post_period(db, fiona, march)
    posted = views.period_view(db, fiona, march)
    assert posted.posted
    assert posted.posted_by == "fiona"
    assert posted.posted_as_of == date(2025, 4, 15)
    assert posted.totals == preview.totals
    assert (posted.agencies, posted.without_lines) == (3, 1)
    assert [(r.code, r.turnover_usd, r.percent, r.lines, r.late_lines, r.reward_usd) for r in posted.rows] == [
        (r.code, r.turnover_usd, r.percent, r.lines, r.late_lines, r.reward_usd) for r in preview.rows]
    # the balance today is the credit: nothing else happened
    assert [r.balance for r in posted.rows] == [Decimal("150.00"), Decimal("20.00")]


def test_totals_by_currency_add_rounded_commissions() -> None:
    row = views.AccrualRow
    rows = [row("A", "", "USD", Decimal(0), Decimal(10), Decimal("0.01"), 1, 0, Decimal(0)),
            row("B", "", "JPY", Decimal(0), Decimal(10), Decimal("7"), 1, 0, Decimal(0)),
            row("C", "", "USD", Decimal(0), Decimal(10), Decimal("2.49"), 1, 0, Decimal(0))]
    # USD 0.01 + 2.49 = 2.50; JPY 7; listed in currency order
    assert views.totals_by_currency(rows) == {"JPY": Decimal("7"), "USD": Decimal("2.50")}
