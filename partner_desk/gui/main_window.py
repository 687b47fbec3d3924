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
    QStackedWidget,
    QWidget,
)

from partner_desk.gui.context import AppContext
from partner_desk.gui.pages import PAGES, Page, PageSpec
from partner_desk.i18n import _

ORGANIZATION = "PartnerDesk"
APPLICATION = "Partner Desk"


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


class MainWindow(QMainWindow):
    """Pages from the registry, built when first shown; `data_changed` refreshes the others."""

    data_changed = Signal()

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
        self.nav.setFixedWidth(170)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
        self.data_changed.connect(self._mark_stale)
        self._shortcuts()
        self._status()
        self._restore()

    # pages --------------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page for `key`, built on first use."""
        found = self.pages.get(key)
        if found is not None:
            return found
        spec = next(s for s in self.specs if s.key == key)
        page = spec.factory(self.ctx, None)
        page.setObjectName(f"page_{key}")
        page.data_changed.connect(self.data_changed)
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
        key = self.specs[row].key
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if key in self._stale:
            self._stale.discard(key)
            page.refresh()

    def _mark_stale(self) -> None:
        """After a change every page reloads: the shown one now, the others when next shown."""
        self._stale.update(self.pages)
        current = self.current_key()
        if current in self.pages:
            self._stale.discard(current)
            self.pages[current].refresh()

    # keyboard -----------------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        for i, spec in enumerate(self.specs[:9]):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)
        refresh = QShortcut(QKeySequence.StandardKey.Refresh, self)
        refresh.activated.connect(self.refresh_current)
        quit_action = QAction(_("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()

    # status bar and settings --------------------------------------------------------------------
    def _status(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(_("{user} ({role})").format(user=self.ctx.user_name, role=self.ctx.role_label))
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

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember:
            store = settings()
            store.setValue("window/geometry", self.saveGeometry())
            store.setValue("window/page", self.current_key())
        super().closeEvent(event)
