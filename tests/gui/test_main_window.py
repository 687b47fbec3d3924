"""The main window: Ctrl+1..9 switch pages, Ctrl+F focuses the page's search, a change refreshes
the pages, and the window remembers its last page and size."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.gui.context import AppContext
from partner_desk.gui.help_menu import ShortcutsDialog
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.page import Page
from partner_desk.gui.pages.settings_dialogs import UserDialog
from partner_desk.gui.registry import PAGES, PageSpec
from partner_desk.services.changes import Area
from partner_desk.services.users import add_user


class CountingPage(Page):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, parent)
        self.refreshed = 0
        self.search = QLineEdit()
        QVBoxLayout(self).addWidget(self.search)

    def refresh(self) -> None:
        self.refreshed += 1

    def focus_search(self) -> None:
        self.search.setFocus()


class AgenciesLike(CountingPage):
    areas = frozenset({Area.AGENCIES})


class TiersLike(CountingPage):
    areas = frozenset({Area.TIERS})


class LedgerLike(CountingPage):
    areas = frozenset({Area.LEDGER})


SPECS = [PageSpec("one", "One", AgenciesLike), PageSpec("two", "Two", TiersLike),
         PageSpec("three", "Three", LedgerLike)]


def test_shortcuts_refresh_and_remembered_page(qtbot, db, tmp_path) -> None:
    # keep the user's own settings out of it: QSettings(org, app) uses the native format's path
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    ctx = AppContext(db, Actor("ada", Role.ADMIN))
    window = MainWindow(ctx, specs=SPECS)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    assert window.current_key() == "one"
    assert window.pages["one"].refreshed == 1

    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "three"
    three = window.pages["three"]
    assert isinstance(three, CountingPage)
    assert three.refreshed == 1
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert three.search.hasFocus()

    window.show_page("two")
    two = window.pages["two"]
    assert isinstance(two, CountingPage)
    assert two.refreshed == 1
    window.show_page("three")
    # a project payment changes the ledger and the agencies (services.changes): the shown page,
    # which shows the ledger, reloads now; the agencies-like page when next shown; the tiers-like
    # page not at all
    three.changed("pay_project", "AG01")
    assert three.refreshed == 2
    one = window.pages["one"]
    assert isinstance(one, CountingPage)
    assert one.refreshed == 1
    window.show_page("one")
    assert one.refreshed == 2
    window.show_page("one")
    assert one.refreshed == 2  # nothing changed since
    window.show_page("two")
    assert two.refreshed == 1

    # someone else's change comes in through the same entry point, and says so in the status bar
    window.changed(frozenset({Area.TIERS, Area.AUDIT}), "fiona", "changed the commission table at 9:14")
    assert two.refreshed == 2
    assert one.refreshed == 2
    assert window.change_label.text() == "fiona changed the commission table at 9:14"

    window.show_page("two")
    window.resize(700, 500)  # within the offscreen screen (800 x 600)
    window.close()
    again = MainWindow(ctx, specs=SPECS)
    qtbot.addWidget(again)
    assert again.current_key() == "two"
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (700, 500)


def test_pages_are_registered_by_their_classes() -> None:

    # a page is its class, imported with the registry: a misspelt one fails at import, not when opened
    assert all(isinstance(s.page_class, type) and issubclass(s.page_class, Page) for s in PAGES)
    keys = [s.key for s in PAGES]
    assert len(keys) == len(set(keys))
    assert keys[:3] == ["today", "agencies", "agency"]  # the morning's page first


def test_help_lists_the_keyboard_shortcuts_and_the_page_list_takes_focus(qtbot, db) -> None:


    window = MainWindow(AppContext(db, Actor("ada", Role.ADMIN)), remember=False)
    qtbot.addWidget(window)
    assert window.nav.focusPolicy() == Qt.FocusPolicy.StrongFocus
    window.help_action.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None
    text = dialog.table.text()
    # the first page has Ctrl+1, the ninth Ctrl+9
    assert "<b>Ctrl+1</b></td><td>Open the page Today" in text
    assert "<b>Ctrl+9</b></td><td>Open the page Audit" in text
    assert "Open the first (or only) match" in text
    assert "Move into the table" in text
    dialog.reject()


def test_a_user_with_a_display_name_is_called_by_it(qtbot, db) -> None:

    ada = add_user(db, SETUP, "ada", Role.ADMIN, "correct horse battery")
    ctx = AppContext(db, ada)
    dialog = UserDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("olena")
    dialog.display_name.setText("Olena Kovalenko")
    dialog.password.setText("correct horse battery")
    dialog.role.setCurrentIndex(dialog.role.findData("manager"))
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    olena = AppContext(db, Actor("olena", Role.MANAGER))
    window = MainWindow(olena, specs=[], remember=False)
    qtbot.addWidget(window)
    assert window.user_label.text() == "Olena Kovalenko (manager)"
    assert olena.person("olena") == "Olena Kovalenko"
    assert olena.person("ada") == "ada"
