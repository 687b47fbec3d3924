"""The agencies page: filter, search and open one agency on the agency page."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from partner_desk.gui.context import AppContext
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages.agencies import AgenciesPage
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.registry import spec
from partner_desk.refusal_text import in_english
from tests.gui.agency_data import people, seed

# March 2025 is the last month: AG01 $1,000 -> 15%, AG02 200 EUR / 0.8 = $250 -> 10%


def window(qtbot, db, actor) -> MainWindow:
    win = MainWindow(AppContext(db, actor), specs=[spec("agencies"), spec("agency")], remember=False)
    qtbot.addWidget(win)
    page = win.page("agencies")
    assert isinstance(page, AgenciesPage)
    if page.data is None:
        with qtbot.waitSignal(page.loaded, timeout=15_000):
            win.show_page("agencies")
    return win


def test_filter_search_and_open_an_agency(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    win = window(qtbot, db, team["anna"])
    page = win.pages["agencies"]
    assert isinstance(page, AgenciesPage)
    # a manager starts on their own agencies (anna manages AG01)
    assert page.mine.isChecked()
    assert [r.code for r in page.model.rows()] == ["AG01"]
    page.mine.setChecked(False)
    rows = {r.code: r for r in page.model.rows()}
    assert rows["AG01"].last_turnover_usd == Decimal("1000.00")
    assert rows["AG01"].last_percent == Decimal("15")
    assert rows["AG02"].last_turnover_usd == Decimal("250.00")
    assert rows["AG02"].last_percent == Decimal("10")
    # April so far: AG01 (600 + 1,200) x 20% = 360.00 USD from its two projects; AG02's project left
    assert (rows["AG01"].projects, rows["AG01"].running_commission) == (2, Decimal("360.00"))
    assert (rows["AG02"].projects, rows["AG02"].running_commission) == (0, Decimal("0"))
    # AG02 has not accepted the offer and holds nothing
    assert not rows["AG02"].can_withdraw
    assert "the partner offer has not been accepted" in in_english(rows["AG02"].reasons)

    page.currency.setCurrentIndex(page.currency.findData("EUR"))
    assert [r.code for r in page.model.rows()] == ["AG02"]
    page.currency.setCurrentIndex(0)
    page.level.setCurrentIndex(page.level.findData("15"))
    assert [r.code for r in page.model.rows()] == ["AG01"]
    page.level.setCurrentIndex(0)

    page.mine.setChecked(True)  # anna manages AG01
    assert [r.code for r in page.model.rows()] == ["AG01"]
    page.mine.setChecked(False)
    assert len(page.model.rows()) == 2

    page.search.setText("beta")
    page.search.flush()
    assert [r.code for r in page.model.rows()] == ["AG02"]
    assert page.count.text() == "1 of 2 agencies"

    page.view.selectRow(0)
    agency = win.page("agency")
    assert isinstance(agency, AgencyPage)
    with qtbot.waitSignal(agency.loaded, timeout=15_000):
        page.open_selected()
    assert win.current_key() == "agency"
    assert agency.heading.text() == "AG02 — Beta Agency"
    assert "the partner offer has not been accepted" in agency.eligibility.text()
    assert not agency.controller.withdraw_button.isEnabled()
    assert "the partner offer has not been accepted" in agency.controller.withdraw_button.toolTip()
    # 200 EUR of March is the one eligible payment; the accruals tab is empty until March is posted
    assert [(p.payment_id, p.eligible) for p in agency.payments.model.rows()] == [("PAY3", True)]
    assert agency.accruals.accruals.rowCount() == 0


def test_sort_by_a_money_column(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    win = window(qtbot, db, team["anna"])
    page = win.pages["agencies"]
    assert isinstance(page, AgenciesPage)
    page.mine.setChecked(False)
    turnover_column = 5
    page.model.sort(turnover_column)
    assert [r.code for r in page.model.rows()] == ["AG02", "AG01"]  # $250 before $1,000

    page.model.sort(turnover_column, Qt.SortOrder.DescendingOrder)
    assert [r.code for r in page.model.rows()] == ["AG01", "AG02"]
