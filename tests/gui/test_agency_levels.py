"""The agency page's Levels box on the 1st of a month: the month just ended and the running month
side by side, so an agency at 30 % is not told it needs $500 to reach 15 %."""

from __future__ import annotations

from partner_desk.domain.roles import SETUP
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from tests.gui.agency_data import people

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


def open_agency(qtbot, db, actor) -> AgencyPage:  # type: ignore[no-untyped-def]
    page = AgencyPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item("AG30")
    return page


def test_the_first_of_a_month_shows_the_month_ended_beside_the_running_one(qtbot, db, write_csv, clock) -> None:  # type: ignore[no-untyped-def]
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
