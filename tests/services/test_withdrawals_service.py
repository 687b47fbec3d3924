"""Withdrawal requests, their approval and payout, against a real database (SPEC section 7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.services.balances import balances
from partner_desk.services.guard import Refused
from partner_desk.services.withdrawals import (
    WithdrawalRefused,
    approve,
    cancel,
    get_withdrawal,
    list_withdrawals,
    mark_paid,
    reject,
    request_withdrawal,
)
from partner_desk.store.engine import Database
from partner_desk.store.models import LedgerEntry, Withdrawal
from tests.services.money_world import ACTORS, CLOCK, TODAY, actions, add_rate, credit, world

M1, M2, F1, F2, A1 = (ACTORS[n] for n in ("m1", "m2", "f1", "f2", "a1"))


@pytest.fixture
def wdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)
    database = world(tmp_path)
    yield database
    database.dispose()


def position(db: Database, code: str = "AG01") -> tuple[Decimal, Decimal, Decimal]:
    pos = balances(db, code, TODAY)[0].position
    return pos.balance, pos.held, pos.available


def ledger(db: Database) -> list[tuple[str, int, int | None]]:
    with db.read() as s:
        return [(e.kind, e.amount_minor, e.withdrawal_id)
                for e in s.scalars(select(LedgerEntry).where(LedgerEntry.note != "test credit")
                                   .order_by(LedgerEntry.id))]


def audit(db: Database) -> list[tuple[str | None, str, str | None, str]]:
    return [(r.user_name, r.action, r.object, r.outcome) for r in actions(db)]


def count_withdrawals(db: Database) -> int:
    with db.read() as s:
        return len(list(s.scalars(select(Withdrawal.id))))


def test_request_approve_pay_moves_money_once(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    # requested on the 18th, paid out on the 19th, recorded on the 20th (today)
    view = request_withdrawal(wdb, M1, "AG01", "200.00", "bank", "IBAN UA12 3456", as_of=date(2026, 11, 18))
    assert (view.status, view.method, view.requested_by, view.amount) == ("pending", "bank_transfer", "m1",
                                                                         Decimal("200.00"))
    assert position(wdb) == (Decimal("500.00"), Decimal("200.00"), Decimal("300.00"))
    approve(wdb, F1, view.id, as_of=TODAY)
    assert position(wdb) == (Decimal("500.00"), Decimal("200.00"), Decimal("300.00"))  # approval writes nothing
    paid = mark_paid(wdb, F2, view.id, "SWIFT 000123", date(2026, 11, 19))
    assert (paid.status, paid.paid_by, paid.paid_on, paid.payout_reference, paid.decided_by) == (
        "paid", "f2", date(2026, 11, 19), "SWIFT 000123", "f1")
    # 500 - 200 paid out; nothing held
    assert position(wdb) == (Decimal("300.00"), Decimal("0.00"), Decimal("300.00"))
    assert ledger(wdb) == [("withdrawal_hold", -20000, view.id), ("hold_release", 20000, view.id),
                           ("payout", -20000, view.id)]
    assert audit(wdb) == [("m1", "withdraw.request", "AG01", "ok"),
                          ("f1", "withdraw.approve", f"withdrawal:{view.id}", "ok"),
                          ("f2", "withdraw.paid", f"withdrawal:{view.id}", "ok")]


@pytest.mark.parametrize("settle", ["reject", "cancel"])
def test_reject_or_cancel_releases_the_hold(wdb: Database, settle: str) -> None:
    credit(wdb, "AG01", "500.00")
    view = request_withdrawal(wdb, M1, "AG01", "150.00", "card", "card ending 4242", as_of=TODAY)
    if settle == "reject":
        done = reject(wdb, F1, view.id, "details do not match the agency")
        assert done.reason == "details do not match the agency"
    else:
        done = cancel(wdb, M1, view.id)
    assert done.status == ("rejected" if settle == "reject" else "cancelled")
    assert position(wdb) == (Decimal("500.00"), Decimal("0.00"), Decimal("500.00"))
    assert ledger(wdb) == [("withdrawal_hold", -15000, view.id), ("hold_release", 15000, view.id)]


@pytest.mark.parametrize(
    ("available", "allowed", "reason"),
    [
        ("80.00", False, "the available balance is worth $100.00, not more than $100.00"),  # 80 / 0.8 = 100
        ("80.01", True, None),  # 80.01 / 0.8 = 100.0125
        ("79.99", False, "the available balance is worth $99.99, not more than $100.00"),  # 99.9875
    ],
)
def test_threshold_is_strictly_more_than_100_dollars_at_todays_rate(wdb: Database, available: str,
                                                                    allowed: bool, reason: str | None) -> None:
    credit(wdb, "AG01", available)
    if allowed:
        view = request_withdrawal(wdb, M1, "AG01", available, "paypal", "ag01@example.com", as_of=TODAY)
        assert view.status == "pending"
        return
    with pytest.raises(WithdrawalRefused) as caught:
        request_withdrawal(wdb, M1, "AG01", "10.00", "paypal", "ag01@example.com", as_of=TODAY)
    assert caught.value.texts == [reason]
    assert str(caught.value) == f"AG01 cannot withdraw 10.00 EUR: {reason}"
    assert count_withdrawals(wdb) == 0
    assert ledger(wdb) == []
    assert audit(wdb) == [("m1", "withdraw.request", "AG01", "refused")]


def test_every_failing_condition_is_listed(wdb: Database) -> None:
    credit(wdb, "AG02", "90.00")  # AG02 never accepted the offer; $90 is not more than $100
    with pytest.raises(WithdrawalRefused) as caught:
        request_withdrawal(wdb, M1, "AG02", "95.00", "other", "cash at the office", as_of=TODAY)
    assert caught.value.texts == [
        "the partner offer has not been accepted",
        "the available balance is worth $90.00, not more than $100.00",
        "95.00 USD is more than the available balance 90.00 USD",
    ]
    assert count_withdrawals(wdb) == 0
    assert ledger(wdb) == []


def test_balance_lists_which_conditions_fail(wdb: Database) -> None:
    credit(wdb, "AG02", "90.00")
    found = balances(wdb, "AG02", TODAY)[0].as_dict()
    assert found["withdrawable"] is False
    assert found["reasons"] == ["the partner offer has not been accepted",
                                "the available balance is worth $90.00, not more than $100.00"]


def test_the_amount_may_not_exceed_the_available_balance(wdb: Database) -> None:
    credit(wdb, "AG01", "300.00")
    request_withdrawal(wdb, M1, "AG01", "150.00", "card", "card 1", as_of=TODAY)
    # available 300 - 150 = 150 ($187.50): the second request may take 150.00, not 150.01
    with pytest.raises(WithdrawalRefused, match=r"150\.01 EUR is more than the available balance 150\.00 EUR"):
        request_withdrawal(wdb, M2, "AG01", "150.01", "card", "card 2", as_of=TODAY)
    request_withdrawal(wdb, M2, "AG01", "150.00", "card", "card 2", as_of=TODAY)
    assert position(wdb) == (Decimal("300.00"), Decimal("300.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("amount", "method", "details", "message"),
    [
        ("0", "card", "x", "cannot request a withdrawal from AG01: the amount must be more than zero"),
        ("1.001", "card", "x", "the amount: '1.001' has more decimals than EUR allows (2)"),
        ("100.00", "crypto", "x", "'crypto' is not a payout method (bank_transfer, card, paypal or other)"),
        ("100.00", "card", "  ", "a withdrawal needs payout details"),
    ],
)
def test_bad_requests_write_nothing(wdb: Database, amount: str, method: str, details: str, message: str) -> None:
    credit(wdb, "AG01", "500.00")
    with pytest.raises(UserError) as caught:
        request_withdrawal(wdb, M1, "AG01", amount, method, details, as_of=TODAY)
    assert message in str(caught.value)
    assert count_withdrawals(wdb) == 0
    assert ledger(wdb) == []
    assert audit(wdb) == [("m1", "withdraw.request", "AG01", "refused")]


def test_each_transition_happens_at_most_once(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    wid = request_withdrawal(wdb, M1, "AG01", "200.00", "card", "card", as_of=TODAY).id
    approve(wdb, F1, wid, as_of=TODAY)
    with pytest.raises(Refused, match=f"withdrawal {wid} is approved: only a pending request can be approved"):
        approve(wdb, F2, wid, as_of=TODAY)
    with pytest.raises(Refused, match="only a pending request can be cancelled"):
        cancel(wdb, M1, wid)
    with pytest.raises(Refused, match="only a pending request can be rejected"):
        reject(wdb, F2, wid, "too late")
    mark_paid(wdb, F2, wid, "REF-1")
    with pytest.raises(Refused, match=f"withdrawal {wid} is paid: only an approved request can be marked paid"):
        mark_paid(wdb, F1, wid, "REF-2")
    # one hold, one release, one payout: the money left once
    assert ledger(wdb) == [("withdrawal_hold", -20000, wid), ("hold_release", 20000, wid),
                           ("payout", -20000, wid)]
    assert get_withdrawal(wdb, wid).payout_reference == "REF-1"
    assert [o for *_, o in audit(wdb)] == ["ok", "ok", "refused", "refused", "refused", "ok", "refused"]


def test_a_pending_request_cannot_be_paid(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    wid = request_withdrawal(wdb, M1, "AG01", "200.00", "card", "card", as_of=TODAY).id
    with pytest.raises(Refused, match="is pending: only an approved request can be marked paid"):
        mark_paid(wdb, F1, wid, "REF")
    assert position(wdb) == (Decimal("500.00"), Decimal("200.00"), Decimal("300.00"))


def test_conditions_are_checked_again_on_approval_at_todays_rate(wdb: Database, clock) -> None:
    credit(wdb, "AG01", "90.00")  # $112.50 at 0.8
    wid = request_withdrawal(wdb, M1, "AG01", "90.00", "card", "card").id
    clock("2026-11-25T10:00:00Z")
    add_rate(wdb, "EUR", date(2026, 11, 25), "0.95")  # the euro weakens: 90 / 0.95 = $94.74
    with pytest.raises(WithdrawalRefused) as caught:
        approve(wdb, F1, wid)
    assert caught.value.texts == ["the available balance is worth $94.74, not more than $100.00"]
    # a date chosen for the approval does not bring the day before's rate back: today's rate decides
    with pytest.raises(WithdrawalRefused) as caught:
        approve(wdb, F1, wid, as_of=date(2026, 11, 24))
    assert caught.value.texts == ["the available balance is worth $94.74, not more than $100.00"]
    assert get_withdrawal(wdb, wid).status == "pending"  # still pending: finance may reject it


def test_a_refund_reversal_after_the_request_blocks_approval(wdb: Database) -> None:
    credit(wdb, "AG01", "200.00")
    wid = request_withdrawal(wdb, M1, "AG01", "150.00", "card", "card", as_of=TODAY).id
    credit(wdb, "AG01", "-100.00", kind="refund_reversal")
    # balance 100, held 150: available -50; without this request 100 ($125) does not cover 150
    assert position(wdb) == (Decimal("100.00"), Decimal("150.00"), Decimal("-50.00"))
    with pytest.raises(WithdrawalRefused) as caught:
        approve(wdb, F1, wid, as_of=TODAY)
    assert caught.value.texts == ["150.00 EUR is more than the available balance 100.00 EUR"]
    with pytest.raises(WithdrawalRefused, match="the available balance is negative"):
        request_withdrawal(wdb, M1, "AG01", "1.00", "card", "card", as_of=TODAY)
    cancel(wdb, M1, wid)
    assert position(wdb) == (Decimal("100.00"), Decimal("0.00"), Decimal("100.00"))


def test_reject_needs_a_reason_and_paid_a_reference_and_no_future_date(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    wid = request_withdrawal(wdb, M1, "AG01", "200.00", "card", "card", as_of=TODAY).id
    with pytest.raises(UserError, match="needs a reason"):
        reject(wdb, F1, wid, " ")
    approve(wdb, F1, wid, as_of=TODAY)
    with pytest.raises(UserError, match="needs the payout reference"):
        mark_paid(wdb, F1, wid, "")
    with pytest.raises(UserError, match=r"the payout date 2099-01-01 is after today \(2026-11-20\)"):
        mark_paid(wdb, F1, wid, "REF", date(2099, 1, 1))
    assert get_withdrawal(wdb, wid).status == "approved"


def test_unknown_request(wdb: Database) -> None:
    with pytest.raises(UserError, match="there is no withdrawal 99"):
        approve(wdb, F1, 99)
    assert audit(wdb) == [("f1", "withdraw.approve", "withdrawal:99", "refused")]


def test_list_shape_and_status_filter(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    first = request_withdrawal(wdb, M1, "AG01", "120.00", "bank-transfer", "IBAN", as_of=TODAY).id
    second = request_withdrawal(wdb, M2, "AG01", "130.00", "paypal", "pp@example.com", as_of=TODAY).id
    reject(wdb, F1, first, "wrong IBAN")
    rows = [v.list_dict() for v in list_withdrawals(wdb)]
    assert rows == [
        {"id": second, "agency": "AG01", "amount": "130.00", "currency": "EUR", "status": "pending",
         "method": "paypal", "requested_by": "m2", "decided_by": None},
        {"id": first, "agency": "AG01", "amount": "120.00", "currency": "EUR", "status": "rejected",
         "method": "bank_transfer", "requested_by": "m1", "decided_by": "f1"},
    ]
    assert [v.id for v in list_withdrawals(wdb, "rejected")] == [first]
    with pytest.raises(UserError, match="'done' is not a withdrawal status"):
        list_withdrawals(wdb, "done")
