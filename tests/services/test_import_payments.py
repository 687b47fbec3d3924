"""Importing billing payments: company-time periods, exact amounts, refunds checked against originals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from partner_desk.domain.roles import SETUP
from partner_desk.files.table import FileRejected
from partner_desk.services.imports import import_file
from partner_desk.store.bulk import InsertsBehind
from partner_desk.store.models import ImportRun, Payment

HEADER = "payment_id,project_id,paid_at,service,amount,currency,refund_of"


@pytest.fixture
def connected(load) -> None:
    load("agencies", "code,name,currency\nAG01,Alpha,EUR")
    load("projects", "project_id,name,currency,agency_code,connected_at\nP1,Shop,UAH,AG01,2025-01-01")


def stored(db) -> dict[str, Payment]:
    with db.read() as session:
        return {p.payment_id: p for p in session.scalars(select(Payment))}


def test_payments_get_their_company_time_day_and_period(db, load, connected) -> None:
    summary = load("payments", f"""
{HEADER}
pay-1,P1,2026-01-31T23:30:00Z,subscription,1000.50,UAH,
pay-2,P1,2026-01-31T21:59:59Z,numbers,10,UAH,
pay-3,P1,2026-02-10T10:00,subscription,5,USD,
""")
    assert (summary.rows, summary.added) == (3, 3)
    rows = stored(db)
    # 23:30 UTC on Jan 31 is 01:30 on Feb 1 in Kyiv: a February payment
    assert (rows["pay-1"].local_date, rows["pay-1"].period) == (date(2026, 2, 1), "2026-02")
    assert rows["pay-1"].amount_minor == 100050
    # 21:59:59 UTC is 23:59:59 in Kyiv: still January
    assert (rows["pay-2"].local_date, rows["pay-2"].period) == (date(2026, 1, 31), "2026-01")
    assert rows["pay-2"].amount_minor == 1000
    assert rows["pay-3"].paid_at == datetime(2026, 2, 10, 8, 0, tzinfo=UTC)


def test_same_rows_again_add_nothing(db, load, connected, counts) -> None:
    text = (f"{HEADER}\npay-1,P1,2026-01-05T10:00,subscription,100,UAH,\n"
            "pay-2,P1,2026-01-06T10:00,subscription,-40,UAH,pay-1")
    assert load("payments", text).added == 2
    again = load("payments", text)
    assert (again.added, again.known) == (0, 2)
    assert counts(Payment) == {"payments": 2}


def test_rows_read_the_quick_way_with_known_ids_among_them_add_only_the_new_ones(db, load, connected, counts,
                                                                                monkeypatch) -> None:
    heard: list[bool] = []
    put = InsertsBehind.put_all_new

    def told(self: InsertsBehind, rows, key, settle) -> None:
        put(self, rows, key, lambda done: (heard.append(done), settle(done)))

    monkeypatch.setattr(InsertsBehind, "put_all_new", told)

    def rows(numbers: range) -> str:
        return "\n".join(f"q-{n},P1,2026-01-05T10:00:00,subscription,100.00,UAH," for n in numbers)

    assert load("payments", f"{HEADER}\n{rows(range(3))}").added == 3
    # q-1 and q-2 are stored: the batch is taken back whole, then checked row by row
    again = load("payments", f"{HEADER}\n{rows(range(1, 6))}")
    assert (again.added, again.known) == (3, 2)
    assert heard == [True, False]
    assert counts(Payment) == {"payments": 6}
    assert sorted(stored(db)) == [f"q-{n}" for n in range(6)]


def test_a_known_id_with_other_content_is_an_error(db, load, connected, counts) -> None:
    load("payments", f"{HEADER}\npay-1,P1,2026-01-05T10:00,subscription,100,UAH,")
    with pytest.raises(FileRejected) as caught:
        load("payments", f"{HEADER}\npay-1,P1,2026-01-05T10:00,subscription,100.01,UAH,")
    assert str(caught.value).splitlines()[1:] == [
        "row 2: payment_id: 'pay-1' is known with other content "
        "(P1, 2026-01-05T08:00:00+00:00, subscription, 100.00 UAH)"
    ]
    assert counts(Payment) == {"payments": 1}


def test_every_bad_row_is_reported_and_nothing_is_written(db, load, connected, counts, audits) -> None:
    text = f"""
{HEADER}
ok-1,P1,2026-01-05T10:00,subscription,100,UAH,
bad-1,P1,2026-01-05T10:00,subscription,10.005,UAH,
bad-2,P1,2026-01-05T10:00,hosting,10,UAH,
bad-3,P1,2026-03-29T03:15,subscription,10,UAH,
bad-4,P1,2026-01-05T10:00,subscription,-10,UAH,
bad-5,P1,2026-01-05T10:00,subscription,10,JPY,ok-1
bad-6,,2026-01-05T10:00,subscription,1e3,UAH,
bad-7,P1,2026-01-05T10:00,subscription,10.5,JPY,
"""
    with pytest.raises(FileRejected) as caught:
        load("payments", text)
    assert str(caught.value).splitlines()[1:] == [
        "row 3: amount: '10.005' has more decimals than UAH allows (2)",
        "row 4: service: 'hosting' is not a service kind (subscription, numbers, telephony, other)",
        "row 5: paid_at: '2026-03-29T03:15' does not exist in Europe/Kyiv (the clocks skip that hour)",
        "row 6: refund_of: is empty, but a negative amount is a refund and must name its payment",
        "row 7: amount: a refund must have a negative amount",
        "row 8: amount: '1e3' is not a decimal number",
        "row 8: project_id: is empty",
        "row 9: amount: '10.5' has more decimals than JPY allows (0)",
    ]
    assert counts(Payment, ImportRun) == {"payments": 0, "imports": 2}
    assert audits()[-1].outcome == "refused"


def test_refund_rules(db, load, connected, counts) -> None:
    load("projects", "project_id,name,currency,agency_code,connected_at\nP2,Other,USD,AG01,2025-01-01")
    load("payments", f"""
{HEADER}
orig,P1,2026-01-10T10:00,subscription,100.00,UAH,
other,P2,2026-01-10T10:00,subscription,100.00,USD,
part,P1,2026-01-12T10:00,subscription,-60.00,UAH,orig
""")
    text = f"""
{HEADER}
r-early,P1,2026-01-09T10:00,subscription,-1.00,UAH,orig
r-too-much,P1,2026-01-13T10:00,subscription,-40.01,UAH,orig
r-project,P2,2026-01-13T10:00,subscription,-1.00,UAH,orig
r-currency,P1,2026-01-13T10:00,subscription,-1.00,EUR,orig
r-unknown,P1,2026-01-13T10:00,subscription,-1.00,UAH,nope
r-of-refund,P1,2026-01-13T10:00,subscription,-1.00,UAH,part
r-self,P1,2026-01-13T10:00,subscription,-1.00,UAH,r-self
"""
    with pytest.raises(FileRejected) as caught:
        load("payments", text)
    assert str(caught.value).splitlines()[1:] == [
        "row 2: paid_at: is before the refunded payment orig (2026-01-10T08:00:00+00:00)",
        "row 3: amount: refunds more than is left of orig: 40.00 UAH left",
        "row 4: project_id: the refunded payment orig belongs to project P1",
        "row 5: currency: the refunded payment orig is in UAH",
        "row 6: refund_of: unknown payment 'nope'",
        "row 7: refund_of: 'part' is itself a refund",
        "row 8: refund_of: a payment cannot refund itself",
    ]
    assert counts(Payment) == {"payments": 3}
    # exactly what is left may still be refunded
    assert load("payments", f"{HEADER}\nr-rest,P1,2026-01-13T10:00,subscription,-40.00,UAH,orig").added == 1


def test_two_refunds_in_one_file_together_may_not_exceed_the_original(load, connected, counts) -> None:
    with pytest.raises(FileRejected) as caught:
        load("payments", f"""
{HEADER}
orig,P1,2026-01-10T10:00,subscription,100.00,UAH,
r1,P1,2026-01-11T10:00,subscription,-70.00,UAH,orig
r2,P1,2026-01-12T10:00,subscription,-30.01,UAH,orig
""")
    assert str(caught.value).splitlines()[1:] == ["row 4: amount: refunds more than is left of orig: 30.00 UAH left"]
    assert counts(Payment) == {"payments": 0}


def test_a_bad_row_does_not_make_a_refund_of_a_good_row_look_orphaned(load, connected) -> None:
    # only the real problem is reported: the refund's original is in the same file
    with pytest.raises(FileRejected) as caught:
        load("payments", f"""
{HEADER}
orig,P1,2026-01-10T10:00,subscription,100.00,UAH,
bad,P1,2026-01-10T10:00,subscription,1.001,UAH,
r1,P1,2026-01-11T10:00,subscription,-70.00,UAH,orig
""")
    assert str(caught.value).splitlines()[1:] == ["row 3: amount: '1.001' has more decimals than UAH allows (2)"]


def test_payments_of_never_connected_projects_are_kept_and_counted(db, load, connected) -> None:
    summary = load("payments", f"""
{HEADER}
a,P1,2026-01-10T10:00,subscription,1,UAH,
b,NOPE,2026-01-10T10:00,subscription,1,USD,
c,NOPE,2026-01-11T10:00,subscription,1,USD,
""")
    assert summary.added == 3
    assert summary.notes == ["2 payments of projects never connected to an agency (kept, earn nothing)"]
    assert "2 payments of projects never connected" in str(summary)
    assert set(stored(db)) == {"a", "b", "c"}


def test_payments_from_an_xlsx_sheet_with_real_number_and_date_cells(db, tmp_path, connected) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"])
    sheet.append(["x1", "P1", datetime(2026, 1, 5, 10, 0), "subscription", 1234.5, "UAH", None])
    sheet.append([1002, "P1", datetime(2026, 1, 6, 10, 0), "subscription", 0.1, "UAH", None])
    sheet.append([None, None, None, None, None, None, None])  # a blank row is skipped
    sheet.append(["x3", "P1", datetime(2026, 1, 7, 10, 0), "subscription", 12.345, "UAH", None])
    path = tmp_path / "payments.xlsx"
    book.save(path)
    with pytest.raises(FileRejected) as caught:
        import_file(db, SETUP, "payments", path)
    # row numbers count as the spreadsheet shows them, the blank row 4 included
    assert str(caught.value).splitlines()[1:] == ["row 5: amount: '12.345' has more decimals than UAH allows (2)"]
    sheet.delete_rows(5)
    book.save(path)
    assert import_file(db, SETUP, "payments", path).added == 2
    rows = stored(db)
    # the float cells 1234.5 and 0.1 are read as the numbers shown, not their binary approximations
    assert rows["x1"].amount_minor == 123450
    assert rows["1002"].amount_minor == 10
    assert rows["x1"].paid_at == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
