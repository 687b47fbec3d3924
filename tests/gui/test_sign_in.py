"""Signing in: the first-run dialog creates the admin; the sign-in dialog refuses a wrong password;
the main window's status bar shows the user, role and database."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.gui.app import Desk, open_database, run_gui, sign_in_dialog
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FirstRunDialog, SignInDialog
from partner_desk.gui.main_window import MainWindow
from partner_desk.services import users
from partner_desk.services.audit_trail import records
from partner_desk.services.users import add_user, deactivate, in_setup_mode, sign_in
from partner_desk.store.models import AuditRecord

PASSWORD = "correct horse battery"


def submitted(qtbot, dialog) -> bool:
    """Submit the dialog and wait for the check, which runs off the GUI thread."""
    with qtbot.waitSignal(dialog.attempted, timeout=15_000) as signal:
        dialog.submit()
    return bool(signal.args[0])


def test_first_run_creates_the_admin_and_signs_in(qtbot, db) -> None:
    dialog = sign_in_dialog(db)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, FirstRunDialog)
    dialog.name.setText("ada")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText("something else")
    assert not submitted(qtbot, dialog)
    assert "differ" in dialog.error.text()
    assert in_setup_mode(db)  # nothing written

    dialog.repeat.setText(PASSWORD)
    assert submitted(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None
    assert dialog.actor.name == "ada"
    assert dialog.actor.role is Role.ADMIN
    assert not in_setup_mode(db)


def test_a_ukrainian_sign_in_dialog_says_why_in_ukrainian(qtbot, db, ukrainian) -> None:
    """Refused sign-ins read in the window's language; the audit trail keeps the command line's English."""
    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    dialog = sign_in_dialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setText("ada")
    dialog.password.setText("wrong password")
    assert not submitted(qtbot, dialog)
    assert dialog.error.text() == "не вдалося увійти як «ada»: невідомий користувач або неправильний пароль"
    with db.read() as session:
        assert session.scalars(select(AuditRecord.message).where(AuditRecord.outcome == "refused")).all() == [
            "sign-in failed for 'ada': unknown user or wrong password"]
    # a deactivated account
    add_user(db, Actor("ada", Role.ADMIN), "bob", Role.MANAGER, PASSWORD)
    deactivate(db, Actor("ada", Role.ADMIN), "bob")
    dialog.name.setText("bob")
    dialog.password.setText(PASSWORD)
    assert not submitted(qtbot, dialog)
    assert dialog.error.text() == "вхід відмовлено: обліковий запис «bob» деактивовано"


def test_sign_in_refuses_a_wrong_password_then_opens_the_window(qtbot, db) -> None:
    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    dialog = sign_in_dialog(db)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SignInDialog)
    dialog.name.setText("ada")
    dialog.password.setText("wrong password")
    assert not submitted(qtbot, dialog)
    assert "sign-in failed for 'ada'" in dialog.error.text()
    assert dialog.actor is None
    # the refused attempt is on record
    dialog.password.setText(PASSWORD)
    assert submitted(qtbot, dialog)
    trail = records(db, dialog.actor)
    assert trail[0]["action"] == "sign_in"
    assert trail[0]["outcome"] == "refused"
    assert dialog.actor is not None

    window = MainWindow(AppContext(db, dialog.actor), specs=[], remember=False)
    qtbot.addWidget(window)
    assert window.user_label.text() == "ada (admin)"
    assert window.db_label.text() == db.url


def test_open_database_creates_it_or_says_why_it_cannot(tmp_path) -> None:


    db = open_database(f"sqlite:///{tmp_path / 'new' / 'desk.db'}")
    try:
        assert in_setup_mode(db)  # created, upgraded, and waiting for its first user
    finally:
        db.dispose()
    with pytest.raises(UserError, match="cannot open the database"):
        open_database("nosuchdriver://nowhere/db")


def test_run_gui_signs_in_and_opens_the_window(qtbot, db, tmp_path) -> None:
    """The whole start: the sign-in dialog (driven by a timer, as a user would type), then the main
    window on the agencies page; closing it ends the application with exit code 0."""


    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    url = db.engine.url.render_as_string(hide_password=False)
    seen: dict[str, object] = {}
    app = QApplication.instance()
    assert app is not None

    def sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(50, sign_in)
            return
        dialog.name.setText("ada")
        dialog.password.setText(PASSWORD)
        dialog.submit()
        QTimer.singleShot(50, look)

    def look() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, look)
            return
        window = windows[0]
        seen["user"] = window.user_label.text()
        seen["page"] = window.current_key()
        window.close()

    QTimer.singleShot(50, sign_in)
    safety = QTimer()  # never hang the suite; stopped once the window closed
    safety.setSingleShot(True)
    safety.timeout.connect(app.quit)
    safety.start(30_000)
    locale = i18n.current_locale()
    try:
        assert run_gui(url) == 0
    finally:
        safety.stop()
        i18n.setup(locale)  # run_gui chose the display language from the environment
    assert seen == {"user": "ada (admin)", "page": "today"}


def test_the_password_is_checked_off_the_gui_thread(qtbot, db, monkeypatch) -> None:


    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    threads: list[bool] = []
    real = users.sign_in

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(users, "sign_in", watched)
    dialog = sign_in_dialog(db, "ada")
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    assert submitted(qtbot, dialog)
    # Argon2 and the sign-in's audit record ran on a pool thread; the window stayed responsive
    assert threads == [False]


def test_the_last_user_name_is_offered_at_the_next_sign_in(qtbot, db) -> None:


    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    first = sign_in_dialog(db)
    qtbot.addWidget(first)
    assert first.name.text() == ""  # nobody signed in on this computer yet
    app = QApplication.instance()
    desk = Desk(app, db)
    window = desk.open(users_actor(db))
    qtbot.addWidget(window)
    again = sign_in_dialog(db)
    qtbot.addWidget(again)
    # the name is filled in and the password field has the focus
    assert isinstance(again, SignInDialog)
    assert again.name.text() == "ada"
    # a name asked for (--user) still wins
    asked = sign_in_dialog(db, "bob")
    qtbot.addWidget(asked)
    assert asked.name.text() == "bob"


def users_actor(db):

    return sign_in(db, "ada", PASSWORD)
