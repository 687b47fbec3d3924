"""Every posted accrual of a realistic data set, re-derived from the stored rows alone.

The demo data set (moves, late payments, refunds, seven currencies, six posted months) is built, then
each stored line and accrual is checked against the rules in exact fractions: the rates are the ones
of the payment's own local day, the line's figures follow from them, turnover and percent follow
from the regular lines, the total is the sum of the rounded lines, and the ledger credits it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import select

from partner_desk.domain.money import from_minor, minor_digits
from partner_desk.domain.periods import Period
from partner_desk.services.demo import build_demo
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, AccrualLine, Agency, Connection, LedgerEntry, Payment
from partner_desk.store.queries import rate_book, tier_history
from tests.fixed_clock import clock_at

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def posted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('posted') / 'demo.db'}")
    init_database(database)
    with clock_at("2026-11-28T09:00"):
        build_demo(database)
    yield database
    database.dispose()


def half_up(value: Fraction, digits: int) -> Fraction:
    scaled = value * 10**digits
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    whole += 2 * rest >= scaled.denominator
    return Fraction(whole if scaled >= 0 else -whole, 10**digits)


def test_every_posted_line_and_accrual_follows_from_the_stored_rows(posted: Database) -> None:
    accruals, lines, refunds, late = assert_posted_rules(posted)
    assert accruals > 100
    assert lines > 1000
    assert refunds >= 5
    assert late >= 3
    with posted.read() as session:
        # a currency with three minor digits and one with none are among them
        assert {"KWD", "JPY"} <= set(session.scalars(select(Accrual.currency)))


def assert_posted_rules(posted: Database) -> tuple[int, int, int, int]:
    """Check every stored accrual and line against the rules; returns the numbers of accruals, lines,
    refund lines and late lines checked."""
    with posted.read() as session:
        book = rate_book(session)
        history = tier_history(session)
        agencies = {a.id: a for a in session.scalars(select(Agency))}
        accruals = {a.id: a for a in session.scalars(select(Accrual))}
        payments = {p.payment_id: p for p in session.scalars(select(Payment))}
        lines = list(session.scalars(select(AccrualLine)))
        credits: dict[int, int] = defaultdict(int)
        for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.accrual_id.is_not(None))):
            credits[entry.accrual_id] += entry.amount_minor
        connections = list(session.scalars(select(Connection)))

    by_accrual: dict[int, list[AccrualLine]] = defaultdict(list)
    line_of = {line.payment_id: line for line in lines}
    for line in lines:
        by_accrual[line.accrual_id].append(line)
    checked_refunds = checked_late = 0
    percent_of = {(a.agency_id, a.period): a.percent for a in accruals.values()}
    for line in lines:
        accrual = accruals[line.accrual_id]
        agency = agencies[accrual.agency_id]
        payment = payments[line.payment_id]
        amount = Fraction(from_minor(payment.amount_minor, payment.currency))
        # late exactly when the payment's own month is not the accrual's month
        assert line.late == (payment.period != accrual.period), line.payment_id
        if payment.refund_of is None:
            assert payment.service == "subscription", line.payment_id
            # earned by the agency the project was connected to at that moment
            owner = [c.agency_id for c in connections if c.project_id == payment.project_id
                     and c.connected_at <= payment.paid_at
                     and (c.disconnected_at is None or payment.paid_at < c.disconnected_at)]
            assert owner == [accrual.agency_id], line.payment_id
            # the rates of the payment's own local day
            assert line.pay_rate == book.rate(payment.currency, payment.local_date), line.payment_id
            if line.late:
                # its own month's accrued percent for this agency, else that month's base level
                own = percent_of.get((accrual.agency_id, payment.period))
                base = history.table_for(Period.parse(payment.period)).base_percent
                assert line.percent == (own if own is not None else base), line.payment_id
                checked_late += 1
            if payment.currency == agency.currency:
                assert line.partner_rate is None
            else:
                assert line.partner_rate == book.rate(agency.currency, payment.local_date), line.payment_id
        else:
            # a refund reverses at its original's terms, for the original's agency
            original = line_of[payment.refund_of]
            assert (line.percent, line.pay_rate, line.partner_rate) == (
                original.percent, original.pay_rate, original.partner_rate)
            assert accruals[original.accrual_id].agency_id == accrual.agency_id
            checked_refunds += 1
        usd = amount / Fraction(line.pay_rate)
        partner = amount if line.partner_rate is None else usd * Fraction(line.partner_rate)
        # stored exactly to 60 significant digits
        assert abs(Fraction(line.usd_amount) - usd) < Fraction(1, 10**40)
        assert abs(Fraction(line.partner_amount) - partner) < Fraction(1, 10**40)
        expected = half_up(partner * Fraction(line.percent) / 100, minor_digits(agency.currency))
        assert Fraction(from_minor(line.commission_minor, agency.currency)) == expected, line.payment_id

    for accrual_id, accrual in accruals.items():
        own = by_accrual[accrual_id]
        cur = accrual.currency
        assert cur == agencies[accrual.agency_id].currency
        assert (accrual.lines, accrual.late_lines) == (len(own), sum(1 for x in own if x.late))
        total = sum(x.commission_minor for x in own)
        assert accrual.amount_minor == total == credits[accrual_id], accrual_id
        regular = [x for x in own if not x.late and payments[x.payment_id].refund_of is None]
        turnover = sum((Fraction(from_minor(payments[x.payment_id].amount_minor, payments[x.payment_id].currency))
                        / Fraction(x.pay_rate) for x in regular), Fraction(0))
        assert abs(Fraction(accrual.turnover_usd) - turnover) < Fraction(1, 10**40)
        table = history.table_for(Period.parse(accrual.period))
        assert accrual.percent == table.percent_for(turnover)
        assert all(x.percent == accrual.percent for x in regular)
        reward = sum((Fraction(x.usd_amount) * Fraction(x.percent) / 100 for x in own), Fraction(0))
        assert Fraction(accrual.reward_usd) == half_up(reward, 2), accrual_id
    return len(accruals), len(lines), checked_refunds, checked_late
