"""Paying projects from an agency's balance, and admin corrections (SPEC section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.roles import SETUP
from partner_desk.services.balances import balances
from partner_desk.services.guard import Refused
from partner_desk.services.ledger import correct, pay_project
from partner_desk.services.users import ANONYMOUS
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, LedgerEntry
from tests.services.money_world import ACTORS, CLOCK, TODAY, actions, credit, world

M1, F1, A1 = ACTORS["m1"], ACTORS["f1"], ACTORS["a1"]


@pytest.fixture
def wdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)
    database = world(tmp_path)
    yield database
    database.dispose()


def entries(db: Database) -> list[LedgerEntry]:
    with db.read() as s:
        return list(s.scalars(select(LedgerEntry).order_by(LedgerEntry.id)))


def audit(db: Database) -> list[AuditRecord]:
    return actions(db)


def available(db: Database, code: str) -> Decimal:
    return balances(db, code, TODAY)[0].position.available


def test_paying_a_project_in_another_currency_converts_through_usd_once(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    paid = pay_project(wdb, M1, "AG01", "P-UAH", "12.34")
    # 12.34 EUR / 0.8 * 41.5 = 640.1375 UAH -> 640.14 (half-up, once)
    assert paid.project_amount == Decimal("640.14")
    assert paid.available_after == Decimal("487.66")  # 500.00 - 12.34
    entry = entries(wdb)[-1]
    assert (entry.kind, entry.amount_minor, entry.currency) == ("project_payment", -1234, "EUR")
    assert (entry.project_id, entry.project_amount_minor, entry.project_currency) == ("P-UAH", 64014, "UAH")
    assert entry.user_name == "m1"
    assert entry.effective_on == TODAY
    record = audit(wdb)[-1]
    assert (record.user_name, record.action, record.object, record.outcome) == ("m1", "pay_project",
                                                                                 "AG01:P-UAH", "ok")
    assert '"available":"500.00"' in (record.before or "")
    assert '"available":"487.66"' in (record.after or "")


def test_a_tie_at_the_minor_unit_rounds_half_up(wdb: Database) -> None:
    credit(wdb, "AG01", "500.00")
    paid = pay_project(wdb, M1, "AG01", "P-UAH", "0.12")
    # 0.12 / 0.8 * 41.5 = 6.225 exactly -> 6.23 (half-even would give 6.22)
    assert paid.project_amount == Decimal("6.23")


def test_same_currency_is_not_converted(wdb: Database) -> None:
    credit(wdb, "AG01", "100.00")
    paid = pay_project(wdb, M1, "AG01", "P-EUR", Decimal("100.00"))
    assert paid.project_amount == Decimal("100.00")
    assert paid.available_after == Decimal("0.00")  # the whole available balance may be spent


@pytest.mark.parametrize(
    ("code", "project", "amount", "message"),
    [
        ("AG01", "P-EUR", "100.01", "cannot pay project P-EUR from AG01: 100.01 EUR is more than the "
                                    "available balance 100.00 EUR"),
        ("AG01", "P-EUR", "0", "cannot pay project P-EUR from AG01: the amount must be more than zero"),
        ("AG01", "P-EUR", "-5.00", "the amount must be more than zero"),
        ("AG01", "P-EUR", "1.005", "the amount: '1.005' has more decimals than EUR allows (2)"),
        ("AG01", "P-EUR", "ten", "the amount: 'ten' is not a decimal number"),
        ("AG01", "P-NONE", "1.00", "unknown project 'P-NONE'"),
        ("AG09", "P-EUR", "1.00", "unknown agency 'AG09'"),
        ("AG01", "P-USD", "1.00", "project P-USD is not connected to AG01 now (it is connected to AG02)"),
        # P-MOVED was AG01's until 2025-06-01: only a connection open now counts
        ("AG01", "P-MOVED", "1.00", "project P-MOVED is not connected to AG01 now (it is connected to AG02)"),
        ("AG01", "P-PLN", "1.00", "missing exchange rate: PLN on 2026-11-20"),
    ],
)
def test_refused_payments_write_nothing_but_their_refusal(wdb: Database, code: str, project: str,
                                                          amount: str, message: str) -> None:
    credit(wdb, "AG01", "100.00")
    before = len(entries(wdb))
    with pytest.raises(UserError) as caught:
        pay_project(wdb, M1, code, project, amount)
    assert message in str(caught.value)
    assert len(entries(wdb)) == before
    record = audit(wdb)[-1]
    assert (record.action, record.outcome, record.user_name) == ("pay_project", "refused", "m1")
    assert message in (record.message or "")
    assert len(audit(wdb)) == 1  # exactly one record: the refusal


def test_missing_rate_is_the_missing_rates_error(wdb: Database) -> None:
    credit(wdb, "AG01", "100.00")
    with pytest.raises(MissingRates):
        pay_project(wdb, M1, "AG01", "P-PLN", "1.00")


def test_a_project_disconnected_now_cannot_be_paid(wdb: Database, clock) -> None:
    credit(wdb, "AG01", "100.00")
    # before 2025-06-01 P-MOVED was AG01's: paying it then was allowed (USD rate is 1, EUR 0.8)
    clock("2025-05-31T12:00:00Z")
    paid = pay_project(wdb, M1, "AG01", "P-MOVED", "8.00")
    assert paid.project_amount == Decimal("10.00")  # 8.00 / 0.8 * 1
    clock("2025-06-01T00:00:00Z")
    with pytest.raises(UserError, match="not connected to AG01 now"):
        pay_project(wdb, M1, "AG01", "P-MOVED", "8.00")


def test_nothing_is_spent_while_a_refund_reversal_keeps_the_balance_negative(wdb: Database) -> None:
    credit(wdb, "AG01", "100.00")
    credit(wdb, "AG01", "-150.00", kind="refund_reversal")
    with pytest.raises(UserError, match=r"the available balance is negative \(-50.00 EUR\)"):
        pay_project(wdb, M1, "AG01", "P-EUR", "0.01")
    credit(wdb, "AG01", "60.00")  # the next accrual brings it back to 10.00
    assert pay_project(wdb, M1, "AG01", "P-EUR", "10.00").available_after == Decimal("0.00")


def test_paying_needs_a_signed_in_user_once_users_exist(wdb: Database) -> None:
    credit(wdb, "AG01", "100.00")
    with pytest.raises(Refused, match=r"not signed in: to pay projects sign in \(--user NAME\)"):
        pay_project(wdb, ANONYMOUS, "AG01", "P-EUR", "1.00")
    with pytest.raises(Refused, match="the database has users now: sign in"):
        pay_project(wdb, SETUP, "AG01", "P-EUR", "1.00")
    assert [r.outcome for r in audit(wdb)] == ["refused", "refused"]
    assert available(wdb, "AG01") == Decimal("100.00")


def test_corrections_need_the_admin_role_and_a_reason(wdb: Database) -> None:
    with pytest.raises(Refused, match=r"f1 \(finance\) may not correct balances: it needs the admin role"):
        correct(wdb, F1, "AG01", "10.00", "typo in March")
    with pytest.raises(UserError, match="a correction needs a reason"):
        correct(wdb, A1, "AG01", "10.00", "   ")
    done = correct(wdb, A1, "AG01", "10.00", "March statement was short by 10.00")
    assert done.balance_after == Decimal("10.00")
    entry = entries(wdb)[-1]
    assert (entry.kind, entry.amount_minor, entry.note, entry.user_name) == (
        "correction", 1000, "March statement was short by 10.00", "a1")
    assert [(r.action, r.outcome) for r in audit(wdb)] == [
        ("correct", "refused"), ("correct", "refused"), ("correct", "ok")]


def test_a_negative_correction_may_not_overdraw(wdb: Database) -> None:
    credit(wdb, "AG01", "30.00")
    with pytest.raises(UserError, match=r"a correction of -30.01 EUR would make the available balance "
                                        r"negative \(available 30.00 EUR\)"):
        correct(wdb, A1, "AG01", "-30.01", "over-credited")
    assert correct(wdb, A1, "AG01", "-30.00", "over-credited").balance_after == Decimal("0.00")
    with pytest.raises(UserError, match="a correction of zero changes nothing"):
        correct(wdb, A1, "AG01", "0.00", "nothing")


def test_the_database_refuses_to_change_or_delete_a_ledger_entry(wdb: Database) -> None:

    credit(wdb, "AG01", "30.00")
    for statement in ("UPDATE ledger_entries SET amount_minor = 999999", "DELETE FROM ledger_entries"):
        with pytest.raises(DatabaseError, match="ledger_entries is append-only"), wdb.write() as s:
            s.execute(text(statement))
    assert [e.amount_minor for e in entries(wdb)] == [3000]
