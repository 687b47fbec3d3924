"""The agencies page: filter, search and open one agency on the agency page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages import agencies as agencies_module
from partner_desk.gui.pages.agencies import AgenciesPage
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.registry import spec
from partner_desk.refusal_text import in_english
from partner_desk.services import agency_views
from partner_desk.services.imports import import_file
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


@pytest.fixture
def gated(monkeypatch) -> Iterator[tuple[threading.Event, list[int]]]:  # type: ignore[no-untyped-def]
    """The page's running-month preview waits for the event (set at the end in any case); the list
    counts its calls."""
    gate, calls = threading.Event(), []

    def gated(db, actor, found):  # type: ignore[no-untyped-def]
        filled = agency_views.with_running_month(db, actor, found)  # read now, delivered at the gate
        calls.append(1)
        assert gate.wait(15)
        return filled

    monkeypatch.setattr(agencies_module, "with_running_month", gated)
    yield gate, calls
    gate.set()


def cell(page: AgenciesPage, row: int, column: int) -> str:
    return str(page.model.data(page.model.index(row, column)))


def test_the_table_is_usable_before_the_running_month_arrives(qtbot, db, write_csv, gated) -> None:  # type: ignore[no-untyped-def]
    seed(db, write_csv)
    gate, _calls = gated
    page = AgenciesPage(AppContext(db, people(db)["admin"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.usable, timeout=15_000):
        page.refresh()
    running = next(i for i, c in enumerate(page.model.columns) if c.header == "Commission\n2025-04")
    balance = next(i for i, c in enumerate(page.model.columns) if c.header == "Balance")
    # shown from the balances alone: every row, the running month and its equivalent say so, never a zero
    assert page.loading
    assert [r.code for r in page.model.rows()] == ["AG01", "AG02"]
    assert [(cell(page, i, running), cell(page, i, running + 1)) for i in range(2)] == [
        ("computing…", "computing…")] * 2
    assert [cell(page, i, balance) for i in range(2)] == ["$0.00", "€0.00"]
    assert page.running_totals.text() == "Commission 2025-04: computing…"
    # an export made meanwhile says so too, never an empty cell
    exported = [page.model.columns[c].export for c in (running, running + 1)]
    assert [export(page.model.row(0)) for export in exported if export is not None] == ["computing…"] * 2
    assert page.balance_totals.text() == "Balance: €0.00 · $0.00  ≈ $0.00 in all"
    # sorting and searching work meanwhile; a sort by the pending column keeps the rows in their order
    page.model.sort(1, Qt.SortOrder.DescendingOrder)  # by name: Beta first
    assert [r.code for r in page.model.rows()] == ["AG02", "AG01"]
    page.model.sort(running, Qt.SortOrder.DescendingOrder)
    assert [r.code for r in page.model.rows()] == ["AG01", "AG02"]

    with qtbot.waitSignal(page.loaded, timeout=15_000):
        gate.set()
    # filled, sorted by it: AG01 (600 + 1,200) x 20% = 360.00 USD before AG02's 0 EUR (no April payment)
    assert not page.loading
    assert [(r.code, r.running_commission, r.running_pending) for r in page.model.rows()] == [
        ("AG01", Decimal("360.00"), False), ("AG02", Decimal("0"), False)]
    assert [(cell(page, i, running), cell(page, i, running + 1)) for i in range(2)] == [
        ("$360.00", "$360.00"), ("€0.00", "$0.00")]
    # 0 EUR + 360.00 USD = $360.00
    assert page.running_totals.text() == "Commission 2025-04: €0.00 · $360.00  ≈ $360.00 in all"


def test_a_stale_running_month_is_dropped(qtbot, db, write_csv, gated) -> None:  # type: ignore[no-untyped-def]
    seed(db, write_csv)
    gate, calls = gated
    admin = people(db)["admin"]
    page = AgenciesPage(AppContext(db, admin))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.usable, timeout=15_000):
        page.refresh()
    qtbot.waitUntil(lambda: len(calls) == 1)  # the first preview waits at the gate
    # another April payment arrives, and the page reloads before the first preview has finished
    import_file(db, admin, "payments", write_csv(
        "payment_id,project_id,paid_at,service,amount,currency\n"
        "PAY6,P1,2025-04-07T10:00:00,subscription,200.00,USD\n", "more.csv"))
    shown: list[list[Decimal | None]] = []
    page.usable.connect(lambda: shown.append([r.running_commission for r in page.model.rows()]))
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
        qtbot.waitUntil(lambda: len(calls) == 2)
        gate.set()
    qtbot.waitUntil(lambda: ops.running() == 0)
    # the first preview's result (made before PAY6) was dropped unseen: only the newest one is shown,
    # AG01 (600 + 1,200 + 200) x 20% = 400.00 USD
    assert [None, None] in shown
    assert all(value != Decimal("360.00") for row in shown for value in row)
    assert [r.running_commission for r in page.model.rows()] == [Decimal("400.00"), Decimal("0")]
