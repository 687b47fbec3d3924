"""Starting the window: the application, the database, signing in, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FirstRunDialog, SignInDialog
from partner_desk.gui.main_window import APPLICATION, ORGANIZATION, MainWindow
from partner_desk.i18n import _
from partner_desk.services import users
from partner_desk.services.setup import init_database
from partner_desk.store.engine import Database

ICON = i18n.RESOURCES / "icons" / "partner-desk.svg"


def app_icon() -> QIcon:
    return QIcon(str(ICON))


def application() -> QApplication:
    """The one QApplication, created on first use, with the name, icon and locale set."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(app_icon())
    _qt_translations(app)
    return app


def _qt_translations(app: QApplication) -> None:
    """Qt's own strings (standard buttons, file dialogs) in the display language, when Qt ships them."""
    if app.property("partner_desk_translator") is not None:
        return
    translator = QTranslator(app)
    language = i18n.current_locale().split("_")[0]
    if translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app.setProperty("partner_desk_translator", language)


def open_database(url: str | None) -> Database:
    """Open the database, creating or upgrading it first when it needs that."""
    try:
        db = Database(url)
    except Exception as exc:  # a malformed URL or a missing driver
        raise UserError(_("cannot open the database: {error}").format(error=exc)) from None
    try:
        init_database(db)
    except Exception as exc:
        db.dispose()
        raise UserError(_("cannot open the database {url}: {error}").format(url=db.url, error=exc)) from None
    return db


def sign_in_dialog(db: Database) -> QDialog:
    """The first-run dialog on a database with no users, the sign-in dialog otherwise."""
    return FirstRunDialog(db) if users.in_setup_mode(db) else SignInDialog(db)


class Desk:
    """The running application on one database: one signed-in window at a time. Signing out closes
    the window once someone else has signed in (or quits when nobody does)."""

    def __init__(self, app: QApplication, db: Database) -> None:
        self.app = app
        self.db = db
        self.window: MainWindow | None = None

    def sign_in(self) -> bool:
        """Ask who signs in and open their window; False when the dialog was cancelled."""
        dialog = sign_in_dialog(self.db)
        dialog.setWindowIcon(app_icon())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.open(dialog.actor)  # type: ignore[attr-defined]
        return True

    def open(self, actor: Actor) -> MainWindow:
        window = MainWindow(AppContext(self.db, actor))
        window.sign_out_requested.connect(self.switch_user)
        window.show()
        self.window = window
        return window

    def switch_user(self) -> None:
        """Sign out of the open window and let someone else sign in, without quitting."""
        old = self.window
        if old is None:
            return
        self.app.setQuitOnLastWindowClosed(False)
        try:
            old.hide()
            signed = self.sign_in()
        finally:
            self.app.setQuitOnLastWindowClosed(True)
        old.close()
        old.deleteLater()
        if not signed:
            self.window = None
            self.app.quit()


def run_gui(db_url: str | None) -> int:
    """Open the window on a database; the exit code of the application."""
    i18n.setup()
    app = application()
    try:
        db = open_database(db_url)
    except UserError as exc:
        QMessageBox.critical(None, _("Partner Desk"), str(exc))
        return 1
    try:
        desk = Desk(app, db)
        if not desk.sign_in():
            return 0
        return int(app.exec())
    finally:
        db.dispose()
