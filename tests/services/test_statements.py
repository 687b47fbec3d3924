"""Partner statements from posted data, read back with openpyxl (SPEC sections 6 and 9).

The world every test here is checked against (rates per USD from 2026-01-01: UAH 40, EUR 0.8,
JPY 150, KWD 0.305; times without an offset are Kyiv time):

agencies: AG01 EUR (manager olena), AGJ JPY (offer accepted), AGK KWD, AG04 USD
projects: P1 Shop (UAH) and P2 Hotel (EUR) -> AG01; PJ (USD) -> AGJ; PK (USD) -> AGK; P4 (USD) -> AG04

January 2026, posted on 2026-02-01
  a1 P1 Jan 5 10:00  20000.00 UAH: $500, 20000 * 0.8 / 40 = 400.00 EUR
  a2 P2 Jan 10 12:30    90.00 EUR: 90 / 0.8 = $112.50, 90.00 EUR (no conversion)
     AG01 turnover 612.50 -> 15%: 60.00 + 13.50 = 73.50 EUR; reward 612.5 * 0.15 = 91.875 -> $91.88
  j1 PJ Jan 7   1000.01 USD: partner 1000.01 * 150 = 150001.5 JPY (shown 150002);
     15%: 150001.5 * 0.15 = 22500.225 -> 22500 JPY; reward 150.0015 -> $150.00
  k1 PK Jan 8    333.33 USD: partner 333.33 * 0.305 = 101.66565 KWD (shown 101.666);
     10%: 10.166565 -> 10.167 KWD; reward $33.33
February 2026, posted on 2026-03-01
  Feb 5   AG01 pays project P1 70.00 EUR (70 / 0.8 * 40 = 3500.00 UAH)
  Feb 15  AG04 correction +25.00 USD
  Feb 20  AGJ requests a withdrawal of 10000 JPY (held)
  a4 P2 Jan 20 09:00 20.00 EUR, imported after January was posted: late, at January's 15% -> 3.00 EUR
  r1 P1 Feb 10 -20000.00 UAH refunding a1: at a1's terms -400.00 EUR, -60.00 EUR
  a3 P2 Feb 12 22:30Z 10.00 EUR (Feb 13 00:30 in Kyiv): $12.50 -> turnover 12.50 -> 10% -> 1.00 EUR
     AG01 February: 3.00 - 60.00 + 1.00 = -56.00 EUR (credit 4.00, refund reversal -60.00)
     reward 25 * 0.15 - 500 * 0.15 + 12.5 * 0.10 = 3.75 - 75 + 1.25 = -$70.00
     ledger: opening 73.50; -70.00 -> 3.50; +4.00 -> 7.50; -60.00 -> -52.50 closing (negative)
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.accruals import post_period
from partner_desk.services.guard import Refused
from partner_desk.services.imports import import_file
from partner_desk.services.ledger import correct, pay_project
from partner_desk.services.setup import init_database
from partner_desk.services.statements import export_preview, export_statement
from partner_desk.services.withdrawals import request_withdrawal
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, Agency, AuditRecord
from tests.fixed_clock import clock_at

PRODUCED = date(2026, 3, 2)
MANAGER = Actor("mira", Role.MANAGER)

FILES = {
    "agencies": """code,name,currency,offer_accepted_at,manager
AG01,Alpha Media,EUR,,olena
AGJ,Tokyo Ads,JPY,2025-06-01,
AGK,Gulf Digital,KWD,,
AG04,Solo,USD,,
""",
    "projects": """project_id,name,currency,agency_code,connected_at,disconnected_at
P1,Shop,UAH,AG01,2025-01-01,
P2,Hotel,EUR,AG01,2025-01-01,
PJ,Ramen,USD,AGJ,2025-01-01,
PK,Souk,USD,AGK,2025-01-01,
P4,Solo shop,USD,AG04,2025-01-01,
""",
    "rates": """date,currency,per_usd
2026-01-01,UAH,40
2026-01-01,EUR,0.8
2026-01-01,JPY,150
2026-01-01,KWD,0.305
""",
    "january": """payment_id,project_id,paid_at,service,amount,currency,refund_of
