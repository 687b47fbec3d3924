"""Posting and previewing monthly accruals end to end, from imported files (SPEC sections 3, 4 and 6).

The data set, with the figures every test below is checked against:

agencies: AG01 in EUR, AG02 in UAH, AG03 in USD
projects: P1 (UAH) -> AG01; P2 (USD) -> AG02; P3 (EUR) -> AG01 until Jan 15 00:00, then AG03
rates per USD: from 2025-12-01 UAH 40, EUR 0.8; from 2026-01-01 UAH 40, EUR 0.9; from 2026-02-01 UAH 42, EUR 0.92

January 2026
  j1 P1 Jan 5  subscription 20000.00 UAH -> AG01: $500, €450
  j2 P1 Jan 6  numbers       4000.00 UAH -> earns nothing
  j3 P3 Jan 10 subscription     90.00 EUR -> AG01: $100, €90 (no conversion)
  j4 P3 Jan 20 subscription     45.00 EUR -> AG03: $50, $50
  j7 P3 Jan 15 00:00 exactly     9.00 EUR -> AG03 (connected from <= time < until): $10
  j5 P2 Jan 7  subscription   1200.00 USD -> AG02: $1200, 48000 UAH
  j6 NOPE Jan 8 subscription   100.00 USD -> never connected: earns nothing
  d1 P2 Dec 15 2025 subscription 100.00 USD -> AG02, earlier than the first posted period: late in January
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.money import from_minor
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.files.table import FileRejected
from partner_desk.services.accruals import post_period, preview_period, run_as_dict
from partner_desk.services.balances import balances
from partner_desk.services.guard import Refused
from partner_desk.services.verify import check
from partner_desk.store.models import Accrual, AccrualLine, Agency, LedgerEntry, PostedPeriod

PAY = "payment_id,project_id,paid_at,service,amount,currency,refund_of"
FEB_1 = date(2026, 2, 1)
MAR_1 = date(2026, 3, 1)
FINANCE = Actor("fin", Role.FINANCE)


@pytest.fixture
def world(load) -> None:
    load("agencies", """
code,name,currency,offer_accepted_at
AG01,Alpha,EUR,2025-06-01
AG02,Beta,UAH,
AG03,Gamma,USD,
""")
    load("projects", """
project_id,name,currency,agency_code,connected_at,disconnected_at
P1,Shop,UAH,AG01,2025-01-01,
P2,Clinic,USD,AG02,2025-01-01,
P3,Hotel,EUR,AG01,2025-01-01,2026-01-15T00:00
P3,Hotel,EUR,AG03,2026-01-15T00:00,
""")
    load("rates", """
