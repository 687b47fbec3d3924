"""The accruals page shows the lines of the agency selected, previewed or posted, with what set its
percent; "Export preview…" writes every agency and every line to one workbook marked as not posted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.accruals import AccrualsPage
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from tests.gui.page_data import people, seed

# besides page_data's March (AG01: PAY1 $1,000; AG02: PAY3 200 EUR), AG01 gets PAY4 $250.00 and a
# refund of $100.00 of PAY1: turnover $1,000 + $250 = $1,250 (refunds count in no turnover) -> 15%;
# lines PAY1 150.00, PAY4 37.50, PAY5 -15.00 -> commission 172.50 USD
MORE = """
payment_id,project_id,paid_at,service,amount,currency,refund_of
PAY4,P1,2025-03-20T10:00:00,subscription,250.00,USD,
PAY5,P1,2025-03-25T10:00:00,subscription,-100.00,USD,PAY1
"""


def open_page(qtbot, db, actor) -> AccrualsPage:
    page = AccrualsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def select(qtbot, page: AccrualsPage, code: str) -> None:
    with qtbot.waitSignal(page.lines.shown, timeout=15_000):
        assert page.select_agency(code)


def test_selecting_a_previewed_agency_lists_exactly_its_lines(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    import_file(db, SETUP, "payments", write_csv(MORE))
    team = people(db)
    page = open_page(qtbot, db, team["fiona"])
    assert page.selected_period() == Period(2025, 3)
    assert page.view is not None
    assert not page.view.posted
    select(qtbot, page, "AG01")
    lines = page.lines.model.rows()
    assert [(ln.payment_id, ln.commission, ln.late, ln.refund_of) for ln in lines] == [
        ("PAY1", Decimal("150.00"), False, None),  # 1,000.00 x 15%
        ("PAY4", Decimal("37.50"), False, None),  # 250.00 x 15%
        ("PAY5", Decimal("-15.00"), False, "PAY1"),  # -100.00 x 15%, at its original's terms
    ]
    row = next(r for r in page.model.rows() if r.code == "AG01")
    assert sum(ln.commission for ln in lines) == row.commission == Decimal("172.50")
    assert page.lines.heading.text() == (
        "<b>AG01 — Alpha Agency</b>: licence turnover $1,250.00 set 15% (commission table no. 1, in force "
        "from the beginning). 3 lines, commission $172.50.")
    # the line's moment is shown in company time (10:00 in Kyiv), its rates as stored
    model = page.lines.model
    assert model.data(model.index(0, 0)) == "Mar 5, 2025, 10:00\u202fAM"
    assert model.data(model.index(0, 3)) == "subscription"
    assert model.data(model.index(0, 5)) == "1.00"
    assert model.data(model.index(0, 6)) == "—"
    assert model.data(model.index(0, 6), Qt.ItemDataRole.ToolTipRole) == (
        "Paid in the partner currency: no conversion")

    # another agency: its own lines, in its own currency, at both rates
    select(qtbot, page, "AG02")
    assert [(ln.payment_id, ln.pay_rate, ln.partner_rate, ln.commission) for ln in page.lines.model.rows()] == [
        ("PAY3", Decimal("0.8"), None, Decimal("20.00"))]  # 200 EUR, paid in EUR: 200 x 10% = 20.00
    assert model.data(model.index(0, 10)) == "€20.00"

    # Enter in the search field selects the first (here the only) match and shows its lines
    page.search.setText("alpha")
    page.search.flush()
    with qtbot.waitSignal(page.lines.shown, timeout=15_000):
        page.show_first()
    assert [ln.payment_id for ln in page.lines.model.rows()] == ["PAY1", "PAY4", "PAY5"]


def test_a_posted_period_shows_its_lines_as_posted(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    import_file(db, SETUP, "payments", write_csv(MORE))
    team = people(db)
    post_period(db, team["fiona"], "2025-03")
    page = open_page(qtbot, db, team["fiona"])
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.load(Period(2025, 3))
    assert page.view is not None
    assert page.view.posted
    select(qtbot, page, "AG01")
    lines = page.lines.model.rows()
    assert [(ln.payment_id, ln.commission) for ln in lines] == [
        ("PAY1", Decimal("150.00")), ("PAY4", Decimal("37.50")), ("PAY5", Decimal("-15.00"))]
    row = next(r for r in page.model.rows() if r.code == "AG01")
    assert sum(ln.commission for ln in lines) == row.commission == Decimal("172.50")
    assert not page.preview_button.isEnabled()
    assert page.preview_button.toolTip().startswith("2025-03 is posted")


def test_export_preview_writes_every_agency_and_line(qtbot, db, write_csv, tmp_path) -> None:
    seed(db, write_csv)
    import_file(db, SETUP, "payments", write_csv(MORE))
    team = people(db)
    page = open_page(qtbot, db, team["fiona"])
    assert page.preview_button.isEnabled()
    target = tmp_path / "preview.xlsx"
    page.preview.export_to(target)
    qtbot.waitUntil(lambda: page.preview.written == target and ops.running() == 0, timeout=15_000)
    book = load_workbook(target)
    assert book.sheetnames == ["Accruals 2025-03", "Lines 2025-03"]
    accruals, lines = book["Accruals 2025-03"], book["Lines 2025-03"]
    for sheet in (accruals, lines):
        assert sheet["A1"].value == "Preview — not posted"
    assert [c.value for c in accruals[2]][:7] == [
        "Agency", "Name", "Currency", "Licence turnover, USD", "Percent", "Commission table", "Commission"]
    assert [[c.value for c in row][:7] for row in accruals.iter_rows(min_row=3)] == [
        ["AG01", "Alpha Agency", "USD", 1250, 0.15, "commission table no. 1, in force from the beginning", 172.5],
        ["AG02", "Beta Agency", "EUR", 250, 0.1, "commission table no. 1, in force from the beginning", 20],
    ]
    headers = [c.value for c in lines[2]]
    assert headers[:4] == ["Agency", "Date", "Project", "Payment"]
    found = [[c.value for c in row] for row in lines.iter_rows(min_row=3)]
    commission = headers.index("Commission")
    assert [(r[0], r[3], r[commission]) for r in found] == [
        ("AG01", "PAY1", 150), ("AG01", "PAY4", 37.5), ("AG01", "PAY5", -15), ("AG02", "PAY3", 20)]
    # real cells: the date is the company-time moment, the percent a percent cell
    assert found[0][1] == datetime(2025, 3, 5, 10, 0)
    percent_cell = lines.cell(3, headers.index("Percent") + 1)
    assert (percent_cell.value, percent_cell.number_format) == (0.15, "0%")