a1,P1,2026-01-05T10:00:00,subscription,20000.00,UAH,
a2,P2,2026-01-10T12:30:00,subscription,90.00,EUR,
j1,PJ,2026-01-07T08:00:00,subscription,1000.01,USD,
k1,PK,2026-01-08T08:00:00,subscription,333.33,USD,
""",
    "february": """payment_id,project_id,paid_at,service,amount,currency,refund_of
a4,P2,2026-01-20T09:00:00,subscription,20.00,EUR,
r1,P1,2026-02-10T11:00:00,subscription,-20000.00,UAH,a1
a3,P2,2026-02-12T22:30:00Z,subscription,10.00,EUR,
""",
}
_template: dict[str, Path] = {}


def build_world(db: Database, folder: Path) -> None:
    """Load and post the world above into an initialised database."""

    def load(kind: str, name: str | None = None) -> None:
        csv = folder / f"{name or kind}.csv"
        csv.write_text(FILES[name or kind], encoding="utf-8")
        import_file(db, SETUP, kind, csv)

    for kind in ("agencies", "projects", "rates"):
        load(kind)
    load("payments", "january")
    with clock_at("2026-02-01T10:00:00Z"):
        post_period(db, SETUP, "2026-01")
    with clock_at("2026-02-05T10:00:00Z"):
        pay_project(db, SETUP, "AG01", "P1", "70.00")
    with clock_at("2026-02-15T10:00:00Z"):
        correct(db, SETUP, "AG04", "25.00", "goodwill credit")
    with clock_at("2026-02-20T10:00:00Z"):
        request_withdrawal(db, SETUP, "AGJ", "10000", "bank", "JP-ACCOUNT-1")
    load("payments", "february")
    with clock_at("2026-03-01T10:00:00Z"):
        post_period(db, SETUP, "2026-02")


def _build(folder: Path) -> Path:
    path = folder / "statements.db"
    db = Database(f"sqlite:///{path}")
    init_database(db)
    build_world(db, folder)
    db.dispose()
    return path


@pytest.fixture
def sdb(tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the world above (built once per test run)."""
    if "path" not in _template:
        _template["path"] = _build(Path(tempfile.mkdtemp(prefix="partner-desk-statements-")))
    target = tmp_path / "world.db"
    shutil.copyfile(_template["path"], target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.dispose()


def rows(sheet: Worksheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def summary_of(sheet: Worksheet) -> dict[str, Any]:
    """Label -> value cell of the Summary sheet (labels in column A)."""
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=1) if row[0].value and len(row) > 1}


