"""Accrual edge cases: the first posted period, refunds of late payments, month edges, races, 0% levels."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor, Role
from partner_desk.files.table import FileRejected
from partner_desk.refusal_text import shown_error
from partner_desk.services import accruals
from partner_desk.services.accruals import post_period, preview_period, run_as_dict
from partner_desk.services.balances import balances
from partner_desk.store.models import Accrual, AccrualLine, LedgerEntry, PostedPeriod

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
FINANCE = Actor("fin", Role.FINANCE)


@pytest.fixture
def world(load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,USD\nAG02,Beta,EUR")
    load("projects", "project_id,name,currency,agency_code,connected_at\n"
                     "P1,Shop,USD,AG01,2025-01-01\nP2,Clinic,USD,AG02,2025-01-01")
    load("rates", "date,currency,per_usd\n2025-10-01,EUR,0.9\n2026-02-01,EUR,0.8")


def lines_of(run, code: str) -> dict[str, tuple[bool, Decimal, Decimal]]:
    accrual = next(a for a in run.accruals if a.agency == code)
    return {line.payment_id: (line.late, line.percent, line.commission) for line in accrual.lines}


def test_first_posting_takes_every_earlier_payment_as_late_at_the_base_level(db, world, load) -> None:
    load("payments", f"""
{PAY}
n1,P1,2025-11-10T10:00,subscription,600.00,USD,
d1,P1,2025-12-10T10:00,subscription,100.00,USD,
j1,P1,2026-01-10T10:00,subscription,2000.00,USD,
f1,P1,2026-02-10T10:00,subscription,50.00,USD,
""")
    run = post_period(db, FINANCE, "2026-02", as_of=date(2026, 3, 1))
    # no earlier accrual exists, so every earlier month earns the base 10%, not its own turnover's
    # slab (January alone would have reached 20%); February: $50 -> 10%
    assert lines_of(run, "AG01") == {
        "n1": (True, Decimal("10"), Decimal("60.00")),
        "d1": (True, Decimal("10"), Decimal("10.00")),
        "j1": (True, Decimal("10"), Decimal("200.00")),
        "f1": (False, Decimal("10"), Decimal("5.00")),
    }
    [accrual] = run.accruals
    assert accrual.total == Decimal("275.00")  # 60 + 10 + 200 + 5
    assert accrual.turnover_usd == Decimal("50.00")  # late payments count in no turnover
    assert accrual.late_lines == 3


def test_preview_of_a_month_before_the_first_posted_one_is_refused(db, world, load, counts) -> None:
    load("payments", f"{PAY}\nf1,P1,2026-02-10T10:00,subscription,50.00,USD,")
    post_period(db, FINANCE, "2026-02", as_of=date(2026, 3, 1))
    # a January payment imported now can only ever be accrued late, in March: no January accrual will exist
    load("payments", f"{PAY}\nj9,P1,2026-01-10T10:00,subscription,2000.00,USD,")
    with pytest.raises(UserError, match="2026-01 is before the first posted period 2026-02"):
        preview_period(db, FINANCE, "2026-01", as_of=date(2026, 3, 1))
    march = preview_period(db, FINANCE, "2026-03", as_of=date(2026, 3, 5))
    assert lines_of(march, "AG01") == {"j9": (True, Decimal("10"), Decimal("200.00"))}


def test_a_late_payment_and_its_refund_in_one_run(db, world, load) -> None:
    load("payments", f"""
{PAY}
d1,P1,2025-12-10T10:00,subscription,100.00,USD,
rd1,P1,2026-01-10T10:00,subscription,-40.00,USD,d1
j1,P1,2026-01-11T10:00,subscription,700.00,USD,
""")
    run = post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1))
    # d1 late at base 10%: 10.00; rd1 at d1's terms: -40 × 10% = -4.00, dated in January: not late;
    # j1: $700 -> 15%: 105.00 (the refund does not lower the turnover)
    assert lines_of(run, "AG01") == {
        "d1": (True, Decimal("10"), Decimal("10.00")),
        "rd1": (False, Decimal("10"), Decimal("-4.00")),
        "j1": (False, Decimal("15"), Decimal("105.00")),
    }
    with db.read() as session:
        entries = sorted((e.kind, e.amount_minor) for e in session.scalars(select(LedgerEntry)))
    assert entries == [("accrual", 11500), ("refund_reversal", -400)]


def test_a_payment_late_on_the_last_evening_in_utc_belongs_to_the_next_local_month(db, world, load) -> None:
    load("payments", f"{PAY}\nx1,P2,2026-01-31T23:30:00Z,subscription,100.00,USD,")
    january = post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1))
    assert january.accruals == []
    february = post_period(db, FINANCE, "2026-02", as_of=date(2026, 3, 1))
    # 01:30 on Feb 1 in Kyiv: February, at February 1's rate 0.8: €80 × 10% = 8.00
    assert lines_of(february, "AG02") == {"x1": (False, Decimal("10"), Decimal("8.00"))}


def test_the_running_month_becomes_postable_at_local_midnight(db, world, load, clock) -> None:
    load("payments", f"{PAY}\nj1,P1,2026-01-10T10:00,subscription,10.00,USD,")
    clock("2026-01-31T21:59:59Z")  # 23:59:59 on January 31 in Kyiv (UTC+2)
    with pytest.raises(UserError, match="has not ended"):
        post_period(db, FINANCE, "2026-01")
    clock("2026-01-31T22:00:00Z")  # midnight: February 1 in Kyiv
    assert post_period(db, FINANCE, "2026-01").posted


def test_refund_of_a_payment_that_earned_zero_percent_reverses_nothing(db, world, load) -> None:
    load("tiers", "effective_from,min_turnover_usd,percent\n2025-01,1000,10")
    load("payments", f"{PAY}\nj1,P1,2026-01-10T10:00,subscription,100.00,USD,")
    january = post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1))
    # $100 is below the lowest threshold $1000: 0%
    assert lines_of(january, "AG01") == {"j1": (False, Decimal("0"), Decimal("0.00"))}
    load("payments", f"{PAY}\nr1,P1,2026-02-10T10:00,subscription,-100.00,USD,j1")
    data = run_as_dict(post_period(db, FINANCE, "2026-02", as_of=date(2026, 3, 1)))
    [line] = data["accruals"][0]["lines"]
    assert (line["payment_id"], line["commission"], line["percent"]) == ("r1", "0.00", "0")


def test_two_simultaneous_postings_post_once(db, world, load) -> None:
    load("payments", f"{PAY}\nj1,P1,2026-01-10T10:00,subscription,10.00,USD,")
    results = []
    errors = []

    def post() -> None:
        try:
            results.append(post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1)))
        except Exception as exc:  # the test reports whatever went wrong
            errors.append(exc)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(r.posted for r in results) == [False, True]
    with db.read() as session:
        assert len(session.scalars(select(PostedPeriod)).all()) == 1
        assert len(session.scalars(select(Accrual)).all()) == 1
        assert len(session.scalars(select(AccrualLine)).all()) == 1
        assert len(session.scalars(select(LedgerEntry)).all()) == 1


def test_three_digit_and_zero_digit_currencies_end_to_end(db, load) -> None:

    load("agencies", "code,name,currency\nAG09,Kuwait Media,KWD")
    load("projects", "project_id,name,currency,agency_code,connected_at\n"
                     "PU,Site,USD,AG09,2025-01-01\nPJ,Tokyo,JPY,AG09,2025-01-01")
    load("rates", "date,currency,per_usd\n2026-01-01,KWD,0.3075\n2026-01-01,JPY,150")
    load("payments", f"{PAY}\nu1,PU,2026-01-10T10:00,subscription,1000.00,USD,\n"
                     "y1,PJ,2026-01-11T10:00,subscription,15000,JPY,")
    data = run_as_dict(post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1)))
    [accrual] = data["accruals"]
    # turnover: $1000 + ¥15000 / 150 = $1100 -> 15%
    # u1: 1000 × 0.3075 = 307.5 KWD × 15% = 46.125; y1: 15000 × 0.3075 / 150 = 30.75 KWD × 15% = 4.6125 -> 4.613
    assert (accrual["turnover_usd"], accrual["percent"], accrual["amount"]) == ("1100.00", "15", "50.738")
    assert {line["payment_id"]: line["commission"] for line in accrual["lines"]} == {"u1": "46.125", "y1": "4.613"}
    y1 = next(line for line in accrual["lines"] if line["payment_id"] == "y1")
    assert (y1["amount"], y1["usd_amount"]) == ("15000", "100.00")
    [balance] = balances(db, "AG09", as_of=date(2026, 2, 1))
    assert balance.as_dict()["balance"] == "50.738"


def test_a_new_connection_overlapping_a_stored_open_one_is_refused(db, load) -> None:

    load("agencies", "code,name,currency\nAG01,Alpha,USD\nAG02,Beta,EUR")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2025-12-01")
    with pytest.raises(FileRejected) as caught:
        load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG02,2026-02-01")
    assert str(caught.value).splitlines()[1:] == [
        "row 2: connected_at: connection of project P1 to AG02 from 2026-01-31T22:00:00+00:00 overlaps "
        "its connection to AG01 from 2025-11-30T22:00:00+00:00"]
    # closing the stored connection in the same file makes the move valid
    summary = load("projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                               "P1,Shop,USD,AG01,2025-12-01,2026-02-01\nP1,Shop,USD,AG02,2026-02-01,")
    assert (summary.added, summary.updated) == (1, 1)


def test_a_line_too_large_to_store_is_refused_even_when_its_refund_evens_the_accrual(db, load, counts,
                                                                                     ukrainian) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,USD")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Vault,KWD,AG01,2025-01-01")
    # the dearest unit the bounds let a rate make: a million dollars a dinar
    load("rates", "date,currency,per_usd\n2026-01-01,KWD,0.000001")
    load("payments", f"""
{PAY}
big,P1,2026-01-10T10:00,subscription,999999999999.000,KWD,
back,P1,2026-01-11T10:00,subscription,-999999999999.000,KWD,big
""")
    # big: 999,999,999,999 KWD = $999,999,999,999,000,000, a turnover at the top level, 30%: its
    # commission is $299,999,999,999,700,000.00, 29,999,999,999,970,000,000 cents, past the
    # 9,223,372,036,854,775,807 a stored amount holds. Its refund evens the accrual to 0, which would
    # fit, but the line itself cannot be stored.
    before = counts(Accrual, AccrualLine, LedgerEntry, PostedPeriod)
    with pytest.raises(UserError, match=r"^299999999999700000\.00 USD is too large to store: check the amounts "
                                        r"and rates it was computed from$") as refused:
        post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1))
    # the window says it in its language
    assert shown_error(refused.value) == ("сума 299\u00a0999\u00a0999\u00a0999\u00a0700\u00a0000,00\u00a0USD завелика, "
                                          "щоб її зберегти: перевірте суми й курси, з яких її обчислено")
    assert counts(Accrual, AccrualLine, LedgerEntry, PostedPeriod) == before == {
        "accruals": 0, "accrual_lines": 0, "ledger_entries": 0, "posted_periods": 0}


def test_a_posting_stopped_with_a_batch_of_lines_in_flight_writes_nothing(db, world, load, counts,
                                                                          monkeypatch) -> None:
    load("payments", f"{PAY}\n" + "\n".join(f"p{n},P{1 + n % 2},2026-01-{10 + n}T10:00,subscription,50.00,USD,"
                                             for n in range(6)))
    monkeypatch.setattr(accruals, "LINE_BATCH", 2)  # every accrual's lines go in behind the run

    def stop(accrual) -> None:  # as a window's run told to stop, or `--json` finding its output gone
        if accrual.agency == "AG02":
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match=r"^stopped$"):
        post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1), each=stop)
    assert counts(Accrual, AccrualLine, LedgerEntry, PostedPeriod) == {
        "accruals": 0, "accrual_lines": 0, "ledger_entries": 0, "posted_periods": 0}
    assert [t.name for t in threading.enumerate() if t.name.startswith("insert ")] == []
    # and then posted whole
    assert sum(len(a.lines) for a in post_period(db, FINANCE, "2026-01", as_of=date(2026, 2, 1)).accruals) == 6
    assert counts(AccrualLine) == {"accrual_lines": 6}
