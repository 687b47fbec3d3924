"""What every main page of the window is: a `Page` (QWidget) built as `Page(ctx, parent)`.

The main window calls `refresh()` when a page is shown (and, after a change, on the next show),
`focus_search()` on Ctrl+F and `show_item(item)` when another page opens it for one item. A page that
changed data calls `self.changed()`, which the window turns into its `data_changed` signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from partner_desk.gui.ops import Generation

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
        # the newest load of what the page shows: an older one's result is dropped (ops.run_op)
        self.loads = Generation()

    def refresh(self) -> None:
        """Reload what the page shows from the services (in the background when it is slow)."""

    def focus_search(self) -> None:
        """Put the keyboard focus in the page's search field, if it has one."""

    def show_item(self, item: object) -> None:
        """Show one item (an agency code, a period...) when another page opens this one for it."""

    def changed(self) -> None:
        self.data_changed.emit()
