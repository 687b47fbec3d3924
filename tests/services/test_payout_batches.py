"""Payout batches: the files an export writes, and a whole batch marked paid at once (SPEC section 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.refusal_text import english, shown_error
from partner_desk.services import payout_accounts
from partner_desk.services.accruals import post_period
from partner_desk.services.balances import balances
from partner_desk.services.guard import Refused
from partner_desk.services.payout_batches import BatchRefused, export_batch, mark_batch_paid, preview_batch
from partner_desk.services.withdrawals import approve, get_withdrawal, mark_paid, reject, request_withdrawal
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, LedgerEntry, PayoutBatch, PayoutBatchFile, Withdrawal
from tests.services.money_world import ACTORS, CLOCK, TODAY, world
from tests.services.payout_world import HELD_ON, IBAN_DE, IBAN_UA, add_agencies, approved

F1, F2, M1 = ACTORS["f1"], ACTORS["f2"], ACTORS["m1"]
PAID_ON = date(2026, 11, 19)


@pytest.fixture
def pdb(tmp_path: Path, clock: Callable[[str], None]) -> Iterator[Database]:
    clock(CLOCK)  # today is 2026-11-20: requests are made (and their holds dated 2026-11-18) and approved
    database = world(tmp_path)
    add_agencies(database)
    yield database
    database.dispose()


def paypal_batch(db: Database) -> list[int]:
    return [approved(db, "AG04", "120.50", "paypal", "PayPal: delta@example.com").id,
            approved(db, "AG05", "20000", "paypal", "paypal jp@example.jp").id,
            approved(db, "AG04", "80.00", "paypal", "pay to delta.second@example.com please").id]


def count(db: Database, model: object) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def money_rows(db: Database) -> list[tuple[str, str, int, date]]:
    with db.read() as s:
        return [(e.kind, e.currency, e.amount_minor, e.effective_on) for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.note != "test credit").order_by(LedgerEntry.id))]


def position(db: Database, code: str) -> tuple[Decimal, Decimal, Decimal]:
    pos = balances(db, code, TODAY)[0].position
    return pos.balance, pos.held, pos.available


def test_paypal_files_byte_for_byte_one_per_currency(pdb: Database, tmp_path: Path) -> None:
    ids = paypal_batch(pdb)
    assert ids == [1, 2, 3]
    out = tmp_path / "out"
    result = export_batch(pdb, F2, "paypal", out)
    assert [p.name for p in result.files] == ["payout-batch-1-paypal-JPY.csv", "payout-batch-1-paypal-USD.csv"]
    # JPY has no decimals: 20000, not 20000.00; "Delta, Inc." has a comma, so its notes are quoted
    assert (out / "payout-batch-1-paypal-JPY.csv").read_bytes() == (
        b"jp@example.jp,20000,JPY,2,Partner program payout to Epsilon (AG05) for request 2 of 2026-11-20\r\n")
    assert (out / "payout-batch-1-paypal-USD.csv").read_bytes() == (
        b'delta@example.com,120.50,USD,1,"Partner program payout to Delta, Inc. (AG04) for request 1 of '
        b'2026-11-20"\r\n'
        b'delta.second@example.com,80.00,USD,3,"Partner program payout to Delta, Inc. (AG04) for request 3 of '
        b'2026-11-20"\r\n')
    # 120.50 + 80.00 = 200.50 USD; 20000 JPY
    assert result.totals == {"JPY": Decimal("20000"), "USD": Decimal("200.50")}
    # exporting changes no request and no balance; it is recorded and audited
    assert {get_withdrawal(pdb, i).status for i in ids} == {"approved"}
    assert money_rows(pdb) == [("withdrawal_hold", "USD", -12050, HELD_ON),
                               ("withdrawal_hold", "JPY", -20000, HELD_ON),
                               ("withdrawal_hold", "USD", -8000, HELD_ON)]
    assert count(pdb, PayoutBatch) == 1
    assert count(pdb, PayoutBatchFile) == 2
    with pdb.read() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
        assert last is not None
        assert (last.user_name, last.action, last.object) == ("f2", "withdraw.export", "batch:1")


def test_a_request_without_an_email_stops_the_whole_paypal_batch(pdb: Database, tmp_path: Path) -> None:
    good = approved(pdb, "AG04", "120.50", "paypal", "delta@example.com")
    none = approved(pdb, "AG05", "20000", "paypal", "the usual account")
    two = approved(pdb, "AG01", "150.00", "paypal", "a@example.com or b@example.com")
    out = tmp_path / "out"
    with pytest.raises(BatchRefused) as caught:
        export_batch(pdb, F2, "paypal", out)
    assert caught.value.problems == [
        f"request {none.id} (AG05): its payout details hold no e-mail address",
        f"request {two.id} (AG01): its payout details hold 2 e-mail addresses (a@example.com, b@example.com): "
        "keep one",
    ]
    assert str(caught.value).startswith("the PayPal batch was not made: request ")
    # a Ukrainian window says the same in Ukrainian
    i18n.setup("uk_UA")
    try:
        assert shown_error(caught.value) == (
            f"пакет виплат (PayPal) не створено: заявка № {none.id} (AG05): у її реквізитах для виплати немає "
            f"адреси електронної пошти; заявка № {two.id} (AG01): у її реквізитах для виплати кілька адрес "
            "електронної пошти (2: a@example.com, b@example.com): залиште одну")
    finally:
        i18n.setup("en_US")
    assert not out.exists()
    assert count(pdb, PayoutBatch) == 0
    assert good.status == "approved"
    with pdb.read() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
        assert last is not None
        assert (last.action, last.outcome) == ("withdraw.export", "refused")


def test_a_second_export_leaves_out_requests_an_open_batch_holds(pdb: Database, tmp_path: Path) -> None:
    first = approved(pdb, "AG04", "120.50", "paypal", "delta@example.com")
    export_batch(pdb, F2, "paypal", tmp_path / "a")
    with pytest.raises(UserError, match=rf"^there are no approved PayPal requests to export: requests "
                                        rf"{first.id} are in earlier batches not yet marked paid"):
        export_batch(pdb, F2, "paypal", tmp_path / "b")
    later = approved(pdb, "AG05", "20000", "paypal", "jp@example.jp")
    second = export_batch(pdb, F2, "paypal", tmp_path / "b")
    assert (second.batch_id, second.request_ids, second.left_out) == (2, [later.id], {first.id: 1})
    again = export_batch(pdb, F2, "paypal", tmp_path / "c", include_exported=True)
    assert again.request_ids == [first.id, later.id]


def test_a_batch_marked_paid_moves_every_request_and_balance_once(pdb: Database, tmp_path: Path) -> None:
    ids = paypal_batch(pdb)
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    # before: AG04 1000.00 with 120.50 + 80.00 held; AG05 200000 with 20000 held
    assert position(pdb, "AG04") == (Decimal("1000.00"), Decimal("200.50"), Decimal("799.50"))
    paid = mark_batch_paid(pdb, F2, result.files[1], "PAYPAL-BATCH-77", PAID_ON)  # the USD file names the batch
    assert (paid.batch_id, [v.id for v in paid.requests]) == (1, ids)
    assert {(v.status, v.paid_by, v.paid_on, v.payout_reference) for v in paid.requests} == {
        ("paid", "f2", PAID_ON, "PAYPAL-BATCH-77")}
    # AG04: 1000.00 - 120.50 - 80.00 = 799.50, nothing held; AG05: 200000 - 20000 = 180000
    assert position(pdb, "AG04") == (Decimal("799.50"), Decimal("0.00"), Decimal("799.50"))
    assert position(pdb, "AG05") == (Decimal("180000"), Decimal("0"), Decimal("180000"))
    assert paid.totals == {"JPY": Decimal("20000"), "USD": Decimal("200.50")}
    kinds = [(k, cur, minor) for k, cur, minor, _day in money_rows(pdb)]
    assert kinds == [("withdrawal_hold", "USD", -12050), ("withdrawal_hold", "JPY", -20000),
                     ("withdrawal_hold", "USD", -8000),
                     # released and paid out once each, in lock order (agency, then request)
                     ("hold_release", "USD", 12050), ("payout", "USD", -12050),
                     ("hold_release", "USD", 8000), ("payout", "USD", -8000),
                     ("hold_release", "JPY", 20000), ("payout", "JPY", -20000)]
    with pdb.read() as s:
        actions = [(r.action, r.object) for r in s.scalars(select(AuditRecord).order_by(AuditRecord.id))][-4:]
    assert actions == [("withdraw.paid", "withdrawal:1"), ("withdraw.paid", "withdrawal:3"),
                       ("withdraw.paid", "withdrawal:2"), ("withdraw.paid_batch", "batch:1")]


def test_each_request_gets_the_entries_marking_it_paid_alone_writes(pdb: Database, tmp_path: Path) -> None:
    alone = approved(pdb, "AG04", "120.50", "paypal", "delta@example.com")
    mark_paid(pdb, F2, alone.id, "REF", PAID_ON)
    single = money_rows(pdb)[1:]
    batched = approved(pdb, "AG04", "120.50", "paypal", "delta@example.com")
    mark_batch_paid(pdb, F2, [batched.id], "REF", PAID_ON)
    assert money_rows(pdb)[4:] == single  # same kinds, amounts and dates


def test_a_second_mark_paid_of_the_same_batch_is_refused_and_writes_nothing(pdb: Database, tmp_path: Path) -> None:
    paypal_batch(pdb)
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    mark_batch_paid(pdb, F2, result.files[0], "PP-1", PAID_ON)
    before = (money_rows(pdb), count(pdb, AuditRecord))
    with pytest.raises(Refused, match=r"^payout batch 1 was already marked paid \(on 2026-11-19 with reference "
                                      r"PP-1\): nothing was changed$"):
        mark_batch_paid(pdb, F2, result.files[1], "PP-2", PAID_ON)
    assert money_rows(pdb) == before[0]
    assert count(pdb, AuditRecord) == before[1] + 1  # the refusal only


def test_a_batch_with_one_request_paid_already_is_refused_as_a_whole(pdb: Database, tmp_path: Path) -> None:
    ids = paypal_batch(pdb)
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    mark_paid(pdb, F2, ids[1], "WIRE-9", PAID_ON)
    before = money_rows(pdb)
    with pytest.raises(BatchRefused) as caught:
        mark_batch_paid(pdb, F2, result.files[0], "PP-1", PAID_ON)
    assert str(caught.value) == ("payout batch 1 cannot be marked paid, nothing was changed: withdrawal 2 was "
                                 "already paid on 2026-11-19 (reference WIRE-9)")
    assert money_rows(pdb) == before
    assert [get_withdrawal(pdb, i).status for i in ids] == ["approved", "paid", "approved"]


def test_nobody_marks_their_own_request_and_every_one_is_named(pdb: Database) -> None:
    own = request_withdrawal(pdb, F2, "AG04", Decimal("120.50"), "paypal", "delta@example.com", as_of=HELD_ON)
    approve(pdb, F1, own.id)  # requested by f2, approved by f1
    other = approved(pdb, "AG05", "20000", "paypal", "jp@example.jp")
    with pytest.raises(BatchRefused) as caught:
        mark_batch_paid(pdb, F2, [own.id, other.id, 99], "REF", PAID_ON)
    assert caught.value.problems == [
        f"f2 may not mark paid withdrawal {own.id}: nobody decides a request they created",
        "there is no withdrawal 99"]
    assert get_withdrawal(pdb, other.id).status == "approved"
    with pytest.raises(Refused, match="may not mark payout batches paid: it needs the finance role"):
        mark_batch_paid(pdb, M1, [other.id], "REF", PAID_ON)


def test_bank_batch_register_and_sepa(pdb: Database, tmp_path: Path) -> None:
    payout_accounts.set_company_account(pdb, ACTORS["a1"], "Partner Desk Ltd", "DE02 1203 0000 0000 2020 51",
                                        "BYLADEM1001")
    sepa = approved(pdb, "AG01", "150.25", "bank", f"IBAN {IBAN_DE}, Commerzbank, BIC COBADEFFXXX")
    outside = approved(pdb, "AG01", "100.00", "bank", f"IBAN {IBAN_UA} PrivatBank")
    usd = approved(pdb, "AG04", "300.00", "bank_transfer", "account 123-456 at First Bank, routing 021000021")
    out = tmp_path / "out"
    result = export_batch(pdb, F2, "bank", out)
    assert [p.name for p in result.files] == ["payout-batch-1-bank-register.xlsx", "payout-batch-1-sepa-EUR.xml"]
    assert [english(n) for n in result.notices] == [
        f"request {outside.id} (AG01) is in the register only: its IBAN is outside the SEPA zone"]
    book = load_workbook(out / "payout-batch-1-bank-register.xlsx")
    sheet = book.active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(min_row=6, max_row=8)]
    assert [[c.value for c in r][:5] for r in rows] == [
        [sepa.id, "AG01", "Alpha", IBAN_DE, "COBADEFFXXX"],
        [outside.id, "AG01", "Alpha", IBAN_UA, None],
        [usd.id, "AG04", "Delta, Inc.", "account 123-456 at First Bank, routing 021000021", None]]
    amounts = [r[6] for r in rows]
    assert [(c.value, c.data_type, c.number_format) for c in amounts] == [
        (150.25, "n", "#,##0.00"), (100, "n", "#,##0.00"), (300, "n", "#,##0.00")]
    assert rows[0][8].value == f"Partner program payout, request {sepa.id}, Alpha (AG01)"
    totals = {sheet.cell(r, 1).value: sheet.cell(r, 7).value for r in (10, 11)}
    assert totals == {"Total EUR": 250.25, "Total USD": 300}  # 150.25 + 100.00
    xml = (out / "payout-batch-1-sepa-EUR.xml").read_text()
    assert "<EndToEndId>PAYOUT-REQUEST-1</EndToEndId>" in xml
    assert "<CtrlSum>150.25</CtrlSum>" in xml
    assert "<IBAN>DE89370400440532013000</IBAN>" in xml
    assert "<NbOfTxs>1</NbOfTxs>" in xml
    # the register opened and saved again still names its batch
    book.save(out / "saved-again.xlsx")
    assert preview_batch(pdb, out / "saved-again.xlsx").batch_id == 1
    paid = mark_batch_paid(pdb, F2, out / "payout-batch-1-sepa-EUR.xml", "SEPA-1", PAID_ON)
    assert [v.id for v in paid.requests] == [sepa.id, outside.id, usd.id]  # the whole batch


def test_without_the_company_account_the_register_is_written_and_sepa_is_not(pdb: Database, tmp_path: Path) -> None:
    approved(pdb, "AG01", "150.25", "bank", f"IBAN {IBAN_DE}")
    result = export_batch(pdb, F2, "bank", tmp_path)
    assert [p.name for p in result.files] == ["payout-batch-1-bank-register.xlsx"]
    assert [english(n) for n in result.notices] == [
        "the SEPA file was not written: the company's payout account (name, IBAN, BIC) is not set in the settings; "
        "pay the EUR requests from the register"]


def test_a_file_of_no_batch_is_refused(pdb: Database, tmp_path: Path) -> None:
    paypal_batch(pdb)
    export_batch(pdb, F2, "paypal", tmp_path)
    edited = tmp_path / "edited.csv"
    edited.write_text("jp@example.jp,20000,JPY,2,note\n")  # the JPY file without its note: same request
    assert preview_batch(pdb, edited).batch_id == 1
    stranger = tmp_path / "stranger.csv"
    stranger.write_text("x@example.com,1.00,USD,1,note\nx@example.com,1.00,USD,2,note\n")
    with pytest.raises(UserError, match=r"^stranger.csv is not a file of an exported payout batch \(it lists "
                                        r"requests 1,2\): give the request ids instead \(1,2\)$"):
        mark_batch_paid(pdb, F2, stranger, "REF", PAID_ON)


def test_export_needs_the_finance_role(pdb: Database, tmp_path: Path) -> None:
    approved(pdb, "AG04", "120.50", "paypal", "delta@example.com")
    with pytest.raises(Refused, match=r"^m1 \(manager\) may not export payout batches: it needs the finance role$"):
        export_batch(pdb, M1, "paypal", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_bank_request_with_a_wrong_iban_checksum_is_refused(pdb: Database) -> None:
    before = (count(pdb, Withdrawal), money_rows(pdb))
    with pytest.raises(UserError) as caught:
        approved(pdb, "AG01", "150.00", "bank", "IBAN DE89 3704 0044 0532 0130 01, Commerzbank")
    assert str(caught.value) == ("cannot request a withdrawal from AG01: the IBAN DE89 3704 0044 0532 0130 01 in the "
                                 "payout details is not valid: its check digits are wrong")
    assert (count(pdb, Withdrawal), money_rows(pdb)) == before
    with pdb.read() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
        assert last is not None
        assert (last.action, last.outcome) == ("withdraw.request", "refused")
    # a valid IBAN, an account without one, or a PayPal request are accepted as before
    assert approved(pdb, "AG01", "150.00", "bank", f"IBAN {IBAN_DE}").status == "approved"
    assert approved(pdb, "AG01", "150.00", "bank", "account 42 at First Bank").status == "approved"
    assert approved(pdb, "AG01", "150.00", "paypal", "IBAN DE89 3704 0044 0532 0130 01").status == "approved"


def test_the_last_details_of_each_method_are_offered_again(pdb: Database) -> None:

    approved(pdb, "AG01", "150.00", "bank", f"IBAN {IBAN_DE}")
    approved(pdb, "AG01", "150.00", "paypal", "old@example.com")
    approved(pdb, "AG01", "150.00", "paypal", "new@example.com")
    wrong = request_withdrawal(pdb, M1, "AG01", Decimal("10.00"), "card", "card 1111", as_of=TODAY)
    reject(pdb, F1, wrong.id, "not the agency's card")  # rejected details are not offered again
    assert payout_accounts.last_payout_details(pdb, "AG01") == {"paypal": "new@example.com",
                                                                "bank_transfer": f"IBAN {IBAN_DE}"}
    assert payout_accounts.last_payout_details(pdb, "AG04") == {}


def test_the_company_account_is_checked_and_needs_an_admin(pdb: Database) -> None:
    with pytest.raises(Refused, match=r"may not change settings: it needs the admin role"):
        payout_accounts.set_company_account(pdb, F2, "Ltd", "DE02 1203 0000 0000 2020 51", "BYLADEM1001")
    with pytest.raises(UserError, match=r"^the IBAN DE02 1203 0000 0000 2020 52 is not valid: its check digits"):
        payout_accounts.set_company_account(pdb, ACTORS["a1"], "Ltd", "DE02 1203 0000 0000 2020 52", "BYLADEM1001")
    with pytest.raises(UserError, match=r"is outside the SEPA zone"):
        payout_accounts.set_company_account(pdb, ACTORS["a1"], "Ltd", IBAN_UA, "PBANUA2X")
    with pytest.raises(UserError, match=r"^'BYLA' is not a BIC"):
        payout_accounts.set_company_account(pdb, ACTORS["a1"], "Ltd", "DE02 1203 0000 0000 2020 51", "BYLA")
    assert payout_accounts.company_account(pdb) is None
    account = payout_accounts.set_company_account(pdb, ACTORS["a1"], " Partner  Desk Ltd ",
                                                  "de02 1203 0000 0000 2020 51", "byladem1001")
    assert (account.name, account.iban, account.bic) == ("Partner Desk Ltd", "DE02120300000000202051", "BYLADEM1001")
    assert payout_accounts.company_account(pdb) == account


def test_each_payout_of_a_batch_and_its_release_are_dated_the_day_paid(pdb: Database, tmp_path: Path) -> None:
    ids = paypal_batch(pdb)  # held on 2026-11-18, approved on the 20th (today)
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    mark_batch_paid(pdb, F2, result.files[0], "PP-1", PAID_ON)  # recorded on the 20th, paid on the 19th
    with pdb.read() as s:
        dated = {(e.withdrawal_id, e.kind): e.effective_on for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.withdrawal_id.in_(ids)))}
    assert dated == {**{(i, "withdrawal_hold"): HELD_ON for i in ids},
                     **{(i, "hold_release"): PAID_ON for i in ids}, **{(i, "payout"): PAID_ON for i in ids}}
    # so November's books show the money paid out on the 19th, not held until the 20th:
    # AG04 1000.00 - 120.50 - 80.00 = 799.50 on the 19th, nothing held
    assert position(pdb, "AG04") == (Decimal("799.50"), Decimal("0.00"), Decimal("799.50"))


def test_a_batch_date_after_today_or_in_a_posted_month_is_refused_and_writes_nothing(
        pdb: Database, tmp_path: Path) -> None:

    paypal_batch(pdb)
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    before = (money_rows(pdb), [get_withdrawal(pdb, i).status for i in (1, 2, 3)])
    with pytest.raises(UserError, match=r"^the payout date 2026-11-21 is after today \(2026-11-20\): a date chosen "
                                        r"for an action cannot be in the future$"):
        mark_batch_paid(pdb, F2, result.files[0], "PP-1", date(2026, 11, 21))
    post_period(pdb, F1, "2026-10")  # October ended by the clock: its books close
    with pytest.raises(UserError, match=r"^the payout date 2026-10-31 is in 2026-10, which is posted: its books "
                                        r"are closed$"):
        mark_batch_paid(pdb, F2, result.files[0], "PP-1", date(2026, 10, 31))
    assert (money_rows(pdb), [get_withdrawal(pdb, i).status for i in (1, 2, 3)]) == before
    with pdb.read() as s:
        refusals = [(r.action, r.outcome) for r in s.scalars(select(AuditRecord).order_by(AuditRecord.id))][-3:]
    assert refusals == [("withdraw.paid_batch", "refused"), ("accrue.post", "ok"), ("withdraw.paid_batch", "refused")]


def test_a_batch_paid_before_a_request_was_held_releases_each_hold_on_its_own_day(pdb: Database,
                                                                                  tmp_path: Path) -> None:
    early = request_withdrawal(pdb, M1, "AG04", Decimal("50.00"), "paypal", "e@example.com", as_of=date(2026, 11, 16))
    approve(pdb, F1, early.id)
    late = paypal_batch(pdb)  # held on the 18th
    result = export_batch(pdb, F2, "paypal", tmp_path / "out")
    before = money_rows(pdb)
    paid = mark_batch_paid(pdb, F2, result.files[0], "PP-1", date(2026, 11, 17))
    assert [v.id for v in paid.requests] == [early.id, *late]
    written = money_rows(pdb)[len(before):]
    # every payout is dated the 17th, the day the money left; a hold is released on the day it was made if
    # that is later (the 18th), so on no day is a hold released before it was made
    releases = sorted(day for kind, _, _, day in written if kind == "hold_release")
    payouts = sorted(day for kind, _, _, day in written if kind == "payout")
    assert payouts == [date(2026, 11, 17)] * (1 + len(late))
    assert releases == [date(2026, 11, 17)] + [date(2026, 11, 18)] * len(late)
