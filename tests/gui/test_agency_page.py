"""The agency page's actions, end to end through the widgets: pay a project, record the offer,
set a benefit's fulfilment, request a withdrawal and export a statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog

from partner_desk.domain.roles import Role
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.services.accruals import post_period
from partner_desk.services.agency_detail import agency_detail
from partner_desk.services.balances import balances
from partner_desk.services.users import add_user
from tests.gui.agency_data import PASSWORD, TODAY, people, seed


def open_agency(qtbot, db, actor, code: str) -> AgencyPage:
    page = AgencyPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item(code)
    return page


def finish(qtbot, page: AgencyPage, dialog) -> None:
    with qtbot.waitSignal(page.loaded, timeout=15_000):  # the page reloads after the change
        page.data_changed.connect(page.refresh)
        dialog.submit()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)


def test_pay_a_project_then_request_a_withdrawal(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)  # AG01 earns 150.00 USD
    page = open_agency(qtbot, db, team["anna"], "AG01")
    assert "Available: <b>$150.00</b>" in page.balance.text()
    # April so far: $600 + $1,200 = $1,800 at 20%; $5,000 - $1,800 = $3,200 more reaches 25%
    running = page.levels.cells
    assert running["turnover"][1].text() == "$1,800.00"
    assert running["percent"][1].text() == "20%"
    assert running["next_level"][1].text() == "$3,200.00 more for 25%"
    # reward 1,800 x 20% = $360: $3,000 - $360 = $2,640 more to the next reward level
    assert running["reward"][1].text() == "$360.00"
    assert running["next_reward"][1].text() == "$3,000.00: $2,640.00 more"
    # March as posted: $1,000 at 15%, $1,500 - $1,000 = $500 more for 20%; reward $150, $50 to $200
    assert [running[k][0].text() for k in ("turnover", "percent", "next_level", "reward", "next_reward")] == [
        "$1,000.00", "15%", "$500.00 more for 20%", "$150.00", "$200.00: $50.00 more"]
    assert [r.period for r in page.accruals.accruals.rows()] == ["2025-03"]
    assert [r.payment_id for r in page.accruals.lines.rows()] == ["PAY1"]

    pay = page.controller.pay_project()
    assert pay is not None
    pay.amount.setText("40.005")
    assert not pay.ok_button().isEnabled()
    pay.submit()  # refused before any call; "40.005" may also have meant forty thousand and five
    assert pay.error.text() == "Amount: “40.005”: USD amounts have at most 2 decimals; did you mean 40,005.00?"
    pay.amount.setText("40.00")
    finish(qtbot, page, pay)
    assert pay.result() == QDialog.DialogCode.Accepted
    # 150.00 - 40.00 = 110.00 left, worth more than $100: AG01 (offer accepted) can withdraw
    (after,) = balances(db, "AG01", TODAY)
    assert after.position.available == Decimal("110.00")
    assert "Available: <b>$110.00</b>" in page.balance.text()
    assert [r.kind for r in page.ledger.model.rows()] == ["accrual", "project_payment"]
    assert page.controller.withdraw_button.isEnabled()

    request = page.controller.request_withdrawal()
    assert request is not None
    request.amount.setText("60.00")
    request.details.setPlainText("IBAN UA00 0000 0000 0000")
    finish(qtbot, page, request)
    assert request.result() == QDialog.DialogCode.Accepted
    # 110.00 - 60.00 held = 50.00 available, worth $50, not more than $100: no more requests
    assert "Held by requests: $60.00" in page.balance.text()
    assert not page.controller.withdraw_button.isEnabled()
    assert "not more than $100.00" in page.controller.withdraw_button.toolTip()
    assert [(w.amount, w.status.value) for w in page.withdrawals.model.rows()] == [(Decimal("60.00"), "pending")]


def test_offer_benefits_and_statement(qtbot, db, write_csv, tmp_path) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)
    page = open_agency(qtbot, db, team["anna"], "AG02")
    assert page.controller.offer_button.isEnabled()
    offer = page.controller.record_offer()
    assert offer is not None
    assert (offer.day.minimumDate(), offer.day.maximumDate()) == (QDate(2000, 1, 1), QDate(2025, 4, 15))
    offer.day.setDate(offer.day.date().addDays(-5))  # 2025-04-10
    finish(qtbot, page, offer)
    assert agency_detail(db, team["anna"], "AG02", TODAY).offer_accepted_on == date(2025, 4, 10)
    assert not page.controller.offer_button.isEnabled()
    assert "offer accepted on Apr 10, 2025" in page.subheading.text()

    # AG02's March reward: $250 x 10% = $25, below the $200 level: no benefit reached, still editable
    first = page.data.detail.benefits[0] if page.data else None
    assert first is not None
    assert not first.reached_last_month
    combo = page.benefits.cellWidget(0, 3)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.data_changed.connect(page.refresh)
        combo.setCurrentIndex(combo.findData("in_progress"))
    assert page.data is not None
    assert page.data.detail.benefits[0].state == "in_progress"
    assert page.data.detail.benefits[0].changed_by == "anna"

    statement = page.controller.export_statement()
    assert statement is not None
    target = tmp_path / "AG02_2025-03.xlsx"
    statement.path.setText(str(target))
    reloaded: list[object] = []
    page.loaded.connect(lambda: reloaded.append(True))
    statement.submit()
    qtbot.waitUntil(lambda: not statement.busy and ops.running() == 0, timeout=15_000)
    assert reloaded == []  # a statement changes nothing: the page does not reload
    assert statement.result() == QDialog.DialogCode.Accepted
    assert target.exists()
    assert target.stat().st_size > 0


def test_go_to_an_agency_by_code_and_filter_its_payments(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    page = AgencyPage(AppContext(db, team["anna"]))
    qtbot.addWidget(page)
    page.refresh()  # nothing opened yet: the page asks for an agency and learns the codes
    qtbot.waitUntil(lambda: page.names.rowCount() == 2, timeout=15_000)
    assert page.stack.currentIndex() == 0
    assert page.names.stringList() == ["AG01 — Alpha Agency", "AG02 — Beta Agency"]
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.go_to("ag01")
    assert page.heading.text() == "AG01 — Alpha Agency"
    # newest first: April's PAY5 (P1) and PAY4 (P3), March's PAY2 (numbers) and PAY1
    assert [(p.payment_id, p.eligible) for p in page.payments.model.rows()] == [
        ("PAY5", True), ("PAY4", True), ("PAY2", False), ("PAY1", True)]
    service = page.payments.service
    service.setCurrentIndex(service.findData("subscription"))
    qtbot.waitUntil(lambda: [p.payment_id for p in page.payments.model.rows()] == ["PAY5", "PAY4", "PAY1"],
                    timeout=15_000)
    period = page.payments.period
    period.setCurrentIndex(period.findData("2025-03"))
    qtbot.waitUntil(lambda: [p.payment_id for p in page.payments.model.rows()] == ["PAY1"], timeout=15_000)
    assert page.payments.summary.text() == "1 payment, 1 eligible"

    # an unknown code is refused with its reason, and the agency shown stays
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.go_to("NOPE")
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "unknown agency 'NOPE'"
    box.close()
    assert page.code == "AG01"
    assert page.heading.text() == "AG01 — Alpha Agency"


def test_an_admin_corrects_a_balance_a_manager_cannot(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    post_period(db, team["fiona"], "2025-03", as_of=TODAY)  # AG01 holds 150.00 USD
    manager_view = open_agency(qtbot, db, team["anna"], "AG01")
    assert not manager_view.controller.correct_button.isEnabled()
    assert manager_view.controller.correct_button.toolTip() == (
        "anna (manager) may not correct balances: it needs the admin role")

    page = open_agency(qtbot, db, team["admin"], "AG01")
    assert page.controller.correct_button.isEnabled()
    too_much = page.controller.correct_balance()
    assert too_much is not None
    too_much.amount.setText("-150.01")
    too_much.reason.setPlainText("duplicate credit")
    too_much.submit()
    qtbot.waitUntil(lambda: not too_much.busy and too_much.error.isVisible(), timeout=15_000)
    assert "cannot correct AG01" in too_much.error.text()
    (unchanged,) = balances(db, "AG01", TODAY)
    assert unchanged.position.balance == Decimal("150.00")
    too_much.reject()

    fix = page.controller.correct_balance()
    assert fix is not None
    fix.amount.setText("-50.00")
    fix.submit()  # no reason: refused before any call
    assert fix.error.text() == "Reason: a correction needs a written reason"
    fix.reason.setPlainText("March bonus counted twice")
    finish(qtbot, page, fix)
    # 150.00 - 50.00 = 100.00
    assert "Balance: <b>$100.00</b>" in page.balance.text()
    assert [(e.kind, e.amount, e.note) for e in page.ledger.model.rows()][-1] == (
        "correction", Decimal("-50.00"), "March bonus counted twice")


def test_the_agency_asked_for_last_is_the_one_shown(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)
    page = AgencyPage(AppContext(db, team["anna"]))
    qtbot.addWidget(page)
    # three agencies asked for in a row: the first two loads are stale when they arrive
    page.show_item("AG02")
    page.show_item("NOPE")  # its refusal is dropped unseen too
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.show_item("AG01")
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)
    assert page.heading.text() == "AG01 — Alpha Agency"
    assert page.data is not None
    assert page.data.detail.code == "AG01"
    assert widgets.last_box() is None


def test_the_heading_calls_the_manager_by_their_display_name(qtbot, db, write_csv) -> None:
    seed(db, write_csv)
    team = people(db)  # anna (AG01's manager) has no display name
    add_user(db, team["admin"], "boris", Role.MANAGER, PASSWORD, display_name="Borys Koval")  # AG02's
    beta = open_agency(qtbot, db, team["admin"], "AG02")
    assert "manager: Borys Koval" in beta.subheading.text()
    assert "boris" not in beta.subheading.text()
    alpha = open_agency(qtbot, db, team["admin"], "AG01")
    assert "manager: anna" in alpha.subheading.text()  # no display name: the user name