date,currency,per_usd
2025-12-01,UAH,40
2025-12-01,EUR,0.8
2026-01-01,UAH,40
2026-01-01,EUR,0.9
2026-02-01,UAH,42
2026-02-01,EUR,0.92
""")
    load("payments", f"""
{PAY}
j1,P1,2026-01-05T10:00,subscription,20000.00,UAH,
j2,P1,2026-01-06T10:00,numbers,4000.00,UAH,
j3,P3,2026-01-10T10:00,subscription,90.00,EUR,
j4,P3,2026-01-20T10:00,subscription,45.00,EUR,
j7,P3,2026-01-15T00:00,subscription,9.00,EUR,
j5,P2,2026-01-07T10:00,subscription,1200.00,USD,
j6,NOPE,2026-01-08T10:00,subscription,100.00,USD,
d1,P2,2025-12-15T10:00,subscription,100.00,USD,
""")


def by_agency(run):
    return {a.agency: a for a in run.accruals}


def ledger(db, code: str) -> list[tuple[str, Decimal]]:

    with db.read() as session:
        agency = session.scalar(select(Agency).where(Agency.code == code))
        rows = session.scalars(select(LedgerEntry).where(LedgerEntry.agency_id == agency.id)
                               .order_by(LedgerEntry.id))
        return [(r.kind, from_minor(r.amount_minor, r.currency)) for r in rows]


def test_january_posting(db, world, audits) -> None:
    run = post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    assert run.posted
    assert not run.already_accrued
    found = by_agency(run)
    assert sorted(found) == ["AG01", "AG02", "AG03"]

    ag01 = found["AG01"]
    # turnover $500 + $100 = $600 -> 15%; j1 €450 × 15% = 67.50, j3 €90 × 15% = 13.50
    assert ag01.turnover_usd == Decimal("600.00")
    assert ag01.percent == Decimal("15")
    assert {line.payment_id: line.commission for line in ag01.lines} == {
        "j1": Decimal("67.50"), "j3": Decimal("13.50")}
    assert ag01.total == Decimal("81.00")
    assert ag01.reward_usd == Decimal("90.00")  # $600 × 15%

    ag02 = found["AG02"]
    # $1200 -> 15%: 48000 UAH × 15% = 7200.00; d1 is late at December's base 10%:
    # $100 × 40 = 4000 UAH × 10% = 400.00
    assert ag02.turnover_usd == Decimal("1200.00")
    assert ag02.percent == Decimal("15")
    lines = {line.payment_id: line for line in ag02.lines}
    assert (lines["j5"].commission, lines["j5"].late) == (Decimal("7200.00"), False)
    assert (lines["d1"].commission, lines["d1"].late, lines["d1"].percent) == (Decimal("400.00"), True, Decimal("10"))
    assert ag02.total == Decimal("7600.00")
    assert ag02.reward_usd == Decimal("190.00")  # 1200 × 15% + 100 × 10%
    assert ag02.benefits == ()

    ag03 = found["AG03"]
    # j4 €45 / 0.9 = $50, j7 €9 / 0.9 = $10: $60 -> 10%: 5.00 + 1.00
    assert ag03.turnover_usd == Decimal("60.00")
    assert {line.payment_id for line in ag03.lines} == {"j4", "j7"}
    assert ag03.total == Decimal("6.00")

    # the ledger credits each agency with its total, on the period's last day
    assert ledger(db, "AG01") == [("accrual", Decimal("81.00"))]
    assert ledger(db, "AG02") == [("accrual", Decimal("7600.00"))]
    with db.read() as session:
        assert {e.effective_on for e in session.scalars(select(LedgerEntry))} == {date(2026, 1, 31)}
        stored = sorted((a.period, a.currency, a.amount_minor, a.lines, a.late_lines)
                        for a in session.scalars(select(Accrual)))
        assert stored == [("2026-01", "EUR", 8100, 2, 0), ("2026-01", "UAH", 760000, 2, 1),
                          ("2026-01", "USD", 600, 2, 0)]
        assert session.scalar(select(PostedPeriod.as_of)) == FEB_1
        # j2 (numbers) and j6 (never connected) earn nothing and have no line
        accrued = set(session.scalars(select(AccrualLine.payment_id)))
    assert accrued == {"j1", "j3", "j4", "j7", "j5", "d1"}
    last = audits()[-1]
    assert (last.user_name, last.action, last.object, last.outcome) == ("fin", "accrue.post", "2026-01", "ok")
    assert '"EUR":"81.00"' in (last.after or "")


def test_posted_totals_match_the_ledger_and_the_lines(db, world) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    with db.read() as session:
        for accrual in session.scalars(select(Accrual)):
            line_sum = sum(session.scalars(select(AccrualLine.commission_minor)
                                           .where(AccrualLine.accrual_id == accrual.id)))
            ledger_sum = sum(session.scalars(select(LedgerEntry.amount_minor)
                                             .where(LedgerEntry.accrual_id == accrual.id)))
            assert accrual.amount_minor == line_sum == ledger_sum


def test_a_period_that_has_not_ended_cannot_be_posted(db, world, counts, audits, clock) -> None:
    clock("2026-01-31T12:00")
    with pytest.raises(UserError, match=r"2026-01 has not ended in the company time zone \(today is 2026-01-31\)"):
        post_period(db, FINANCE, "2026-01")
    assert counts(PostedPeriod, Accrual, AccrualLine, LedgerEntry) == {
        "posted_periods": 0, "accruals": 0, "accrual_lines": 0, "ledger_entries": 0}
    assert (audits()[-1].action, audits()[-1].outcome) == ("accrue.post", "refused")


def test_a_second_run_posts_nothing_and_says_so(db, world, counts) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    before = counts(Accrual, AccrualLine, LedgerEntry)
    again = post_period(db, FINANCE, "2026-01", as_of=MAR_1)
    assert again.already_accrued
    assert not again.posted
    assert again.accruals == []
    assert again.message == "2026-01 is already accrued: nothing was posted"
    assert counts(Accrual, AccrualLine, LedgerEntry) == before
    assert run_as_dict(again) == {"period": "2026-01", "already_accrued": True, "accruals": []}


def test_periods_are_posted_in_order(db, world) -> None:
    post_period(db, FINANCE, "2026-01", as_of=date(2026, 4, 1))
    with pytest.raises(UserError, match="periods are posted in order: the next period to post is 2026-02"):
        post_period(db, FINANCE, "2026-03", as_of=date(2026, 4, 1))
    with pytest.raises(UserError, match="2025-12 is before the first posted period 2026-01"):
        post_period(db, FINANCE, "2025-12", as_of=date(2026, 4, 1))
    assert post_period(db, FINANCE, "2026-02", as_of=date(2026, 4, 1)).posted


def test_a_manager_may_preview_but_not_post(db, world, counts, audits) -> None:
    manager = Actor("mia", Role.MANAGER)
    assert len(preview_period(db, manager, "2026-01", as_of=FEB_1).accruals) == 3
    with pytest.raises(Refused, match=r"mia \(manager\) may not post accruals: it needs the finance role"):
        post_period(db, manager, "2026-01", as_of=FEB_1)
    assert counts(PostedPeriod, LedgerEntry) == {"posted_periods": 0, "ledger_entries": 0}
    assert (audits()[-1].user_name, audits()[-1].outcome) == ("mia", "refused")


def test_preview_computes_what_posting_posts_and_writes_nothing(db, world, counts) -> None:
    before = counts(PostedPeriod, Accrual, AccrualLine, LedgerEntry)
    preview = preview_period(db, FINANCE, "2026-01", as_of=FEB_1)
    assert counts(PostedPeriod, Accrual, AccrualLine, LedgerEntry) == before
    posted = post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    assert run_as_dict(preview) == run_as_dict(posted)


def test_preview_of_the_running_month_is_the_current_commission(db, world, load, clock) -> None:
    clock("2026-02-10T09:00")
    post_period(db, FINANCE, "2026-01")
    load("payments", f"{PAY}\nf1,P1,2026-02-03T10:00,subscription,4200.00,UAH,")
    run = preview_period(db, FINANCE, "2026-02")
    assert run.message == "preview of 2026-02: 1 accruals (2026-02 has not ended: preview only)"
    ag01 = by_agency(run)["AG01"]
    # 4200 UAH / 42 = $100 -> 10%; × 0.92 = €92 × 10% = 9.20
    assert ag01.total == Decimal("9.20")
    with pytest.raises(UserError, match="2026-02 has not ended"):
        post_period(db, FINANCE, "2026-02")


def test_february_with_a_late_payment_and_a_refund(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    load("payments", f"""
{PAY}
f1,P1,2026-02-03T10:00,subscription,4200.00,UAH,
l1,P1,2026-01-25T10:00,subscription,4000.00,UAH,
r1,P1,2026-02-10T10:00,subscription,-8000.00,UAH,j1
""")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    ag01 = by_agency(run)["AG01"]
    lines = {line.payment_id: line for line in ag01.lines}
    # f1: $100 -> February turnover $100 -> 10%: €92 × 10% = 9.20
    assert ag01.turnover_usd == Decimal("100.00")
    assert ag01.percent == Decimal("10")
    assert lines["f1"].commission == Decimal("9.20")
    # l1 is late: January's accrued 15% and January's rates (UAH 40, EUR 0.9): $100 -> €90 × 15% = 13.50
    assert (lines["l1"].late, lines["l1"].percent, lines["l1"].commission) == (True, Decimal("15"), Decimal("13.50"))
    # r1 reverses at j1's posted terms: -8000 / 40 = -$200 × 0.9 = -€180 × 15% = -27.00; not late
    assert (lines["r1"].late, lines["r1"].percent, lines["r1"].commission) == (False, Decimal("15"), Decimal("-27.00"))
    assert ag01.total == Decimal("-4.30")  # 9.20 + 13.50 - 27.00
    # reward = $100 × 10% + $100 × 15% - $200 × 15% = -$5.00
    assert ag01.reward_usd == Decimal("-5.00")
    assert ledger(db, "AG01") == [
        ("accrual", Decimal("81.00")),
        ("accrual", Decimal("22.70")),  # 9.20 + 13.50
        ("refund_reversal", Decimal("-27.00")),
    ]
    [balance] = balances(db, "AG01", as_of=MAR_1)
    assert balance.position.balance == Decimal("76.70")  # 81.00 + 22.70 - 27.00


def test_a_late_payment_of_a_month_the_agency_had_no_accrual_earns_the_base_level(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    # P3 belonged to AG01 on Jan 12; AG01 had a January accrual at 15%, so that one gets 15%.
    # AG03 had one too (10%). P2's agency AG02 had none in December: base 10%.
    load("payments", f"""
{PAY}
l2,P2,2025-12-20T10:00,subscription,50.00,USD,
l3,P3,2026-01-12T10:00,subscription,18.00,EUR,
""")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    found = by_agency(run)
    # l2: $50 × 40 (December UAH) = 2000 UAH × 10% = 200.00
    [l2] = found["AG02"].lines
    assert (l2.late, l2.percent, l2.commission) == (True, Decimal("10"), Decimal("200.00"))
    # l3: €18 in an EUR account, January's 15% for AG01: 2.70
    [l3] = found["AG01"].lines
    assert (l3.late, l3.percent, l3.commission) == (True, Decimal("15"), Decimal("2.70"))
    # late payments make no turnover: both agencies' February turnover is 0
    assert found["AG02"].turnover_usd == found["AG01"].turnover_usd == Decimal("0.00")


def test_a_refund_bigger_than_the_month_can_make_the_balance_negative(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    load("payments", f"{PAY}\nr2,P3,2026-02-02T10:00,subscription,-90.00,EUR,j3")
    load("payments", f"{PAY}\nr3,P1,2026-02-02T10:00,subscription,-20000.00,UAH,j1")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    # r2: -€90 × 15% = -13.50; r3: -€450 × 15% = -67.50; together all of January's 81.00
    assert by_agency(run)["AG01"].total == Decimal("-81.00")
    [balance] = balances(db, "AG01", as_of=MAR_1)
    assert balance.position.balance == Decimal("0.00")


def test_refund_of_a_payment_that_earned_nothing_earns_nothing(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    load("payments", f"""
{PAY}
r4,P1,2026-02-02T10:00,numbers,-4000.00,UAH,j2
r5,NOPE,2026-02-02T10:00,subscription,-100.00,USD,j6
""")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    assert run.accruals == []


def test_refund_of_a_moved_project_reverses_with_the_original_agency(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    # j3 was earned by AG01 although P3 now belongs to AG03
    load("payments", f"{PAY}\nr6,P3,2026-02-05T10:00,subscription,-10.00,EUR,j3")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    found = by_agency(run)
    assert set(found) == {"AG01"}
    assert found["AG01"].total == Decimal("-1.50")  # -€10 × 15%


def test_missing_rate_names_currency_and_date_and_nothing_is_posted(db, world, load, counts, audits) -> None:
    load("agencies", "code,name,currency\nAG04,Delta,GBP")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP4,Bar,USD,AG04,2025-01-01")
    load("payments", f"{PAY}\ng1,P4,2026-01-09T10:00,subscription,10.00,USD,")
    with pytest.raises(MissingRates, match="missing exchange rate: GBP on 2026-01-09"):
        post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    assert counts(PostedPeriod, Accrual, AccrualLine, LedgerEntry) == {
        "posted_periods": 0, "accruals": 0, "accrual_lines": 0, "ledger_entries": 0}
    assert audits()[-1].outcome == "refused"
    with pytest.raises(MissingRates, match="GBP on 2026-01-09"):
        preview_period(db, FINANCE, "2026-01", as_of=FEB_1)


def test_a_new_commission_table_applies_from_its_period(db, world, load) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    load("tiers", "effective_from,min_turnover_usd,percent\n2026-02,0,12\n2026-02,50,40")
    load("payments", f"{PAY}\nf1,P1,2026-02-03T10:00,subscription,4200.00,UAH,\n"
                     "l1,P1,2026-01-25T10:00,subscription,4000.00,UAH,")
    run = post_period(db, FINANCE, "2026-02", as_of=MAR_1)
    lines = {line.payment_id: line for line in by_agency(run)["AG01"].lines}
    # $100 reaches the new $50 level: 40%; €92 × 40% = 36.80
    assert (lines["f1"].percent, lines["f1"].commission) == (Decimal("40"), Decimal("36.80"))
    # the late January payment stays under January's table and percent: 15%
    assert lines["l1"].percent == Decimal("15")


def test_commission_tables_of_posted_periods_cannot_change(db, world, load) -> None:

    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    with pytest.raises(FileRejected) as caught:
        load("tiers", "effective_from,min_turnover_usd,percent\n2026-01,0,12")
    assert "row 2: effective_from: 2026-01 is already posted; a new table can take effect from 2026-02 on" in str(
        caught.value)
    with pytest.raises(FileRejected) as caught:
        load("tiers", "effective_from,min_turnover_usd,percent\n0001-01,0,11")
    assert "row 2: effective_from: the table from 0001-01 was used by a posted period and can no longer change" in (
        str(caught.value))


def test_posted_rows_are_append_only_in_the_database(db, world) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    for statement in ("UPDATE ledger_entries SET amount_minor = 0", "DELETE FROM accrual_lines",
                      "UPDATE accruals SET amount_minor = 0", "DELETE FROM posted_periods",
                      "UPDATE audit SET message = 'x'"):
        with pytest.raises(DatabaseError, match="is append-only"), db.write() as session:
            session.execute(text(statement))


def test_the_audit_chain_is_intact_and_shows_tampering(db, world) -> None:
    post_period(db, FINANCE, "2026-01", as_of=FEB_1)
    with db.read() as session:
        result = check(session)
    assert result.intact
    assert result.head.count == 5
    with db.write() as session:
        session.execute(text("DROP TRIGGER audit_no_update"))
        session.execute(text("UPDATE audit SET message = 'forged' WHERE id = 2"))
    with db.read() as session:
        result = check(session)
    assert [str(p) for p in result.problems] == [
        "audit record 2: was altered: its content no longer matches its hash"]


def test_json_shape_of_a_run(db, world) -> None:
    data = run_as_dict(preview_period(db, SETUP, "2026-01", as_of=FEB_1))
    assert data["period"] == "2026-01"
    assert data["already_accrued"] is False
    ag01 = next(a for a in data["accruals"] if a["agency"] == "AG01")
    assert {k: ag01[k] for k in ("agency", "period", "currency", "turnover_usd", "percent", "amount",
                                 "reward_usd", "benefits")} == {
        "agency": "AG01", "period": "2026-01", "currency": "EUR", "turnover_usd": "600.00",
        "percent": "15", "amount": "81.00", "reward_usd": "90.00", "benefits": []}
    j1 = next(line for line in ag01["lines"] if line["payment_id"] == "j1")
    assert {k: j1[k] for k in ("payment_id", "commission", "percent", "late")} == {
        "payment_id": "j1", "commission": "67.50", "percent": "15", "late": False}
