"""The demo data set: built through the real imports and postings, with every promised feature."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.accruals import post_period, preview_period
from partner_desk.services.demo import build_demo, demo_periods
from partner_desk.services.imports import import_file
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database
from partner_desk.store.models import (
    Accrual,
    AccrualLine,
    Agency,
    Connection,
    ImportRun,
    LedgerEntry,
    Payment,
    PostedPeriod,
    Project,
    Rate,
)
from partner_desk.store.queries import posted_periods
from tests.fixed_clock import clock_at

TODAY = date(2026, 11, 28)
NOW = "2026-11-28T09:00"  # the product's clock while the demo is built
ENDED = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    folder = tmp_path_factory.mktemp("demo")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    init_database(database)
    with clock_at(NOW):
        summary = build_demo(database)
    yield database, summary
    database.dispose()


def _rows(db: Database, stmt):
    with db.read() as session:
        return list(session.execute(stmt))


def test_months_are_the_six_before_today_and_the_running_one() -> None:
    assert [str(p) for p in demo_periods(TODAY)] == [*ENDED, "2026-11"]
    # January looks back into the previous year: 2026-07 .. 2026-12, then 2027-01
    assert [str(p) for p in demo_periods(date(2027, 1, 5))] == [
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]


def test_agencies_currencies_managers_and_offers(demo: tuple[Database, str]) -> None:
    db, summary = demo
    agencies = [row[0] for row in _rows(db, select(Agency))]
    assert len(agencies) >= 30
    currencies = {a.currency for a in agencies}
    assert {"JPY", "KWD", "USD", "EUR", "UAH", "PLN"} <= currencies
    assert {a.manager for a in agencies} >= {"olena", "petro", "iryna"}
    accepted = [a for a in agencies if a.offer_accepted_at is not None]
    assert 0 < len(accepted) < len(agencies)
    assert f"{len(agencies)} agencies in {len(currencies)} currencies" in summary
    assert "2026-11 is open" in summary


def test_everything_went_through_the_import_service(demo: tuple[Database, str]) -> None:
    db, _ = demo
    kinds = [kind for (kind,) in _rows(db, select(ImportRun.kind).order_by(ImportRun.id))]
    # one file per kind, then the late payments imported after their months were posted
    assert kinds[:4] == ["agencies", "projects", "rates", "payments"]
    assert kinds[4:] == ["payments", "payments", "payments"]


def test_two_hundred_projects_some_moved_mid_month_some_disconnected(demo: tuple[Database, str]) -> None:
    db, _ = demo
    assert _rows(db, select(func.count()).select_from(Project))[0][0] == 200
    spans: dict[str, list[Connection]] = defaultdict(list)
    for (c,) in _rows(db, select(Connection).order_by(Connection.connected_at)):
        spans[c.project_id].append(c)
    moved = {p: cs for p, cs in spans.items() if len(cs) > 1}
    assert len(moved) >= 5
    for connections in moved.values():
        first, second = connections
        assert first.disconnected_at == second.connected_at
        assert first.agency_id != second.agency_id
    ended = [cs[0] for cs in spans.values() if len(cs) == 1 and cs[0].disconnected_at is not None]
    assert len(ended) >= 5


def test_a_moved_project_earns_for_both_agencies_in_the_month_it_moved(demo: tuple[Database, str]) -> None:
    db, _ = demo
    rows = _rows(db, select(Connection.project_id, func.count()).group_by(Connection.project_id)
                 .having(func.count() > 1))
    earned: dict[str, set[int]] = defaultdict(set)
    for project_id, _n in rows:
        lines = _rows(db, select(Accrual.agency_id)
                      .join(AccrualLine, AccrualLine.accrual_id == Accrual.id)
                      .join(Payment, Payment.payment_id == AccrualLine.payment_id)
                      .where(Payment.project_id == project_id, AccrualLine.late.is_(False)))
        earned[project_id] = {agency_id for (agency_id,) in lines}
    # every moved project that paid both before and after its move shows up under two agencies
    assert sum(1 for agencies in earned.values() if len(agencies) == 2) >= 3


def test_every_service_kind_and_never_connected_payers(demo: tuple[Database, str]) -> None:
    db, _ = demo
    services = {s for (s,) in _rows(db, select(Payment.service).distinct())}
    assert services == {"subscription", "numbers", "telephony", "other"}
    connected = select(Connection.project_id)
    never = _rows(db, select(Payment.payment_id).where(Payment.project_id.not_in(connected)))
    assert len(never) > 0
    accrued = _rows(db, select(func.count()).select_from(AccrualLine)
                    .join(Payment, Payment.payment_id == AccrualLine.payment_id)
                    .where(Payment.project_id.not_in(connected)))
    assert accrued[0][0] == 0


def test_payments_span_six_months_and_the_running_month_so_far(demo: tuple[Database, str]) -> None:
    db, _ = demo
    periods = {p for (p,) in _rows(db, select(Payment.period).distinct())}
    assert periods == {*ENDED, "2026-11"}
    last_day = _rows(db, select(func.max(Payment.local_date)))[0][0]
    assert last_day < TODAY


def test_daily_rates_for_every_currency_over_the_span(demo: tuple[Database, str]) -> None:
    db, _ = demo
    currencies = {c for (c,) in _rows(db, select(Agency.currency).distinct())} | {
        c for (c,) in _rows(db, select(Payment.currency).distinct())}
    days: dict[str, set[date]] = defaultdict(set)
    for currency, day in _rows(db, select(Rate.currency, Rate.day)):
        days[currency].add(day)
    span = {date(2026, 5, 1) + timedelta(days=n) for n in range((TODAY - date(2026, 5, 1)).days + 1)}
    for currency in currencies - {"USD"}:
        assert span <= days[currency], currency


def test_full_and_partial_refunds_some_in_a_later_month(demo: tuple[Database, str]) -> None:
    db, _ = demo
    original = Payment.__table__.alias("original")
    refunds = _rows(db, select(Payment.amount_minor, Payment.period, original.c.amount_minor,
                               original.c.period, original.c.service)
                    .join(original, original.c.payment_id == Payment.refund_of))
    assert any(-minor == o_minor for minor, _p, o_minor, _op, _s in refunds)
    assert any(0 < -minor < o_minor for minor, _p, o_minor, _op, _s in refunds)
    assert any(period > o_period for _m, period, _om, o_period, _s in refunds)
    assert any(service == "telephony" for *_rest, service in refunds)


def test_refund_lines_reverse_at_the_original_terms(demo: tuple[Database, str]) -> None:
    db, _ = demo
    original_line = AccrualLine.__table__.alias("original_line")
    rows = _rows(db, select(AccrualLine.percent, AccrualLine.pay_rate, AccrualLine.partner_rate,
                            AccrualLine.commission_minor, original_line.c.percent, original_line.c.pay_rate,
                            original_line.c.partner_rate, original_line.c.commission_minor)
                 .join(Payment, Payment.payment_id == AccrualLine.payment_id)
                 .join(original_line, original_line.c.payment_id == Payment.refund_of))
    assert len(rows) >= 8
    for percent, pay_rate, partner_rate, commission, o_percent, o_pay, o_partner, o_commission in rows:
        assert (percent, pay_rate, partner_rate) == (o_percent, Decimal(o_pay),
                                                      None if o_partner is None else Decimal(o_partner))
        assert commission <= 0
        assert -commission <= o_commission
    # the telephony refund earned nothing, as its original earned nothing
    telephony_refund_lines = _rows(db, select(func.count()).select_from(AccrualLine)
                                   .join(Payment, Payment.payment_id == AccrualLine.payment_id)
                                   .where(Payment.service != "subscription"))
    assert telephony_refund_lines[0][0] == 0


def test_past_months_posted_in_order_and_the_running_month_open(demo: tuple[Database, str], clock) -> None:
    db, _ = demo
    clock(NOW)
    with db.read() as session:
        assert [str(p) for p in posted_periods(session)] == ENDED
    as_of = {a for (a,) in _rows(db, select(PostedPeriod.as_of))}
    assert as_of == {TODAY}
    current = preview_period(db, SETUP, "2026-11", as_of=TODAY)
    assert current.accruals
    assert not current.already_accrued
    with pytest.raises(UserError, match="has not ended"):
        post_period(db, Actor("finance", Role.FINANCE), "2026-11")  # the demo's finance user


def test_late_payments_are_accrued_late_in_the_next_month(demo: tuple[Database, str]) -> None:
    db, _ = demo
    rows = _rows(db, select(Accrual.agency_id, Accrual.period, Payment.period, AccrualLine.percent)
                 .join(AccrualLine, AccrualLine.accrual_id == Accrual.id)
                 .join(Payment, Payment.payment_id == AccrualLine.payment_id)
                 .where(AccrualLine.late.is_(True), Payment.refund_of.is_(None)))
    assert len(rows) >= 4
    percents = {(a, p): pc for a, p, pc in _rows(db, select(Accrual.agency_id, Accrual.period, Accrual.percent))}
    for agency_id, accrued_in, own_period, percent in rows:
        assert Period.parse(accrued_in) == Period.parse(own_period).next()
        # at the percent its own month reached (the base 10 % when the agency had no accrual then)
        assert percent == percents.get((agency_id, own_period), Decimal("10"))
    # the last posted month's late arrivals wait in the running month's preview
    current = preview_period(db, SETUP, "2026-11", as_of=TODAY)
    late = [line for a in current.accruals for line in a.lines if line.late]
    assert {str(line.period) for line in late} == {"2026-10"}


def test_every_commission_level_and_both_reward_levels_are_reached(demo: tuple[Database, str]) -> None:
    db, _ = demo
    rows = _rows(db, select(Accrual.percent, Accrual.reward_usd))
    assert {percent for percent, _ in rows} == {Decimal(p) for p in ("10", "15", "20", "25", "30")}
    assert any(reward >= Decimal("200") for _, reward in rows)
    assert any(reward >= Decimal("3000") for _, reward in rows)
    assert any(reward < Decimal("200") for _, reward in rows)


def test_ledger_credits_equal_accrual_totals_and_lines(demo: tuple[Database, str]) -> None:
    db, _ = demo
    accruals = {aid: (agency, amount) for aid, agency, amount in
                _rows(db, select(Accrual.id, Accrual.agency_id, Accrual.amount_minor))}
    ledger: dict[int, int] = defaultdict(int)
    for accrual_id, agency_id, amount in _rows(db, select(LedgerEntry.accrual_id, LedgerEntry.agency_id,
                                                          LedgerEntry.amount_minor)
                                                   .where(LedgerEntry.accrual_id.is_not(None))):
        assert accruals[accrual_id][0] == agency_id
        ledger[accrual_id] += amount
    lines: dict[int, int] = defaultdict(int)
    for accrual_id, commission in _rows(db, select(AccrualLine.accrual_id, AccrualLine.commission_minor)):
        lines[accrual_id] += commission
    assert ledger == {aid: amount for aid, (_agency, amount) in accruals.items()}
    assert lines == ledger
    kinds = {k for (k,) in _rows(db, select(LedgerEntry.kind).where(LedgerEntry.accrual_id.is_not(None))
                                 .distinct())}
    assert kinds == {"accrual", "refund_reversal"}


def test_the_same_day_gives_the_same_data(demo: tuple[Database, str], tmp_path: Path) -> None:
    db, summary = demo
    again = Database(f"sqlite:///{tmp_path / 'again.db'}")
    init_database(again)
    try:
        with clock_at(NOW):
            assert build_demo(again) == summary
        stmt = select(Payment.payment_id, Payment.project_id, Payment.paid_at, Payment.amount_minor,
                      Payment.currency).order_by(Payment.payment_id)
        assert _rows(again, stmt) == _rows(db, stmt)
        totals = select(Accrual.period, Accrual.agency_id, Accrual.amount_minor).order_by(Accrual.id)
        assert _rows(again, totals) == _rows(db, totals)
    finally:
        again.dispose()


def test_refuses_a_database_that_has_agencies(db: Database, write_csv) -> None:
    import_file(db, SETUP, "agencies", write_csv("code,name,currency\nAG01,Own Agency,USD"))
    with pytest.raises(UserError, match="already has agencies"):
        build_demo(db)
    assert _rows(db, select(func.count()).select_from(Agency))[0][0] == 1
    assert _rows(db, select(func.count()).select_from(Payment))[0][0] == 0
    assert _rows(db, select(func.count()).select_from(PostedPeriod))[0][0] == 0


def test_the_demo_agencies_have_statements_in_both_languages(demo: tuple[Database, str]) -> None:
    db, _summary = demo
    languages = {(currency, language) for currency, language in _rows(db, select(Agency.currency, Agency.language))}
    # the hryvnia agencies read Ukrainian; some others asked for English; the rest take the company default
    assert {language for currency, language in languages if currency == "UAH"} == {"uk"}
    assert {language for currency, language in languages if currency != "UAH"} == {"en", None}
