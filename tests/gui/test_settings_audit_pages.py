"""Settings edits through the page with role checks, and the audit page's filters and chain check."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select, text

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.gui import ops, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.pages.audit import AuditPage
from partner_desk.gui.pages.settings import SettingsPage
from partner_desk.services import audit_trail
from partner_desk.services.audit_trail import records
from partner_desk.services.imports import import_file
from partner_desk.services.ledger import correct
from partner_desk.services.settings_admin import settings_view
from partner_desk.services.users import sign_in
from partner_desk.store.models import User
from tests.gui.agency_data import PASSWORD, people


def settings_page(qtbot, db, actor) -> SettingsPage:
    page = SettingsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def finish(qtbot, dialog) -> None:
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy and ops.running() == 0, timeout=15_000)


def test_a_manager_reads_settings_but_cannot_change_them(qtbot, db) -> None:
    team = people(db)
    page = settings_page(qtbot, db, team["anna"])
    for button in (page.add_tier_button, page.add_level_button, page.add_user_button, page.zone_button):
        assert not button.isEnabled()
        assert button.toolTip().endswith(": it needs the admin role")
    # the default table is shown: 5 levels from $0 at 10%
    assert page.tiers.topLevelItem(0).childCount() == 5
    # the service refuses too, and records the refusal
    dialog = page.add_user()
    dialog.name.setText("mallory")
    dialog.password.setText(PASSWORD)
    finish(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "anna (manager) may not add users: it needs the admin role" in dialog.error.text()
    with db.read() as session:
        assert session.scalar(select(User.id).where(User.name == "mallory")) is None
    trail = records(db, team["admin"])
    assert trail[0]["outcome"] == "refused"
    assert trail[0]["user"] == "anna"


def test_an_admin_adds_a_table_version_a_reward_level_and_a_user(qtbot, db) -> None:
    team = people(db)
    page = settings_page(qtbot, db, team["admin"])

    bad = page.add_tier_version()
    bad.period.setText("2030-01")
    bad.levels.set_texts([("0", "10"), ("500", "150")])
    finish(qtbot, bad)
    assert bad.error.text() == "the table from 2030-01 was not added:\nlevel 2: percent: is not between 0 and 100"
    assert len(settings_view(db, SETUP).tiers) == 1  # nothing written

    good = page.add_tier_version()
    good.period.setText("2030-01")
    good.levels.set_texts([("0", "12"), ("1,000", "18")])
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        finish(qtbot, good)
    box = widgets.last_box()
    assert box is not None
    assert box.text() == ("The commission table from 2030-01 was added: from $0.00: 12%; "
                                              "from $1,000.00: 18%.")
    box.close()
    tiers = settings_view(db, SETUP).tiers
    assert tiers[0].effective_from == "2030-01"
    assert [(lv.min_usd, lv.percent) for lv in tiers[0].levels] == [(Decimal("0"), Decimal("12")),
                                                                     (Decimal("1000"), Decimal("18"))]

    level = page.add_reward_level()
    level.minimum.setText("10,000")
    level.benefits.setPlainText("A dedicated partner manager\n\nAnnual partner summit")
    finish(qtbot, level)
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "The reward level from $10,000.00 a month was added."
    box.close()
    rewards = settings_view(db, SETUP).rewards
    assert rewards[-1].min_reward_usd == Decimal("10000")
    assert [b.name for b in rewards[-1].benefits] == ["A dedicated partner manager", "Annual partner summit"]

    user = page.add_user()
    user.name.setText("mila")
    user.role.setCurrentIndex(user.role.findData("finance"))
    user.password.setText(PASSWORD)
    finish(qtbot, user)
    assert user.result() == QDialog.DialogCode.Accepted
    assert ("mila", "finance") in [(u.name, u.role) for u in settings_view(db, SETUP).users]


def test_audit_filters_and_chain_verification(qtbot, db) -> None:
    team = people(db)  # the set-up actor adds admin, admin adds anna and fiona: 3 records of users.add
    with pytest.raises(UserError):
        sign_in(db, "anna", "wrong password")
    page = AuditPage(AppContext(db, team["admin"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert page.model.rowCount() == 4
    page.outcome.setCurrentIndex(page.outcome.findData("refused"))
    assert [(r["action"], r["object"]) for r in page.model.rows()] == [("sign_in", "anna")]
    page.outcome.setCurrentIndex(0)
    page.action.setCurrentIndex(page.action.findData("users.add"))
    assert page.model.rowCount() == 3
    page.user.setCurrentIndex(page.user.findData("admin"))  # the set-up actor added admin
    assert sorted(r["object"] for r in page.model.rows()) == ["anna", "fiona"]
    page.search.setText("fio")
    page.search.flush()
    assert [r["object"] for r in page.model.rows()] == ["fiona"]
    assert page.count.text() == "1 of 4 records"
    # Enter in the search shows the record found; Down moves into the table
    page.search.submitted.emit()
    assert page.view.selectionModel().selectedRows()[0].row() == 0
    page.show()
    page.search.down.emit()
    assert page.view.hasFocus() or page.focusWidget() is page.view

    with qtbot.waitSignal(page.verified, timeout=15_000) as signal:
        page.verify()
    assert signal.args[0].intact
    assert signal.args[0].head.count == 4
    assert page.chain.text() == (
        "The audit trail is intact: 4 records; the ledger, accruals, withdrawals, payout batches, users and "
        f"balances agree with it. Head {signal.args[0].head}")

    # tamper with a record behind the application's back (the trigger must be lifted to do so)
    with db.engine.begin() as conn:
        triggers = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit'")]
        for name in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.execute(text("UPDATE audit SET object = 'eve' WHERE id = 3"))
    with qtbot.waitSignal(page.verified, timeout=15_000) as signal:
        page.verify()
    assert not signal.args[0].intact
    # the record now says eve was added: the chain breaks there, and the users disagree with it
    # (the window names each table in words; the command line by its name: "audit record 3: …")
    assert page.chain.text().splitlines() == [
        "The tables disagree with the audit trail: 3 problems",
        "audit trail record 3: was altered: its content no longer matches its hash",
        "users fiona: is in no audit record: the user was added behind the product's back",
        "users eve: is missing: audit record 3 records the user"]
    # and in Ukrainian
    i18n.setup("uk_UA")
    try:
        with qtbot.waitSignal(page.verified, timeout=15_000):
            page.verify()
        assert page.chain.text().splitlines() == [
            "Таблиці не збігаються з журналом аудиту: 3 помилки",
            "журнал аудиту, запис № 3: змінено: вміст більше не відповідає хешу",
            "користувачі, fiona: немає в жодному записі журналу аудиту: користувача додано в обхід Partner Desk",
            "користувачі, eve: бракує: цього користувача фіксує запис журналу аудиту № 3"]
    finally:
        i18n.setup("en_US")


def test_rates_import_and_time_zone_through_the_page(qtbot, db, write_csv) -> None:
    team = people(db)
    page = settings_page(qtbot, db, team["admin"])
    assert page.zone.currentText() == "Europe/Kyiv"
    page.zone.setCurrentText("Europe/Warsaw")  # no payment imported yet: the zone may change
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        page.save_zone()
    assert settings_view(db, SETUP).time_zone == "Europe/Warsaw"

    rates = write_csv("date,currency,per_usd\n2025-01-01,EUR,0.8\n2025-01-02,EUR,0.81", "rates.csv")
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        page.import_rates(str(rates))
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "Rates imported: 2 added, 0 already known."
    box.close()
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert [(r.day.isoformat(), r.currency, r.per_usd) for r in page.rates.rows()] == [
        ("2025-01-02", "EUR", Decimal("0.81")), ("2025-01-01", "EUR", Decimal("0.8"))]

    page.zone.setCurrentText("Mars/Olympus")
    page.save_zone()
    qtbot.waitUntil(lambda: widgets.last_box() is not None, timeout=15_000)
    assert widgets.last_box().text() == "'Mars/Olympus' is not a time zone"
    widgets.last_box().close()
    assert settings_view(db, SETUP).time_zone == "Europe/Warsaw"


def test_a_refused_attempt_reads_in_the_windows_language_and_the_trail_keeps_its_english(qtbot, db, ukrainian,
                                                                                        tmp_path) -> None:
    team = people(db)
    with pytest.raises(UserError, match="anna \\(manager\\) may not correct balances: it needs the admin role"):
        correct(db, team["anna"], "AG01", Decimal("5"), "a fix")
    with pytest.raises(UserError):
        sign_in(db, "anna", "wrong password")
    page = AuditPage(AppContext(db, team["admin"]))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    page.outcome.setCurrentIndex(page.outcome.findData("refused"))
    message = [c.header for c in page.model.columns].index("Повідомлення")

    def shown(row: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> str:
        return page.model.data(page.model.index(row, message), role)

    # newest first: the sign-in, then the correction
    assert [shown(0), shown(1)] == [
        "не вдалося увійти як «anna»: невідомий користувач або неправильний пароль",
        "anna (менеджер) не може коригувати баланси: для цього потрібна роль «адміністратор»"]
    # the record as kept, in the tooltip and for scripts
    assert shown(1, Qt.ItemDataRole.ToolTipRole) == "anna (manager) may not correct balances: it needs the admin role"
    found = records(db, team["admin"])
    assert [(r["message"], r["reason"]["reasons"][0]["refusal"]) for r in found if r["outcome"] == "refused"] == [
        ("sign-in failed for 'anna': unknown user or wrong password", "sign_in_failed"),
        ("anna (manager) may not correct balances: it needs the admin role", "needs_role")]
    # a file refused as a whole keeps its first line typed too
    bad = tmp_path / "agencies.csv"
    bad.write_text("code,name\nAG01,Alpha\n", encoding="utf-8")
    with pytest.raises(UserError):
        import_file(db, team["admin"], "agencies", bad)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    assert shown(0) == "файл agencies.csv відхилено: 1 помилка, нічого не записано"
    assert records(db, team["admin"])[0]["message"] == "agencies.csv refused: 1 problem, nothing was written"
    # the search finds a refusal by the window's words too
    page.search.setText("коригувати")
    page.search.flush()
    assert [shown(0)] == ["anna (менеджер) не може коригувати баланси: для цього потрібна роль «адміністратор»"]
    # and the trail, its reasons included, is intact
    assert audit_trail.verify(db, team["admin"]).intact