def audits(db: Database) -> list[AuditRecord]:
    with db.read() as session:
        return list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def test_eur_agency_summary_matches_the_posted_accrual(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    result = export_statement(sdb, MANAGER, "AG01", "2026-02", out, produced_on=PRODUCED)
    assert out.exists()
    assert (result.lines, result.commission, result.closing_balance) == (3, Decimal("-56.00"), Decimal("-52.50"))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Lines", "Ledger"]
    s = summary_of(wb["Summary"])
    assert s["Agency"].value == "Alpha Media"
    assert s["Code"].value == "AG01"
    assert s["Manager"].value == "olena"
    assert s["Period"].value == "2026-02"
    assert s["Period from"].value == datetime(2026, 2, 1)
    assert s["Period from"].is_date
    assert s["Period to"].value == datetime(2026, 2, 28)
    assert s["Period to"].is_date
    assert s["Partner currency"].value == "EUR"
    # turnover: a3 only (10.00 / 0.8 = 12.50); the late a4 and the refund count in no turnover
    assert s["Licence turnover"].value == 12.5
    assert s["Licence turnover"].number_format == "#,##0.00"
    assert s["Percent"].value == pytest.approx(0.10)
    assert s["Percent"].number_format == "0%"
    assert s["Commission total"].value == -56.0
    assert s["Commission total"].number_format == "#,##0.00"
    assert s["Lines"].value == 3
    assert s["Late lines"].value == 1
    assert s["Reward"].value == -70.0
    assert s["Reward level reached"].value == "none"
    assert s["Benefits reached"].value == "none"
    assert s["Opening balance"].value == 73.5
    assert s["Closing balance"].value == -52.5  # the refund reversal made the balance negative
    assert s["Available at period end"].value == -52.5
    assert s["Produced on"].value == datetime(2026, 3, 2)
    assert s["Produced on"].is_date
    with sdb.read() as session:
        posted = session.scalar(select(Accrual).join(Agency, Agency.id == Accrual.agency_id)
                                .where(Agency.code == "AG01", Accrual.period == "2026-02"))
        assert posted is not None
        assert posted.amount_minor == -5600  # the figure on the statement is the posted one


PAYMENTS = "Payments of the period: they make the licence turnover"
REFUNDS = "Refunds: they reverse commission and count in no turnover"
LATE = "Late payments and refunds of earlier periods: they count in no turnover"
NOTES = ["USD and partner amounts are rounded on each line for display; their totals are the exact sums, "
         "rounded once.", "Commissions are rounded once on each line, and their totals add up exactly."]


def heading(text: str) -> list[Any]:
    return [text] + [None] * 14


def sums(label: str, usd: float, partner: float, commission: float) -> list[Any]:
    return [label, *[None] * 9, usd, partner, None, commission, None]


def test_lines_sheet_shows_each_line_as_posted_in_groups_with_totals(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    export_statement(sdb, MANAGER, "AG01", "2026-02", out, produced_on=PRODUCED)
    sheet = load_workbook(out)["Lines"]
    table = rows(sheet)
    assert table[0] == [
        "Payment date", "Project ID", "Project", "Payment ID", "Service", "Refund of", "Amount", "Currency",
        "Rate to USD", "Partner currency rate", "USD amount", "Partner amount, EUR", "Percent",
        "Commission, EUR", "Late",
    ]
    # payments of the period first: a3, paid at 22:30 UTC on Feb 12, which is 00:30 on Feb 13 in Kyiv
    assert table[1] == heading(PAYMENTS)
    assert table[2] == [datetime(2026, 2, 13, 0, 30), "P2", "Hotel", "a3", "Subscription", None, 10, "EUR",
                        0.8, None, 12.5, 10, 0.1, 1, "no"]
    # its USD subtotal is the licence turnover of the Summary: 10.00 / 0.8 = $12.50
    assert table[3] == sums("Subtotal: licence turnover", 12.5, 10, 1)
    # r1: the refund at a1's terms: -20000 / 40 = -$500, -400.00 EUR, -60.00 EUR; not late
    assert table[4] == heading(REFUNDS)
    assert table[5] == [datetime(2026, 2, 10, 11, 0), "P1", "Shop", "r1", "Subscription", "a1", -20000, "UAH",
                        40, 0.8, -500, -400, 0.15, -60, "no"]
    assert table[6] == sums("Subtotal: refunds", -500, -400, -60)
    # a4: late, at January's 15%: 20.00 EUR -> $25.00, 3.00 EUR; no conversion (partner rate empty)
    assert table[7] == heading(LATE)
    assert table[8] == [datetime(2026, 1, 20, 9, 0), "P2", "Hotel", "a4", "Subscription", None, 20, "EUR",
                        0.8, None, 25, 20, 0.15, 3, "yes"]
    assert table[9] == sums("Subtotal: late lines", 25, 20, 3)
    # totals: $12.50 - $500 + $25 = -$462.50; 10 - 400 + 20 = -370.00; 1 - 60 + 3 = -56.00 (the accrual)
    assert table[10] == sums("Total", -462.5, -370, -56)
    assert [r[0] for r in table[11:]] == NOTES
    refund = sheet[6]
    assert refund[0].is_date
    assert refund[0].number_format == "yyyy-mm-dd hh:mm"
    assert refund[6].data_type == "n"
    assert refund[6].number_format == "#,##0.00"
    assert refund[8].number_format == "#,##0.00########"
    assert refund[12].number_format == "0%"
    assert refund[13].data_type == "n"
    assert refund[13].number_format == "#,##0.00"
    assert refund[14].data_type == "s"
    assert sheet[11][13].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O10"
    assert sheet.column_dimensions["C"].width == 24


def test_ledger_sheet_runs_from_opening_to_a_negative_closing_balance(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    export_statement(sdb, MANAGER, "AG01", "2026-02", out, produced_on=PRODUCED)
    sheet = load_workbook(out)["Ledger"]
    table = rows(sheet)
    assert table[0] == ["Date", "Entry", "Details", "Project ID", "Project amount", "Project currency",
                        "Withdrawal request", "Amount", "Balance", "Held"]
    assert table[1] == [datetime(2026, 2, 1), "Opening balance", None, None, None, None, None, None, 73.5, 0]
    # 73.50 - 70.00 = 3.50, paid as 70 / 0.8 * 40 = 3500.00 UAH to project P1
    assert table[2] == [datetime(2026, 2, 5), "Project payment", "Paid for project P1", "P1", 3500, "UAH", None,
                        -70, 3.5, 0]
    # the February accrual: credit 3.00 + 1.00 = 4.00, refunds reversed -60.00, both on Feb 28
    assert table[3] == [datetime(2026, 2, 28), "Accrual", "Commission for February 2026", None, None, None, None,
                        4, 7.5, 0]
    assert table[4] == [datetime(2026, 2, 28), "Refund reversal", "Commission on refunds reversed, February 2026",
                        None, None, None, None, -60, -52.5, 0]
    assert table[5] == [datetime(2026, 2, 28), "Closing balance", None, None, None, None, None, None, -52.5, 0]
    assert len(table) == 6
    assert sheet["A3"].is_date
    assert sheet.freeze_panes == "A2"
    assert sheet["E3"].number_format == "#,##0.00"
    assert all(sheet.cell(r, 9).number_format == "#,##0.00" for r in range(2, 7))


def test_jpy_statement_has_no_decimals(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AGJ.xlsx"
    export_statement(sdb, MANAGER, "AGJ", "2026-01", out, produced_on=PRODUCED)
    wb = load_workbook(out)
    s = summary_of(wb["Summary"])
    assert s["Commission total"].value == 22500
    assert s["Commission total"].number_format == "#,##0"
    assert s["Percent"].value == pytest.approx(0.15)
    assert s["Licence turnover"].value == pytest.approx(1000.01)
    assert s["Reward"].value == 150  # 1000.01 * 0.15 = 150.0015 -> $150.00
    line = wb["Lines"][3]
    # 1000.01 USD * 150 = 150001.5 JPY, shown rounded half-up: 150002; commission 22500.225 -> 22500
    assert [c.value for c in line[6:15]] == [pytest.approx(1000.01), "USD", 1, 150, pytest.approx(1000.01),
                                             150002, pytest.approx(0.15), 22500, "no"]
    assert line[6].number_format == "#,##0.00"  # the payment's own currency: USD
    assert line[11].number_format == "#,##0"
    assert line[13].number_format == "#,##0"
    # the subtotal and the total: 150001.5 exactly, rounded once: 150002
    assert wb["Lines"][4][11].value == 150002
    total = wb["Lines"][5]
    assert total[0].value == "Total"
    assert total[13].value == 22500
    assert total[13].number_format == "#,##0"
    ledger = rows(wb["Ledger"])
    assert ledger[-1][-2] == 22500


def test_kwd_statement_has_three_decimals(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AGK.xlsx"
    export_statement(sdb, MANAGER, "AGK", "2026-01", out, produced_on=PRODUCED)
    wb = load_workbook(out)
    s = summary_of(wb["Summary"])
    # 333.33 * 0.305 = 101.66565 KWD at 10%: 10.166565 -> 10.167
    assert s["Commission total"].value == pytest.approx(10.167, abs=1e-9)
    assert s["Commission total"].number_format == "#,##0.000"
    assert s["Percent"].value == pytest.approx(0.10)
    line = wb["Lines"][3]
    assert line[11].value == pytest.approx(101.666, abs=1e-9)
    assert line[11].number_format == "#,##0.000"
    assert line[13].value == pytest.approx(10.167, abs=1e-9)
    assert line[13].number_format == "#,##0.000"
    assert line[9].value == pytest.approx(0.305)
    assert wb["Ledger"]["I3"].value == pytest.approx(10.167, abs=1e-9)
    assert wb["Ledger"]["I3"].number_format == "#,##0.000"


def test_ledger_activity_without_lines_still_gets_a_statement(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG04.xlsx"
    result = export_statement(sdb, MANAGER, "AG04", "2026-02", out, produced_on=PRODUCED)
    assert result.lines == 0
    assert result.closing_balance == Decimal("25.00")
    wb = load_workbook(out)
    lines = rows(wb["Lines"])
    assert len(lines) == 4  # the header, a zero total and the notes on rounding
    assert lines[1] == sums("Total", 0, 0, 0)
    assert [r[0] for r in lines[2:]] == NOTES
    s = summary_of(wb["Summary"])
    assert s["Licence turnover"].value == "no accrual in this period"
    assert s["Percent"].value is None
    assert s["Commission total"].value == 0
    ledger = rows(wb["Ledger"])
    assert ledger[1][1] == "Opening balance"
    assert ledger[1][8] == 0
    assert ledger[2] == [datetime(2026, 2, 15), "Correction", "goodwill credit", None, None, None, None, 25, 25, 0]
    assert ledger[3][1] == "Closing balance"
    assert ledger[3][8] == 25


def test_a_withdrawal_hold_is_held_not_spent(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AGJ.xlsx"
    export_statement(sdb, MANAGER, "AGJ", "2026-02", out, produced_on=PRODUCED)
    wb = load_workbook(out)
    ledger = rows(wb["Ledger"])
    assert ledger[1][8:] == [22500, 0]
    hold = ledger[2]
    assert hold[0] == datetime(2026, 2, 20)
    assert hold[1] == "Withdrawal hold"
    assert isinstance(hold[6], int)
    assert hold[7] == -10000
    assert hold[8:] == [22500, 10000]
    s = summary_of(wb["Summary"])
    # balance 22500 JPY, of which 10000 held: 12500 available
    assert s["Closing balance"].value == 22500
    assert s["Held for withdrawals at period end"].value == 10000
    assert s["Available at period end"].value == 12500


def test_a_statement_is_the_same_whenever_it_is_produced(sdb: Database, tmp_path: Path, write_csv: Any,
                                                        clock: Any) -> None:
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    export_statement(sdb, MANAGER, "AG01", "2026-02", first, produced_on=PRODUCED)
    # later activity: a March payment and a March project payment change nothing in February
    import_file(sdb, SETUP, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
        "m1,P2,2026-03-03T10:00:00,subscription,50.00,EUR,\n"))
    clock("2026-03-04T10:00:00Z")
    correct(sdb, SETUP, "AG01", "60.00", "March top-up")
    export_statement(sdb, MANAGER, "AG01", "2026-02", second, produced_on=date(2026, 4, 9))
    a, b = load_workbook(first), load_workbook(second)
    for name in ("Summary", "Lines", "Ledger"):
        left, right = rows(a[name]), rows(b[name])
        if name == "Summary":
            assert left[-1][:2] == ["Produced on", datetime(2026, 3, 2)]
            assert right[-1][:2] == ["Produced on", datetime(2026, 4, 9)]
            left, right = left[:-1], right[:-1]
        assert left == right


def test_an_unposted_period_is_refused_and_nothing_written(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    with pytest.raises(UserError) as caught:
        export_statement(sdb, MANAGER, "AG01", "2026-03", out)
    assert str(caught.value) == ("2026-03 is not posted: a statement shows posted accruals only "
                                 "(a preview of it can be exported instead)")
    assert list(tmp_path.glob("*.xlsx*")) == []
    assert list(tmp_path.glob(".*")) == []
    last = audits(sdb)[-1]
    assert (last.action, last.outcome, last.object, last.user_name) == ("statement", "refused", "AG01:2026-03",
                                                                        "mira")


def test_a_user_without_the_manager_role_is_refused(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01.xlsx"
    before = len(audits(sdb))
    with pytest.raises(Refused) as caught:
        export_statement(sdb, Actor("guest", None), "AG01", "2026-02", out)
    assert str(caught.value) == ("not signed in: to write statements sign in (--user NAME) as a user with "
                                 "the manager role")
    assert not out.exists()
    records = audits(sdb)
    assert len(records) == before + 1
    assert (records[-1].outcome, records[-1].user_name) == ("refused", "guest")


def test_a_successful_export_writes_no_audit_record(sdb: Database, tmp_path: Path) -> None:
    before = len(audits(sdb))
    export_statement(sdb, MANAGER, "AG01", "2026-01", tmp_path / "a.xlsx")
    assert len(audits(sdb)) == before


@pytest.mark.parametrize(("code", "name", "message"), [
    ("NOPE", "x.xlsx", "unknown agency 'NOPE'"),
    ("AG01", "x.csv", "a statement is an Excel workbook or a PDF: give a name ending in .xlsx or .pdf"),
    ("AG01", "missing/x.xlsx", "the folder"),
])
def test_bad_requests_are_refused_with_a_reason(sdb: Database, tmp_path: Path, code: str, name: str,
                                                message: str) -> None:
    with pytest.raises(UserError) as caught:
        export_statement(sdb, MANAGER, code, "2026-02", tmp_path / name)
    assert message in str(caught.value)
    assert list(tmp_path.rglob("*.xlsx")) == []
    assert not (tmp_path / "x.csv").exists()


def test_january_statement_of_the_eur_agency(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "AG01-jan.xlsx"
    export_statement(sdb, MANAGER, "AG01", "2026-01", out, produced_on=PRODUCED)
    wb = load_workbook(out)
    s = summary_of(wb["Summary"])
    # 500 + 112.50 = $612.50 -> 15%; 60.00 + 13.50 = 73.50 EUR; reward 91.875 -> $91.88
    assert s["Licence turnover"].value == 612.5
    assert s["Percent"].value == pytest.approx(0.15)
    assert s["Commission total"].value == 73.5
    assert s["Reward"].value == 91.88
    assert s["Opening balance"].value == 0
    assert s["Closing balance"].value == 73.5
    lines = rows(wb["Lines"])
    assert [r[3] for r in lines[2:4]] == ["a1", "a2"]
    # 60.00 + 13.50 = 73.50 EUR; USD 500 + 112.50 = 612.50, the licence turnover
    assert lines[4] == sums("Subtotal: licence turnover", 612.5, 490, 73.5)
    assert lines[5] == sums("Total", 612.5, 490, 73.5)


def test_preview_is_marked_on_every_sheet_and_projects_the_credit(sdb: Database, tmp_path: Path,
                                                                   write_csv: Any) -> None:
    import_file(sdb, SETUP, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency,refund_of\n"
        "m1,P2,2026-03-03T10:00:00,subscription,50.00,EUR,\n"))
    out = tmp_path / "AG01-preview.xlsx"
    result = export_preview(sdb, MANAGER, "AG01", "2026-03", out, as_of=date(2026, 3, 20), produced_on=PRODUCED)
    assert result.preview
    assert result.commission == Decimal("5.00")
    wb = load_workbook(out)
    for name in ("Summary", "Lines", "Ledger"):
        assert wb[name]["A1"].value == "Preview — not posted"
    s = summary_of(wb["Summary"])
    # 50.00 EUR / 0.8 = $62.50 -> 10% -> 5.00 EUR
    assert s["Licence turnover"].value == 62.5
    assert s["Commission total"].value == 5
    lines = rows(wb["Lines"])
    assert lines[1][0] == "Payment date"
    assert lines[3][3] == "m1"
    assert lines[3][13] == 5
    assert wb["Lines"].freeze_panes == "A3"
    assert wb["Lines"].auto_filter.ref == "A2:O5"
    assert wb["Lines"].print_title_rows == "$1:$2"
    ledger = rows(wb["Ledger"])
    # opening is February's closing -52.50; the preview would credit 5.00 on March 31
    assert ledger[2][8] == -52.5
    assert ledger[3][:3] == [datetime(2026, 3, 31), "Accrual", "Commission for March 2026 (preview: not posted)"]
    assert ledger[3][7:9] == [5, -47.5]
    assert ledger[4][1:2] == ["Closing balance"]
    assert ledger[4][8] == -47.5


def test_preview_of_a_posted_period_is_refused(sdb: Database, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    with pytest.raises(UserError) as caught:
        export_preview(sdb, MANAGER, "AG01", "2026-02", out)
    assert str(caught.value) == "2026-02 is posted: export its statement, not a preview"
    assert not out.exists()
    assert audits(sdb)[-1].outcome == "refused"
