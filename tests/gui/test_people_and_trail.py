"""The window and people: signing out and in as someone else without quitting, the Settings page's users
section, a role or deactivation followed at the next action, and the audit trail this computer has seen."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy import text

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor, Role
from partner_desk.gui import ops, widgets
from partner_desk.gui.app import Desk
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import SignInDialog
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages.settings import SettingsPage
from partner_desk.gui.pages.users_dialogs import PasswordDialog, RoleDialog
from partner_desk.gui.registry import spec
from partner_desk.services import users
from partner_desk.services.settings_admin import settings_view
from tests.gui.agency_data import PASSWORD, people


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: ops.running() == 0, timeout=15_000)


def settings_page(qtbot, db, actor) -> SettingsPage:
    page = SettingsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=15_000):
        page.refresh()
    return page


def select_user(page: SettingsPage, name: str) -> None:
    row = next(i for i, u in enumerate(page.users.rows()) if u.name == name)
    page.users_view.selectRow(row)


def finish(qtbot, dialog) -> None:
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy and ops.running() == 0, timeout=15_000)


def test_an_admin_manages_users_on_the_settings_page(qtbot, db) -> None:
    team = people(db)
    page = settings_page(qtbot, db, team["admin"])
    assert [u.name for u in page.users.rows()] == ["admin", "anna", "fiona"]
    for button in (page.role_button, page.password_button, page.deactivate_button, page.activate_button,
                   page.unlock_button):
        assert button.isEnabled()

    # a new role, through its dialog
    select_user(page, "anna")
    dialog = page.change_role()
    assert isinstance(dialog, RoleDialog)
    assert dialog.role.currentData() == "manager"
    dialog.role.setCurrentIndex(dialog.role.findData("finance"))
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        finish(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert users.current(db, team["anna"]) == Actor("anna", Role.FINANCE)

    # the last active admin keeps the role: the dialog says why, nothing changes
    select_user(page, "admin")
    last = page.change_role()
    assert isinstance(last, RoleDialog)
    last.role.setCurrentIndex(last.role.findData("manager"))
    finish(qtbot, last)
    assert last.result() != QDialog.DialogCode.Accepted
    assert last.error.text() == ("admin is the last active admin: add or activate another admin before changing "
                                 "admin's role")

    # a reset password: the two fields must agree, and the rules of a password hold
    select_user(page, "fiona")
    reset = page.reset_password()
    assert isinstance(reset, PasswordDialog)
    assert not reset.own
    reset.password.setText("fiona-1234")
    reset.repeat.setText("fiona-1234")
    finish(qtbot, reset)
    assert reset.error.text() == "the password is the user name 'fiona' with digits or signs: choose another"
    reset.password.setText("ledger-1234")
    reset.repeat.setText("ledger-1234")
    finish(qtbot, reset)
    assert reset.result() == QDialog.DialogCode.Accepted
    assert users.sign_in(db, "fiona", "ledger-1234") == Actor("fiona", Role.FINANCE)

    # deactivating asks first
    select_user(page, "fiona")
    page.deactivate_user()
    box = widgets.last_box()
    assert box is not None
    assert box.text().startswith("Deactivate fiona?")
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot)
    assert [(u.name, u.active) for u in settings_view(db, team["admin"]).users if u.name == "fiona"] == [
        ("fiona", False)]


def test_a_locked_account_is_shown_and_unlocked(qtbot, db) -> None:
    team = people(db)
    for _attempt in range(5):
        with contextlib.suppress(UserError):
            users.sign_in(db, "anna", "guess")
    page = settings_page(qtbot, db, team["admin"])
    anna = next(u for u in page.users.rows() if u.name == "anna")
    assert anna.locked_until is not None
    select_user(page, "anna")
    with qtbot.waitSignal(page.data_changed, timeout=15_000):
        page.unlock_user()
    settle(qtbot)
    assert users.sign_in(db, "anna", PASSWORD) == team["anna"]


def test_a_manager_sees_no_user_list_and_no_enabled_button(qtbot, db) -> None:
    team = people(db)
    page = settings_page(qtbot, db, team["anna"])
    assert page.users.rowCount() == 0
    assert page.users_note.text() == "The list of users is shown to finance and admins."
    for button in (page.add_user_button, page.role_button, page.deactivate_button, page.unlock_button):
        assert not button.isEnabled()
        assert button.toolTip().endswith(": it needs the admin role")


def test_the_window_follows_a_new_role_and_signs_out_a_deactivated_user(qtbot, db) -> None:
    team = people(db)
    window = MainWindow(AppContext(db, team["anna"]), specs=[spec("settings")], remember=False)
    qtbot.addWidget(window)
    settle(qtbot)
    assert window.user_label.text() == "anna (manager)"
    users.set_role(db, team["admin"], "anna", Role.ADMIN)
    window.refresh_standing()
    settle(qtbot)
    assert window.ctx.actor == Actor("anna", Role.ADMIN)
    assert window.user_label.text() == "anna (admin)"
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.add_user_button.isEnabled(), timeout=15_000)
    users.deactivate(db, team["admin"], "anna")
    with qtbot.waitSignal(window.sign_out_requested, timeout=15_000):
        window.refresh_standing()
    box = widgets.last_box()
    assert box is not None
    assert box.text() == "anna can no longer act: the account was deactivated. Sign in again."
    box.close()


def test_sign_out_and_sign_in_as_someone_else_without_quitting(qtbot, db, tmp_path) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    team = people(db)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    desk = Desk(app, db)
    first = desk.open(team["anna"])
    qtbot.addWidget(first)
    settle(qtbot)

    def sign_in_as_fiona() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(50, sign_in_as_fiona)
            return
        dialog.name.setText("fiona")
        dialog.password.setText(PASSWORD)
        dialog.submit()

    QTimer.singleShot(50, sign_in_as_fiona)
    first.sign_out_action.trigger()
    second = desk.window
    assert second is not None
    assert second is not first
    qtbot.addWidget(second)
    assert second.ctx.actor == team["fiona"]
    assert second.user_label.text() == "fiona (finance)"
    assert second.isVisible()
    assert not first.isVisible()
    assert app.quitOnLastWindowClosed()
    second.close()


def test_a_trail_shorter_than_the_one_seen_here_is_shouted_about(qtbot, db, tmp_path) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    team = people(db)  # three records: the users added

    def open_window() -> MainWindow:
        window = MainWindow(AppContext(db, team["admin"]), specs=[])
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.chain_checked, timeout=15_000) as checked:
            pass
        assert checked.args[0] == window.chain_warning
        return window

    window = open_window()
    assert window.chain_warning is None
    assert not window.chain_label.isVisible()
    users.add_user(db, team["admin"], "felix", Role.FINANCE, PASSWORD)  # the trail grows to four: remembered
    assert open_window().chain_warning is None
    # the last record taken away behind the product's back
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_no_delete")
        connection.execute(text("DELETE FROM audit WHERE id = 4"))
    warned = open_window()
    assert warned.chain_warning is not None
    assert warned.chain_warning.startswith("The audit trail of this database has 3 records, but this computer has "
                                           "seen 4: records were removed behind Partner Desk's back.")
    assert warned.chain_label.text() == "Audit trail cut short or rewritten"
    box = widgets.last_box()
    assert box is not None
    assert box.icon() == QMessageBox.Icon.Critical
    box.close()
    # it keeps warning: the longest trail seen is still remembered
    assert open_window().chain_warning is not None
