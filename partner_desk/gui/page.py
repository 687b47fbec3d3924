"""What every main page of the window is: a `Page` (QWidget) built as `Page(ctx, parent)`.

The main window calls `refresh()` when a page is shown (and, after a change, on the next show),
`focus_search()` on Ctrl+F and `show_item(item)` when another page opens it for one item.

A page declares the kinds of data it shows (`areas`, from `services.changes.Area`). A page that
changed data calls `self.changed(action, obj)` with the audited action it ran; the window reloads the
pages that show one of the areas that action changes (`services.changes.areas_of`), and no other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from partner_desk.gui.ops import Generation
from partner_desk.services.changes import EVERYTHING, Area, areas_of

if TYPE_CHECKING:
    from partner_desk.gui.context import AppContext


class Page(QWidget):
    """One main page of the window."""

    title = ""
    # the kinds of data the page shows: a change that touches one of them reloads it
    areas: ClassVar[frozenset[Area]] = EVERYTHING
    # emitted after the page wrote something: the areas (a frozenset of Area) it changed
    data_changed = Signal(object)
    # ask the window to open another page: (page key, argument such as an agency code)
    open_page = Signal(str, object)
    # what the page shows was (re)loaded; tests and benchmarks wait for it
    loaded = Signal()

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

    def changed(self, action: str, obj: str | None = None) -> None:
        """Say that the page ran the audited `action` (on `obj`): the window reloads what it touched."""
        self.data_changed.emit(areas_of(action, obj))
