"""Sums of money in the database are exact whatever their size: SQLite's SUM stops with "integer
overflow" past 2**63 minor units, which once made every balance unreadable for good."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from partner_desk.domain.bounds import MAX_INTEGER_DIGITS
from partner_desk.domain.errors import UserError
from partner_desk.domain.money import minor_digits, to_minor
from partner_desk.services.balances import balances
from partner_desk.store import chain
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, LedgerEntry
from partner_desk.store.sums import exact_sum

INT64 = 2**63 - 1


def _agency_with_entries(db: Database, amounts: list[int]) -> None:
    with db.write() as session:
        agency_id = session.execute(insert(Agency).values(
            code="AG01", name="Alpha", currency="USD", created_at=datetime(2026, 1, 1, tzinfo=UTC),
        ).returning(Agency.id)).scalar_one()
        # the ledger is written only along its hash chain, as the product writes it
        chain.append(session, chain.LEDGER, [
            {"agency_id": agency_id, "kind": "correction", "amount_minor": minor, "currency": "USD",
             "effective_on": date(2026, 1, 5), "created_at": datetime(2026, 1, 5, tzinfo=UTC), "note": "big"}
            for minor in amounts])


def test_a_balance_past_the_64_bit_range_is_summed_exactly(db: Database) -> None:
    # the reported case: a payment of 92,233,720,368,547,758.07 credited, then two corrections
    amounts = [9_223_372_036_854_775_807, 100_00, 250_00]
    _agency_with_entries(db, amounts)
    [found] = balances(db, "AG01")
    # 9,223,372,036,854,775,807 + 10,000 + 25,000 = 9,223,372,036,854,810,807 cents
    assert found.position.balance == Decimal("92233720368548108.07")
    assert found.as_dict()["balance"] == "92233720368548108.07"
    # as it stood at the end of 5 January (every entry is dated that day), and the day before (none)
    [then] = balances(db, "AG01", as_of=date(2026, 1, 5))
    [before] = balances(db, "AG01", as_of=date(2026, 1, 4))
    assert (then.position.balance, before.position.balance) == (Decimal("92233720368548108.07"), Decimal(0))


def test_exact_sum_adds_in_whole_numbers_in_both_directions(db: Database) -> None:
    amounts = [INT64, INT64, -INT64, INT64, -5]
    _agency_with_entries(db, amounts)
    with db.read() as session:
        total = session.scalar(select(exact_sum(LedgerEntry.amount_minor)))
        empty = session.scalar(select(exact_sum(LedgerEntry.amount_minor)).where(LedgerEntry.id < 0))
    assert int(total) == 2 * INT64 - 5
    assert empty is None


def test_no_amount_a_user_can_enter_is_too_large_to_store() -> None:
    # the largest amount: 12 integer digits in the currency with the most minor digits
    widest = max(minor_digits(c) for c in ("USD", "JPY", "KWD", "BHD", "OMR", "TND", "CLP", "IQD"))
    largest = Decimal(10) ** MAX_INTEGER_DIGITS - Decimal(1).scaleb(-widest)
    assert to_minor(largest, "KWD") < INT64 // 1000  # a thousand of them still fit in one sum


def test_a_computed_amount_too_large_to_store_is_refused() -> None:
    with pytest.raises(UserError, match=r"too large to store"):
        to_minor(Decimal("92233720368547758.08"), "USD")
    assert to_minor(Decimal("92233720368547758.07"), "USD") == INT64
