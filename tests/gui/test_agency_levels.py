"""The agency page's Levels box on the 1st of a month: the month just ended and the running month
side by side, so an agency at 30 % is not told it needs $500 to reach 15 %."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtGui import QColor, QPalette

from partner_desk.domain.roles import SETUP
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.pages.agency.chart import TurnoverChart
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from tests.gui.agency_data import TODAY, people, seed

AGENCIES = """
code,name,currency,offer_accepted_at,manager
AG30,Thirty Agency,USD,2025-01-10,anna
"""
PROJECTS = """
project_id,name,currency,agency_code,connected_at,disconnected_at
P30,Big Shop,USD,AG30,2025-01-01,
"""
PAYMENTS = """
payment_id,project_id,paid_at,service,amount,currency
PAY30,P30,2025-03-10T10:00:00,subscription,10500.00,USD
"""


def cells(page: AgencyPage, col: int) -> dict[str, str]:
    box = page.levels
    return {key: labels[col].text() for key, labels in box.cells.items()} | {"heading": box.headings[col].text()}


def open_agency(qtbot, db, actor) -> AgencyPage:
    page = AgencyPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item("AG30")
    return page


def test_the_first_of_a_month_shows_the_month_ended_beside_the_running_one(qtbot, db, write_csv, clock) -> None:
    clock("2025-04-01T09:00:00Z")  # noon of 1 April in Kyiv: April has just begun
    for kind, text in (("agencies", AGENCIES), ("projects", PROJECTS), ("payments", PAYMENTS)):
        import_file(db, SETUP, kind, write_csv(text, f"{kind}.csv"))
    team = people(db)
    page = open_agency(qtbot, db, team["anna"])
    # March: $10,500 of licence turnover reaches the top level (30 % from $10,000);
    # commission 10,500 × 30 % = $3,150.00, the reward, above the $3,000 reward level
    assert cells(page, 0) == {
        "heading": "<b>2025-03, not posted yet</b>", "turnover": "$10,500.00", "percent": "30%",
        "next_level": "highest level", "reward": "$3,150.00", "next_reward": "every level reached"}
    # April has nothing yet: the base 10 %, $500 to reach 15 %, $200 to the first reward level
    assert cells(page, 1) == {
        "heading": "<b>2025-04, running</b>", "turnover": "$0.00", "percent": "10%",
        "next_level": "$500.00 more for 15%", "reward": "$0.00", "next_reward": "$200.00: $200.00 more"}
    assert page.levels.bars["commission_bar"][0].value() == 1000
    assert page.levels.bars["commission_bar"][1].value() == 0
    assert page.levels.help.text() == ("Reward: the month's commission valued in USD; from $200.00 and "
                                       "$3,000.00 a month it unlocks benefits (listed below).")
    assert page.levels.row_labels["reward"].toolTip() == page.levels.help.text()

    # once March is posted, the same figures come from the posted accrual
    post_period(db, team["admin"], "2025-03")
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert cells(page, 0) == {
        "heading": "<b>2025-03, posted</b>", "turnover": "$10,500.00", "percent": "30%",
        "next_level": "highest level", "reward": "$3,150.00", "next_reward": "every level reached"}


def test_the_chart_tells_each_month_on_hover_and_marks_the_running_one(qtbot, db, write_csv) -> None:


    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", TODAY)
    page = AgencyPage(AppContext(db, team["anna"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item("AG01")
    chart = page.chart
    # the last of the 12 months is April, the running month, drawn from its preview (not zero)
    assert chart.running_bars == [11]
    bars = chart.chart().series()[0]
    bars.hovered.emit(True, 11, bars.barSets()[0])
    # April: $600 + $1,200 = $1,800 at 20% -> 360.00 USD
    assert chart.hovered_text == ("2025-04: licence turnover $1,800.00, commission $360.00 "
                                  "(running month, preview)")
    line = chart.chart().series()[1]
    line.hovered.emit(line.at(10), True)
    assert chart.hovered_text == "2025-03: licence turnover $1,000.00, commission $150.00 (posted)"

    # on a dark palette the chart takes the dark theme
    dark = TurnoverChart()
    qtbot.addWidget(dark)
    palette = dark.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setPalette(palette)
    dark.set_points(chart.points, "USD")
    assert dark.chart().theme() == QChart.ChartTheme.ChartThemeDark
    assert chart.chart().theme() == QChart.ChartTheme.ChartThemeLight


def test_the_header_folds_away_for_the_tabs_and_stays_folded(qtbot, db, write_csv) -> None:

    seed(db, write_csv)
    team = people(db)
    page = AgencyPage(AppContext(db, team["anna"]))
    qtbot.addWidget(page)
    page.resize(1180, 690)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item("AG01")
    before = page.tabs.height()
    assert page.fold.text() == "▾ Hide details"
    page.fold.click()
    qtbot.waitUntil(lambda: page.tabs.height() > before)
    assert not page.header_details.isVisible()
    assert page.fold.text() == "▸ Show details"
    # remembered: the next agency page opens folded
    again = AgencyPage(AppContext(db, team["anna"]))
    qtbot.addWidget(again)
    assert again.fold.isChecked()
    assert again.header_details.isHidden()
