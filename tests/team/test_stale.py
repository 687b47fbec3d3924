"""No lost update: an action on what changed since the window showed it is refused, saying what
changed, who changed it and when, and nothing is written but the refusal's audit record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partner_desk.domain.withdrawals import Status
from partner_desk.services import ledger, withdrawals
from partner_desk.services.agency_detail import agency_detail
from partner_desk.services.versions import Stale, ledger_head
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, AuditRecord, LedgerEntry, Withdrawal
from tests.services.money_world import ACTORS, CLOCK, TODAY, credit, world

M1, M2, F1, F2, A1 = (ACTORS[n] for n in ("m1", "m2", "f1", "f2", "a1"))


@pytest.fixture
def db(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)  # 2026-11-20 10:00 UTC: 12:00 in Kyiv, the company's time zone
    database = world(tmp_path)
    credit(database, "AG01", "1000.00")
    yield database
    database.dispose()


def _head(db: Database, code: str = "AG01") -> int:
    with db.read() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.code == code))
        assert agency_id is not None
        return ledger_head(s, agency_id)


def _written(db: Database) -> tuple[int, int, list[tuple[str, str]]]:
    with db.read() as s:
        entries = int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
        states = int(s.scalar(select(func.count()).select_from(Withdrawal)) or 0)
        last = s.execute(select(AuditRecord.action, AuditRecord.outcome).order_by(AuditRecord.id.desc())
                         .limit(1)).one()
    return entries, states, [tuple(last)]


def _request(db: Database) -> int:
    return withdrawals.request_withdrawal(db, M1, "AG01", "150.00", "card", "card 1", as_of=TODAY).id


def test_approving_a_request_someone_approved_meanwhile_names_who_and_when(db: Database) -> None:
    wid = _request(db)
    shown = Status.PENDING  # both finance windows show it pending
    withdrawals.approve(db, F1, wid, expected=shown)
    with pytest.raises(Stale) as refused:
        withdrawals.approve(db, F2, wid, expected=shown)
    assert str(refused.value) == (f"withdrawal {wid} was approved by f1 at 12:00 since it was shown as pending: "
                                  "nothing was changed; reload")
    with db.read() as s:
        record = s.execute(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).scalar_one()
    assert (record.user_name, record.action, record.outcome) == ("f2", "withdraw.approve", "refused")
    assert record.message == str(refused.value)


def test_rejecting_a_request_its_creator_cancelled_meanwhile_is_refused(db: Database) -> None:
    wid = _request(db)
    withdrawals.cancel(db, M1, wid, expected="pending")
    before = _written(db)
    with pytest.raises(Stale, match=f"withdrawal {wid} was cancelled by m1 at 12:00 since it was shown as "
                                    "pending: nothing was changed; reload"):
        withdrawals.reject(db, F1, wid, "no documents", expected="pending")
    entries, states, last = _written(db)
    assert (entries, states) == before[:2]
    assert last == [("withdraw.reject", "refused")]


def test_marking_paid_a_request_paid_meanwhile_says_by_whom(db: Database) -> None:
    wid = _request(db)
    withdrawals.approve(db, F1, wid)
    withdrawals.mark_paid(db, F1, wid, "REF-1", expected="approved")
    with pytest.raises(Stale, match=f"withdrawal {wid} was marked paid by f1 at 12:00 since it was shown as "
                                    "approved"):
        withdrawals.mark_paid(db, F2, wid, "REF-2", expected="approved")
    # without `expected` (the command line) the request is judged as it is now: paid already
    with pytest.raises(withdrawals.Refused, match="paid"):
        withdrawals.mark_paid(db, F2, wid, "REF-2")


def test_paying_a_project_from_a_balance_that_changed_meanwhile_is_refused(db: Database) -> None:
    shown = _head(db)
    ledger.correct(db, A1, "AG01", "-300.00", "double credit")
    before = _written(db)
    with pytest.raises(Stale, match="the balance of AG01 changed since it was shown: a1 corrected it at 12:00: "
                                    "nothing was changed; reload"):
        ledger.pay_project(db, M2, "AG01", "P-EUR", "100.00", expected=shown)
    assert _written(db)[:2] == before[:2]
    # the balance as it is now, shown again: the payment goes through
    paid = ledger.pay_project(db, M2, "AG01", "P-EUR", "100.00", expected=_head(db))
    # 1000.00 - 300.00 - 100.00
    assert str(paid.available_after) == "600.00"


def test_a_correction_on_a_balance_someone_spent_meanwhile_is_refused(db: Database) -> None:
    shown = _head(db)
    ledger.pay_project(db, M2, "AG01", "P-EUR", "100.00")
    withdrawals.request_withdrawal(db, M1, "AG01", "150.00", "card", "c", as_of=TODAY)
    with pytest.raises(Stale, match=r"AG01 changed since it was shown: m1 requested withdrawal \d+ at 12:00 "
                                    r"\(and 1 more change\)"):
        ledger.correct(db, A1, "AG01", "50.00", "goodwill", expected=shown)


def test_a_request_on_a_balance_a_posting_credited_meanwhile_names_the_period(db: Database) -> None:
    shown = _head(db)
    credit(db, "AG01", "20.00")  # a credit written as a posting writes it, by the set-up actor
    with pytest.raises(Stale, match=r"\(set-up\) posted test at 12:00"):
        withdrawals.request_withdrawal(db, M1, "AG01", "150.00", "card", "c", as_of=TODAY, expected=shown)


def test_an_unchanged_view_acts_as_always(db: Database) -> None:
    wid = withdrawals.request_withdrawal(db, M1, "AG01", "150.00", "card", "c", as_of=TODAY,
                                         expected=_head(db)).id
    assert withdrawals.approve(db, F1, wid, expected="pending").status is Status.APPROVED
    assert withdrawals.mark_paid(db, F2, wid, "REF", expected="approved").status is Status.PAID


def test_the_agency_page_shows_the_version_of_the_balance_it_shows(db: Database) -> None:

    detail = agency_detail(db, M1, "AG01")
    assert detail.ledger_head == _head(db) > 0
    ledger.pay_project(db, M2, "AG01", "P-EUR", "10.00")
    with pytest.raises(Stale, match="m2 paid project P-EUR at 12:00"):
        ledger.pay_project(db, M1, "AG01", "P-EUR", "10.00", expected=detail.ledger_head)
