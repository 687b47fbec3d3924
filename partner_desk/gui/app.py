"""Starting the window: the application, the database, signing in, then the main window."""

from __future__ import annotations

import gc
import logging
import os
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from partner_desk import connections, i18n
from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor
from partner_desk.gui import language, ops
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FirstRunDialog, SignInDialog
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages.settings_connection import remembered
from partner_desk.gui.preferences import APPLICATION, ORGANIZATION, remember_text, remembered_text, settings
from partner_desk.i18n import _
from partner_desk.refusal_text import shown_error
from partner_desk.services import users
from partner_desk.services.failures import record_failure
from partner_desk.services.setup import init_database
from partner_desk.store.engine import ENV_DB, Database

ICONS = i18n.RESOURCES / "icons"
log = logging.getLogger(__name__)
# the password of `--user`, as the command line takes it
ENV_PASSWORD = "PARTNER_DESK_PASSWORD"


def app_icon() -> QIcon:
    """The application's icon: the drawing, and its picture for where no SVG support is loaded."""
    icon = QIcon(str(ICONS / "partner-desk.png"))
    icon.addFile(str(ICONS / "partner-desk.svg"))
    return icon


def application() -> QApplication:
    """The one QApplication, created on first use, with the name, icon and locale set."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(app_icon())
    language.install_qt_translations(i18n.current_language())
    return app


def set_language(choice: language.Choice) -> None:
    """Speak `choice`'s language; say on stderr when its catalogs are missing (a broken install)."""
    language.apply(choice)
    if choice.language != "en" and not i18n.has_catalog(choice.language):
        log.warning("no %s catalog in %s: the window speaks English", choice.language, i18n.LOCALE_DIR)
    if choice.language != "en" and not language.install_qt_translations(choice.language):
        log.warning("no Qt translation qtbase_%s in %s", choice.language, language.qt_translations_folder())


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
        why = shown_error(exc)
        raise UserError(_("cannot open the database {url}: {error}").format(url=db.url, error=why)) from None
    return db


LAST_USER = "sign_in/last_user"


def chosen_url(db_url: str | None) -> str | None:
    """--db, then PARTNER_DESK_DB, then the database chosen in Settings on this computer (its password
    from the system keyring), then the file in the user's data folder."""
    if db_url or os.environ.get(ENV_DB):
        return db_url
    found = remembered()
    return connections.with_password(found) if found else None


def sign_in_dialog(db: Database, user: str | None = None) -> QDialog:
    """The first-run dialog on a database with no users, the sign-in dialog otherwise, with the
    user's name filled in: the one asked for, else the last one who signed in on this computer."""
    if users.in_setup_mode(db):
        return FirstRunDialog(db)
    return SignInDialog(db, name=user or remembered_text(LAST_USER))


def _record_failure(db: Database, actor: Actor, action: str, message: str) -> None:
    """The audit record of a failed action, written in the background (it may wait for the database)."""
    def work(_progress: ops.Progress) -> None:
        record_failure(db, actor, "window", action or None, message)

    ops.run_op(None, work, lambda _result: None, lambda _error: None, quiet=True)


def sign_in_at_once(dialog: QDialog, user: str | None) -> None:
    """Start signing in the user of `--user` with PARTNER_DESK_PASSWORD, as the command line does: the
    dialog accepts itself once the check (off the GUI thread) succeeds, or stays open saying why not.
    Nothing happens when either is missing."""
    password = os.environ.get(ENV_PASSWORD)
    if not user or not password or not isinstance(dialog, SignInDialog):
        return
    dialog.password.setText(password)
    dialog.submit()


class Desk:
    """The running application on one database: one signed-in window at a time. Signing out closes
    the window once someone else has signed in (or quits when nobody does)."""

    def __init__(self, app: QApplication, db: Database) -> None:
        self.app = app
        self.db = db
        self.window: MainWindow | None = None

    def sign_in(self, user: str | None = None) -> bool:
        """Ask who signs in (`user` filled in, and signed in at once when PARTNER_DESK_PASSWORD is
        set) and open their window; False when the dialog was cancelled."""
        dialog = sign_in_dialog(self.db, user)
        dialog.setWindowIcon(app_icon())
        sign_in_at_once(dialog, user)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.open(dialog.actor)  # type: ignore[attr-defined]
        return True

    def open(self, actor: Actor) -> MainWindow:
        db = self.db
        if actor.name:
            remember_text(LAST_USER, actor.name)  # offered at the next sign-in
        # an unexpected failure in this window is recorded as a refused attempt of its user
        ops.record_failures_with(lambda action, message: _record_failure(db, actor, action, message))
        window = MainWindow(AppContext(db, actor))
        window.sign_out_requested.connect(self.switch_user)
        window.watch_changes()
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
            ops.record_failures_with(None)  # nobody is signed in until the next one is
            signed = self.sign_in()
        finally:
            self.app.setQuitOnLastWindowClosed(True)
        old.close()
        old.deleteLater()
        if not signed:
            self.window = None
            self.app.quit()


# new objects tracked by Python's cyclic collector before it looks at the youngest ones again
COLLECT_AFTER = 50_000


def settle_collector() -> None:
    """Tune Python's cyclic collector for a long-running window.

    Each pass of the collector holds the interpreter's lock, so a pass made while background work
    allocates (a preview, a year of balances) pauses the window; a full pass over everything the
    program has loaded took 60–140 ms on a 2-core machine. So: collect once, set the objects made so far
    (the modules, the application) aside for good, since they live as long as the program does (`gc.freeze`),
    and look at the youngest objects after every COLLECT_AFTER new ones rather than 700.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_AFTER, 20, 20)


def run_gui(db_url: str | None, user: str | None = None) -> int:
    """Open the window on a database; the exit code of the application."""
    app = application()
    ops.install_excepthook()
    set_language(language.resolve(settings()))
    settle_collector()
    try:
        db = open_database(chosen_url(db_url))
    except UserError as exc:
        QMessageBox.critical(None, _("Partner Desk"), shown_error(exc))
        return 1
    try:
        desk = Desk(app, db)
        if not desk.sign_in(user):
            return 0
        return int(app.exec())
    finally:
        ops.wind_down()
        db.dispose()
