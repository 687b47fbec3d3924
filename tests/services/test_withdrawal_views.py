"""What the withdrawal queue reads: each request, and every reason the signed-in user may not move it on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partner_desk.domain.withdrawals import Move, Status
from partner_desk.services import withdrawals
from partner_desk.services.accruals import post_period
from partner_desk.services.withdrawal_views import counts, queue
from tests.gui.page_data import people, seed

TODAY = date(2025, 4, 15)


def test_refusals_per_user_follow_the_rules_of_the_moves(db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)  # AG01 holds 150.00 USD
    request = withdrawals.request_withdrawal(db, team["anna"], "AG01", Decimal("120.00"), "card", "4111", TODAY)
    n = request.id

    (mine,) = queue(db, team["anna"], as_of=TODAY)
    assert mine.agency_name == "Alpha Agency"
    assert mine.status is Status.PENDING
    assert mine.refusals == {
        Move.APPROVE: ["anna (manager) may not approve withdrawals: it needs the finance role",
                       f"anna may not approve withdrawal {n}: nobody decides a request they created"],
        Move.REJECT: ["anna (manager) may not reject withdrawals: it needs the finance role",
                      f"anna may not reject withdrawal {n}: nobody decides a request they created"],
        Move.CANCEL: [],
        Move.PAID: ["anna (manager) may not mark withdrawals paid: it needs the finance role",
                    f"anna may not mark paid withdrawal {n}: nobody decides a request they created",
                    f"withdrawal {n} is pending: only an approved request can be marked paid"],
    }

    (theirs,) = queue(db, team["fiona"], as_of=TODAY)
    # approving checks the conditions as if the request held nothing: 150.00 USD is worth more than $100
    assert theirs.allowed(Move.APPROVE)
    assert theirs.allowed(Move.REJECT)
    assert theirs.allowed(Move.CANCEL)
    assert not theirs.allowed(Move.PAID)

    withdrawals.approve(db, team["fiona"], n, TODAY)
    (approved,) = queue(db, team["felix"], Status.APPROVED, TODAY)
    assert approved.refusals[Move.APPROVE] == [f"withdrawal {n} is approved: only a pending request can be approved"]
    assert approved.allowed(Move.PAID)
    assert queue(db, team["felix"], Status.PENDING, TODAY) == []
    assert counts(queue(db, team["felix"], as_of=TODAY)) == {
        Status.PENDING: 0, Status.APPROVED: 1, Status.PAID: 0, Status.REJECTED: 0, Status.CANCELLED: 0}
