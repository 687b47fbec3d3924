"""The main pages and their registry.

A page is a `Page` (QWidget) built as `factory(ctx, parent)`. The main window shows the pages in
registry order, gives the first nine Ctrl+1..Ctrl+9, calls `refresh()` when a page is shown (and,
after a change, on the next show), and `focus_search()` on Ctrl+F. A page that changed data calls
`self.changed()`, which the window turns into its `data_changed` signal.

Register a page with one line in `_register()`: `add("key", N_("Title"), "module", "Class")`.
Pages are imported when the window is built, so a page module may import anything.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from partner_desk.i18n import N_, _

if TYPE_CHECKING:
    from partner_desk.gui.context import AppContext


class Page(QWidget):
    """One main page of the window."""

    title = ""
    # emitted after the page wrote something, so other pages refresh
    data_changed = Signal()
    # ask the window to open another page: (page key, argument such as an agency code)
    open_page = Signal(str, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload what the page shows from the services (in the background when it is slow)."""

    def focus_search(self) -> None:
        """Put the keyboard focus in the page's search field, if it has one."""

    def show_item(self, item: object) -> None:
        """Show one item (an agency code, a period...) when another page opens this one for it."""

    def changed(self) -> None:
        self.data_changed.emit()


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # marked with N_, translated when shown
    factory: Callable[[AppContext, QWidget | None], Page]

    @property
    def label(self) -> str:
        return _(self.title)


PAGES: list[PageSpec] = []


def add(key: str, title: str, module: str, cls: str) -> None:
    """Register the page class `cls` of `partner_desk.gui.pages.<module>` under `key`."""

    def factory(ctx: AppContext, parent: QWidget | None = None) -> Page:
        page_class = getattr(importlib.import_module(f"partner_desk.gui.pages.{module}"), cls)
        page: Page = page_class(ctx, parent)
        return page

    PAGES.append(PageSpec(key, title, factory))


def _register() -> None:
    add("agencies", N_("Agencies"), "agencies", "AgenciesPage")
    add("agency", N_("Agency"), "agency", "AgencyPage")
    add("accruals", N_("Accruals"), "accruals", "AccrualsPage")
    add("withdrawals", N_("Withdrawals"), "withdrawals", "WithdrawalsPage")
    add("import", N_("Import"), "import_page", "ImportPage")
    add("statements", N_("Statements"), "statements", "StatementsPage")
    add("settings", N_("Settings"), "settings", "SettingsPage")
    add("audit", N_("Audit"), "audit", "AuditPage")


_register()


def spec(key: str) -> PageSpec:
    for page in PAGES:
        if page.key == key:
            return page
    raise KeyError(key)
