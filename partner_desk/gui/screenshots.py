"""Render each main page on the demo data: `python -m partner_desk.gui.screenshots OUTDIR`.

Builds the demo database in a temporary folder with a fixed today, signs in as the demo admin,
shows every page of the registry in turn and saves OUTDIR/<key>.png (Today first; the accruals page
with one agency's preview lines shown), then the withdrawal dialog
with an amount typed the window's way (`amount.png`) and one it refuses (`amount-refused.png`),
the users and language sections of Settings (`users.png`, `language.png`) and the window with its
Account menu open (`account.png`). The language is PARTNER_DESK_LANG's
(`make screenshots` renders English and Ukrainian). Run offscreen (QT_QPA_PLATFORM=offscreen) on a
machine without a display.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from partner_desk.domain import clock
from partner_desk.gui import language, ops
from partner_desk.gui.app import application, set_language
from partner_desk.gui.context import AppContext
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages.agency import AgencyPage
from partner_desk.gui.pages.agency.dialogs import WithdrawalDialog
from partner_desk.gui.pages.settings import SettingsPage
from partner_desk.services.demo import build_demo
from partner_desk.services.demo_money import demo_password
from partner_desk.services.setup import init_database
from partner_desk.services.users import sign_in
from partner_desk.store.engine import Database

TODAY = "2026-11-18T09:00"  # the product's clock while the pictures are taken (PARTNER_DESK_NOW)
ADMIN = "admin"
SIZE = (1400, 860)
# an amount typed the window's way, and one it refuses (it could be read two ways)
AMOUNTS = {"uk": ("1 250,50", "1,250.50"), "en": ("1,250.50", "1250,50")}


def settle(app: QApplication, seconds: float = 30.0) -> None:
    """Process events until no background operation is running (and a little after)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if ops.running() == 0:
            break
        time.sleep(0.02)
    for _ in range(10):
        app.processEvents()
        time.sleep(0.01)


def render(out: Path, now: str = TODAY) -> list[Path]:
    """Save one PNG per registered page (and the amount dialog, the users and language sections of
    the settings, the account menu) into `out`, with the product's clock set to `now`."""
    os.environ[clock.ENV_NOW] = now
    wanted = os.environ.pop(language.ENVIRONMENT, "") or "en_US"
    app = application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        # the settings of whoever renders stay out of the pictures
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
        choice = language.resolve(QSettings(), environment=wanted)
        language.save(QSettings(), choice.language, "")  # as if chosen in Settings
        set_language(choice)
        db = Database(f"sqlite:///{Path(folder) / 'demo.db'}")
        try:
            init_database(db)
            build_demo(db)
            actor = sign_in(db, ADMIN, demo_password(ADMIN))  # the demo data set's own admin
            window = MainWindow(AppContext(db, actor), remember=False)
            window.resize(*SIZE)
            window.show()
            settle(app)

            def save(widget: QWidget, name: str) -> None:
                target = out / f"{name}.png"
                widget.grab().save(str(target))
                written.append(target)

            _pages(app, window, save)
            _amount_dialog(app, window, choice.language, save)
            _settings_sections(app, window, save)
            window.show_page("withdrawals")
            settle(app)
            save_with_menu(window, out / "account.png")
            written.append(out / "account.png")
            window.close()
        finally:
            db.dispose()
    return written


Save = Callable[[QWidget, str], None]


def _pages(app: QApplication, window: MainWindow, save: Save) -> None:
    """Every registered page; the agency page shows the agency third in the list, on its chart."""
    first_agency = None
    for spec in window.specs:
        page = window.show_page(spec.key)
        settle(app)
        if spec.key == "agencies":
            rows = getattr(page, "model", None)
            if rows is not None and rows.rowCount():
                first_agency = rows.row(2 if rows.rowCount() > 2 else 0).code
        if spec.key == "agency" and first_agency is not None:
            page.show_item(first_agency)
            settle(app)
            tabs = getattr(page, "tabs", None)
            if tabs is not None:  # the chart says the most about an agency at a glance
                tabs.setCurrentIndex(tabs.count() - 1)
                settle(app)
        if spec.key == "accruals":  # a preview agency's lines below the list
            table = getattr(page, "table", None)
            if table is not None and table.model().rowCount() > 3:
                table.selectRow(3)
                settle(app)
        save(window, spec.key)


def _amount_dialog(app: QApplication, window: MainWindow, language_code: str, save: Save) -> None:
    """The withdrawal dialog with an amount as it will be recorded, and with one read two ways."""
    page = window.show_page("agency")
    dialog = page.controller.request_withdrawal() if isinstance(page, AgencyPage) else None
    if isinstance(dialog, WithdrawalDialog):
        settle(app)
        good, ambiguous = AMOUNTS.get(language_code, AMOUNTS["en"])
        for text, name in ((good, "amount"), (ambiguous, "amount-refused")):
            dialog.amount.setText(text)
            dialog.details.setPlainText("UA21 3223 1300 0002 6007 2335 6600 1")
            settle(app)
            save(dialog, name)
        dialog.reject()


def _settings_sections(app: QApplication, window: MainWindow, save: Save) -> None:
    settings_page = window.show_page("settings")
    if isinstance(settings_page, SettingsPage):
        for section, name in ((settings_page.users_section, "users"),
                              (settings_page.language_section, "language")):
            settings_page.tabs.setCurrentWidget(section)
            settle(app)
            save(window, name)


def save_with_menu(window: MainWindow, target: Path) -> None:
    """The window with its Account menu open, as one picture (the menu is a window of its own)."""

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    bar = window.menuBar()
    action = bar.actions()[0]
    menu = action.menu()
    assert isinstance(menu, QMenu)
    menu.popup(bar.mapToGlobal(bar.actionGeometry(action).bottomLeft()))
    settle(app)
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(menu.mapToGlobal(QPoint(0, 0))), menu.grab())
    painter.end()
    menu.hide()
    picture.save(str(target))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots")
    for path in render(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
