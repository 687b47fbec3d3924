"""The main window: a navigation list of pages, shortcuts, remembered geometry and a status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from partner_desk.domain.roles import Actor
from partner_desk.gui import chain_watch, colors, widgets
from partner_desk.gui.change_watch import ChangeWatch, news
from partner_desk.gui.context import AppContext
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.help_menu import add_help_menu
from partner_desk.gui.ops import run_op
from partner_desk.gui.page import Page
from partner_desk.gui.pages.users_dialogs import PasswordDialog
from partner_desk.gui.preferences import settings
from partner_desk.gui.registry import PAGES, PageSpec
from partner_desk.i18n import _
from partner_desk.services import users
from partner_desk.services.changes import EVERYTHING, Area
from partner_desk.services.session import SessionState
from partner_desk.services.watch import Change

# the areas the session holds settings of (the company time zone, people's names)
SESSION_AREAS = frozenset({Area.SETTINGS, Area.USERS})
# how long the sentence about one of this window's own changes stays in the status bar
CHANGE_MESSAGE_MS = 15_000


class MainWindow(QMainWindow):
    """Pages from the registry, built when first shown; `changed` reloads the pages a change touched.

    The signed-in user's role and state are read again whenever a page is shown or data changed: a
    new role shows at once, and a deactivated user is signed out. `sign_out_requested` asks the
    application to sign someone else in.
    """

    sign_out_requested = Signal()
    chain_checked = Signal(object)  # the warning about the audit trail, or None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 specs: list[PageSpec] | None = None, remember: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.remember = remember
        self.specs = list(specs if specs is not None else PAGES)
        self.pages: dict[str, Page] = {}
        self._stale: set[str] = set()
        self.setWindowTitle(_("Partner Desk"))
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        # as wide as the longest page's name needs, no wider
        longest = max((self.nav.fontMetrics().horizontalAdvance(spec.label) for spec in self.specs), default=100)
        self.nav.setFixedWidth(max(120, min(longest + 40, 200)))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the page list takes the keyboard too
        self.nav.setItemDelegate(widgets.NoFocusFrame(self.nav))
        self.nav.setStyleSheet("QListWidget#navigation { border: none; background: palette(window); }"
                               "QListWidget#navigation::item { padding: 9px 14px; }")
        self.stack = QStackedWidget()
        self._placeholders: dict[str, QWidget] = {}
        for i, spec in enumerate(self.specs):
            item = QListWidgetItem(spec.label)
            if i < 9:
                item.setToolTip(_("{page} (Ctrl+{n})").format(page=spec.label, n=i + 1))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            holder = QWidget()
            self._placeholders[spec.key] = holder
            self.stack.addWidget(holder)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._row_changed)
        self.chain_warning: str | None = None
        self.change_watch: ChangeWatch | None = None
        self._shortcuts()
        self._status()
        self._account_menu()
        self.help_action = add_help_menu(self, self.specs)
        self._restore()

    # pages --------------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page for `key`, built on first use."""
        found = self.pages.get(key)
        if found is not None:
            return found
        spec = next(s for s in self.specs if s.key == key)
        page = spec.build(self.ctx)
        page.setObjectName(f"page_{key}")
        page.data_changed.connect(lambda areas: self.changed(areas))
        page.open_page.connect(self.open_page)
        holder = self._placeholders[key]
        index = self.stack.indexOf(holder)
        self.stack.removeWidget(holder)
        holder.deleteLater()
        self.stack.insertWidget(index, page)
        self.pages[key] = page
        self._stale.add(key)
        return page

    def current_key(self) -> str:
        row = self.nav.currentRow()
        return self.specs[row].key if 0 <= row < len(self.specs) else ""

    def current_page(self) -> Page | None:
        key = self.current_key()
        return self.pages.get(key) if key else None

    def show_page(self, key: str) -> Page:
        """Switch to a page (refreshing it when its data may have changed) and return it."""
        row = next(i for i, s in enumerate(self.specs) if s.key == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        else:
            self._row_changed(row)
        return self.pages[key]

    def open_page(self, key: str, item: object = None) -> None:
        page = self.show_page(key)
        if item is not None:
            page.show_item(item)

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.specs):
            return
        self.refresh_standing()
        key = self.specs[row].key
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if key in self._stale:
            self._stale.discard(key)
            page.refresh()

    def changed(self, areas: frozenset[Area], who: str | None = None, what: str | None = None) -> None:
        """The one entry point for a change to the database, this window's own or anyone else's.

        `areas` are what the change touched (`services.changes.areas_of` of its audit record); `who`
        made it (None: this window's user) and `what` is a short sentence to show in the status bar
        (None: nothing to say). The pages that show one of the areas reload: the shown one now, the
        others when next shown; a change of the settings or the users reads the session again first.
        """
        touched = frozenset(areas)
        if touched & SESSION_AREAS:
            ctx = self.ctx

            def read_again(state: SessionState) -> None:
                ctx.apply(state)
                self._reload_pages(touched)

            run_op(self, lambda _p: ctx.reload(), read_again, lambda _exc: self._reload_pages(touched), quiet=True)
        else:
            self._reload_pages(touched)
        if who is None or Area.USERS in touched:
            self.refresh_standing()
        if who is not None and what:
            # another user's change stays in the status bar until the next one
            self.change_label.setText(_("{who} {what}").format(who=self.ctx.person(who), what=what))
            self.change_label.setToolTip(_("The last change another user made; every page shows it"))
            self.change_label.show()
        elif what:
            self.statusBar().showMessage(what, CHANGE_MESSAGE_MS)

    def _reload_pages(self, touched: frozenset[Area]) -> None:
        current = self.current_key()
        for key, page in self.pages.items():
            if not page.areas & touched:
                continue
            if key == current:
                self._stale.discard(key)
                page.refresh()
            else:
                self._stale.add(key)

    # what others changed ------------------------------------------------------------------------
    def watch_changes(self) -> ChangeWatch:
        """Hear what other users and programs change in the database, and follow it."""
        if self.change_watch is None:
            self.change_watch = ChangeWatch(self.ctx.db, self)
            self.change_watch.arrived.connect(self._changes_arrived)
            self.change_watch.start()
        return self.change_watch

    def _changes_arrived(self, changes: list[Change]) -> None:
        found = news(changes)
        if found is not None:
            self.changed(*found)

    # keyboard -----------------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        for i, spec in enumerate(self.specs[:9]):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)
        refresh = QShortcut(QKeySequence.StandardKey.Refresh, self)
        refresh.activated.connect(self.refresh_current)
        self.quit_action = QAction(_("Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()

    # the signed-in user -------------------------------------------------------------------------
    def _account_menu(self) -> None:
        menu = self.menuBar().addMenu(_("&Account"))
        self.password_action = QAction(_("Change my password…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.sign_out_action = QAction(_("Sign out…"), self)
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.sign_out_action.setToolTip(_("Sign out and sign in as someone else, without quitting"))
        self.sign_out_action.triggered.connect(self.sign_out)
        menu.addAction(self.password_action)
        menu.addAction(self.sign_out_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        if not self.ctx.actor.signed_in:
            self.password_action.setEnabled(False)

    def sign_out(self) -> None:
        """Ask the application to sign someone else in (the window closes once they have)."""
        self.sign_out_requested.emit()

    def change_password(self) -> FormDialog:
        dialog = PasswordDialog(self.ctx, self.ctx.user_name, self)
        dialog.accepted.connect(lambda: widgets.inform(self, _("Your password is changed.")))
        dialog.open()
        self.dialog = dialog
        return dialog

    def refresh_standing(self) -> None:
        """Read the signed-in user's role and state again (in the background) and follow them."""
        if not self.ctx.actor.signed_in:
            return
        ctx = self.ctx
        run_op(self, lambda _p: users.current(ctx.db, ctx.actor), self._standing, lambda _exc: None, quiet=True)

    def _standing(self, now: Actor | None) -> None:
        if now is None:
            widgets.warn(self, _("{user} can no longer act: the account was deactivated. Sign in again.").format(
                user=self.ctx.user_name))
            self.sign_out()
            return
        if now != self.ctx.actor:
            self.ctx.actor = now
            self.user_label.setText(self._who())
            self._reload_pages(EVERYTHING)  # what the new role may see and do

    # the audit trail, as this computer saw it ---------------------------------------------------
    def watch_chain(self, store: QSettings) -> None:
        """Compare the audit trail with the longest one this computer has seen for this database."""
        db = self.ctx.db
        url = db.engine.url.render_as_string(hide_password=True)
        seen = chain_watch.remembered(store, url)

        def done(now: chain_watch.Observation) -> None:
            self._chain_checked(chain_watch.settle(store, url, seen, now))

        run_op(self, lambda _p: chain_watch.observe(db, seen), done, quiet=True)

    def _chain_checked(self, warning: str | None) -> None:
        self.chain_warning = warning
        if warning is not None:
            self.chain_label.setText(_("Audit trail cut short or rewritten"))
            self.chain_label.setToolTip(warning)
            self.chain_label.show()
            box = widgets.warn(self, warning, title=_("The audit trail was changed"))
            box.setIcon(QMessageBox.Icon.Critical)
        self.chain_checked.emit(warning)

    # status bar and settings --------------------------------------------------------------------
    def _who(self) -> str:
        """"Olena Kovalenko (manager)": the signed-in user as the window calls them, and their role."""
        return _("{user} ({role})").format(user=self.ctx.person(self.ctx.user_name), role=self.ctx.role_label)

    def _status(self) -> None:
        bar = self.statusBar()
        self.chain_label = QLabel()
        self.chain_label.setObjectName("status_chain")
        self.chain_label.setStyleSheet(
            f"color: white; background: {colors.RED_HEX}; font-weight: bold; padding: 2px 8px;")
        self.chain_label.hide()
        bar.addWidget(self.chain_label)
        self.change_label = QLabel()
        self.change_label.setObjectName("status_change")
        self.change_label.hide()
        bar.addWidget(self.change_label)
        self.user_label = QLabel(self._who())
        self.user_label.setObjectName("status_user")
        self.db_label = QLabel(self.ctx.db.url)
        self.db_label.setObjectName("status_db")
        self.db_label.setToolTip(_("Database: {url}").format(url=self.ctx.db.url))
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.db_label)

    def _restore(self) -> None:
        store = settings() if self.remember else None
        geometry = store.value("window/geometry") if store is not None else None
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        last = store.value("window/page", "") if store is not None else ""
        keys = [s.key for s in self.specs]
        start = keys.index(str(last)) if last in keys else 0
        # the agency page needs an agency: start on the list instead
        if keys and keys[start] == "agency":
            start = keys.index("agencies") if "agencies" in keys else 0
        if keys:
            self.nav.setCurrentRow(start)
        if store is not None:
            self.watch_chain(store)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.change_watch is not None:
            self.change_watch.stop()
        if self.remember:
            store = settings()
            store.setValue("window/geometry", self.saveGeometry())
            store.setValue("window/page", self.current_key())
        super().closeEvent(event)
