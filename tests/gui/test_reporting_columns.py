"""The reporting currency in the agencies table: each money column has its equivalent, sorting a money
column sorts by value, a missing rate shows as missing, and the footer adds the grand total."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import update

from partner_desk.domain.roles import Actor, Role
from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agencies import AgenciesPage
from partner_desk.gui.pages.withdrawals import WithdrawalsPage
from partner_desk.services.withdrawals import request_withdrawal
from partner_desk.store.models import Agency
from tests.services.money_world import add_rate
from tests.services.reporting_world import RATE_DAY, populate

ADMIN = Actor("ada", Role.ADMIN)


def open_page(qtbot, db) -> AgenciesPage:
    page = AgenciesPage(AppContext(db, ADMIN))
    qtbot.addWidget(page)
    page.resize(1400, 600)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def column(page: AgenciesPage, header: str) -> int:
    return next(i for i, c in enumerate(page.model.columns) if c.header == header)


def text(page: AgenciesPage, row: int, col: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> str:
    return str(page.model.data(page.model.index(row, col), role))


def test_a_currency_mixed_balance_sorts_by_its_value_in_usd(qtbot, db) -> None:
    populate(db)
    page = open_page(qtbot, db)
    balance = column(page, "Balance")
    page.model.sort(balance, Qt.SortOrder.AscendingOrder)
    # UAH 3,480.10 = $83.86 < EUR 1,000.00 = $1,086.96 < KWD 779.000 = $2,537.46 < ¥4,615,274 = $30,768.49;
    # PLN has no rate: last
    assert [r.code for r in page.model.rows()] == ["AG-UAH", "AG-EUR", "AG-KWD", "AG-JPY", "AG-PLN"]
    page.model.sort(balance, Qt.SortOrder.DescendingOrder)
    assert [r.code for r in page.model.rows()] == ["AG-JPY", "AG-KWD", "AG-EUR", "AG-UAH", "AG-PLN"]

    equivalent = balance + 1
    assert page.model.columns[equivalent].header == "Balance\n≈ USD"
    shown = [text(page, i, equivalent) for i in range(5)]
    assert shown == ["$30,768.49", "$2,537.46", "$1,086.96", "$83.86", "no rate"]
    assert text(page, 4, equivalent, Qt.ItemDataRole.ToolTipRole) == (
        "No equivalent: no exchange rate of PLN on or before 2025-04-15")
    assert text(page, 0, equivalent, Qt.ItemDataRole.ToolTipRole) == "¥4,615,274 at the rates of 2025-04-15"
    # the equivalent column sorts by value too, the missing one last
    page.model.sort(equivalent, Qt.SortOrder.AscendingOrder)
    assert [r.code for r in page.model.rows()] == ["AG-UAH", "AG-EUR", "AG-KWD", "AG-JPY", "AG-PLN"]


def test_the_footer_keeps_each_currency_and_adds_the_grand_total(qtbot, db) -> None:
    populate(db)
    page = open_page(qtbot, db)
    assert page.balance_totals.text() == (
        "Balance: €1,000.00 · ¥4,615,274 · KWD\u00a0779.000 · PLN\u00a0500.00 · UAH\u00a03,480.10  "
        "(no total in USD: a rate is missing)")
    assert page.balance_totals.toolTip() == "no exchange rate of PLN on or before 2025-04-15"

    add_rate(db, "PLN", RATE_DAY, "4")
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    # 1,086.96 + 30,768.49 + 2,537.46 + 500 / 4 = 125.00 + 83.86 = 34,601.77
    assert page.balance_totals.text().endswith("≈ $34,601.77 in all")
    # the footer totals the rows shown: here the EUR agency alone
    page.search.setText("AG-EUR")
    page.search.flush()
    assert page.balance_totals.text() == "Balance: €1,000.00  ≈ $1,086.96 in all"
    assert page.count.text() == "1 of 5 agencies"
    # every row shown again: the totals of the rows as loaded after the refresh
    page.search.setText("")
    page.search.flush()
    assert page.balance_totals.text().endswith("≈ $34,601.77 in all")
    assert page.count.text() == "5 of 5 agencies"


def test_the_table_exports_the_rows_shown_with_real_cells(qtbot, db, tmp_path) -> None:


    populate(db)
    page = open_page(qtbot, db)
    page.model.sort(column(page, "Balance"), Qt.SortOrder.DescendingOrder)
    page.search.setText("AG-")
    page.search.flush()
    target = tmp_path / "agencies.xlsx"
    page.export.export_to(target)
    qtbot.waitUntil(lambda: page.export.written == target and ops.running() == 0, timeout=15_000)
    sheet = load_workbook(target)["Agencies"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Code", "Name", "Manager", "Projects"]
    balance = headers.index("Balance") + 1
    assert headers[balance] == "Balance ≈ USD"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # in the order shown, each balance a number in its currency's format, its USD value beside it
    assert [(r[0], r[balance - 1], r[balance]) for r in rows] == [
        ("AG-JPY", 4615274, 30768.49), ("AG-KWD", 779, 2537.46), ("AG-EUR", 1000, 1086.96),
        ("AG-UAH", 3480.1, 83.86), ("AG-PLN", 500, None)]
    assert sheet.cell(3, balance).number_format == "#,##0.000"  # KWD
    assert sheet.cell(2, balance + 1).number_format == "#,##0.00"  # USD
    # the CSV of the same rows
    csv_path = tmp_path / "agencies.csv"
    page.export.export_to(csv_path)
    qtbot.waitUntil(lambda: page.export.written == csv_path and ops.running() == 0, timeout=15_000)
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("AG-JPY,Agency in JPY,,0,")
    assert ",4615274,30768.49," in lines[1]


def test_withdrawal_amounts_sort_by_value_and_the_footer_adds_the_grand_total(qtbot, db) -> None:



    populate(db)
    with db.write() as s:
        s.execute(update(Agency).values(offer_accepted_at=datetime(2024, 1, 1, tzinfo=UTC)))
    for code, amount in [("AG-JPY", "1000000"), ("AG-KWD", "700.000"), ("AG-EUR", "500.00")]:
        request_withdrawal(db, ADMIN, code, Decimal(amount), "bank_transfer", "IBAN", None)
    page = WithdrawalsPage(AppContext(db, ADMIN))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    amount = next(i for i, c in enumerate(page.model.columns) if c.header == "Amount")
    assert page.model.columns[amount + 1].header == "Amount\n≈ USD"
    page.model.sort(amount, Qt.SortOrder.AscendingOrder)
    # €500 / 0.92 = $543.48 < KWD 700 / 0.307 = $2,280.13 < ¥1,000,000 / 150 = $6,666.67
    assert [r.request.agency for r in page.model.rows()] == ["AG-EUR", "AG-KWD", "AG-JPY"]
    assert [page.model.data(page.model.index(i, amount + 1)) for i in range(3)] == [
        "$543.48", "$2,280.13", "$6,666.67"]
    # 543.48 + 2,280.13 + 6,666.67 = 9,490.28
    assert page.totals.text() == (
        "3 requests shown: €500.00 · ¥1,000,000 · KWD\u00a0700.000  ≈ $9,490.28 in all")
