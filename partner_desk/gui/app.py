"""Starting the window: the application, the database, signing in, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from partner_desk import i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor
from partner_desk.gui import ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FirstRunDialog, SignInDialog
from partner_desk.gui.main_window import APPLICATION, ORGANIZATION, MainWindow
from partner_desk.i18n import _
from partner_desk.services import users
from partner_desk.services.failures import record_failure
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


def _record_failure(db: Database, actor: Actor, action: str, message: str) -> None:
    """The audit record of a failed action, written in the background (it may wait for the database)."""
    def work(_progress: ops.Progress) -> None:
        record_failure(db, actor, "window", action or None, message)

    ops.run_op(None, work, lambda _result: None, lambda _error: None, quiet=True)


def run_gui(db_url: str | None) -> int:
    """Open the window on a database; the exit code of the application."""
    i18n.setup()
    app = application()
    ops.install_excepthook()
    try:
        db = open_database(db_url)
    except UserError as exc:
        QMessageBox.critical(None, _("Partner Desk"), str(exc))
        return 1
    try:
        dialog = sign_in_dialog(db)
        dialog.setWindowIcon(app_icon())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        actor = dialog.actor  # type: ignore[attr-defined]
        ops.record_failures_with(lambda action, message: _record_failure(db, actor, action, message))
        window = MainWindow(AppContext(db, actor))
        window.show()
        return int(app.exec())
    finally:
        db.dispose()
