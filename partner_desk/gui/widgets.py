"""Small shared widgets: non-blocking message boxes, a search field, labelled values.

Message boxes are opened window-modal with `open()`, never `exec()`, so no slot blocks in a nested
event loop and tests can drive them: `last_box()` is the most recent one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from partner_desk.i18n import _

_last: list[QMessageBox] = []


def button(text: str, on_click: Callable[[], object]) -> QPushButton:
    """A push button that calls `on_click` when clicked."""
    found = QPushButton(text)
    found.clicked.connect(lambda _checked=False: on_click())
    return found


def text_field(name: str, placeholder: str = "", *, secret: bool = False) -> QLineEdit:
    """A line of text named `name` (tests find it by that name), with its placeholder; a `secret`
    one (a password) shows dots."""
    field = QLineEdit()
    field.setObjectName(name)
    if placeholder:
        field.setPlaceholderText(placeholder)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def choice_box(name: str, items: Iterable[tuple[str, Any]], current: Any = None) -> QComboBox:
    """A combo box named `name` (tests find it by that name) of (label, data) items; the item whose
    data is `current` chosen, else the first. Data are kept as strings or None: a Decimal or an enum
    does not survive the round trip through Qt."""
    box = QComboBox()
    box.setObjectName(name)
    for label, data in items:
        box.addItem(label, data)
    if current is not None:
        box.setCurrentIndex(max(box.findData(current), 0))
    return box


def _box(parent: QWidget | None, icon: QMessageBox.Icon, text: str, title: str = "") -> QMessageBox:
    box = QMessageBox(icon, title or _("Partner Desk"), text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    _last[:] = [box]
    return box


def inform(parent: QWidget | None, text: str, title: str = "") -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Information, text, title)
    box.open()
    return box


def warn(parent: QWidget | None, text: str, title: str = "", details: str = "") -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Warning, text, title)
    if details:
        box.setDetailedText(details)
    box.open()
    return box


def confirm(parent: QWidget | None, text: str, on_yes: Callable[[], None], title: str = "",
            yes_label: str = "") -> QMessageBox:
    """Ask before doing something; `on_yes` runs only when the user confirms."""
    box = _box(parent, QMessageBox.Icon.Question, text, title)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    if yes_label:
        box.button(QMessageBox.StandardButton.Yes).setText(yes_label)

    def finished(result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            on_yes()

    box.finished.connect(finished)
    box.open()
    return box


def last_box() -> QMessageBox | None:
    """The most recently opened message box, if it is still open."""
    if not _last:
        return None
    box = _last[0]
    try:
        return box if box.isVisible() else None
    except RuntimeError:  # already deleted
        return None


class SearchField(QLineEdit):
    """A search box that reports its text after the user pauses typing (debounced). Enter reports it
    at once and asks to open the first match (`submitted`); Down asks to move into the table (`down`)."""

    search = Signal(str)
    submitted = Signal()
    down = Signal()

    def __init__(self, parent: QWidget | None = None, delay_ms: int = 150) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("Search…"))
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(lambda: self.search.emit(self.text()))
        self.textChanged.connect(lambda _text: self._timer.start())

    def setPlaceholderText(self, text: str) -> None:
        """The hint, and room enough to read it whole (a translation may run longer than English)."""
        super().setPlaceholderText(text)
        self.setMinimumWidth(min(self.fontMetrics().horizontalAdvance(text) + 48, 460))

    def flush(self) -> None:
        """Report the current text now (Enter, or a test that does not want to wait)."""
        self._timer.stop()
        self.search.emit(self.text())

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            self.submitted.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.flush()
            self.down.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        super().keyPressEvent(event)


def into_table(view: QTableView) -> None:
    """Move the keyboard focus into `view`, on its selected row or else its first one."""
    model = view.model()
    if model is None or model.rowCount() == 0:
        return
    view.setFocus(Qt.FocusReason.OtherFocusReason)
    selection = view.selectionModel()
    if selection is None or not selection.selectedRows():
        view.selectRow(0)
    current = view.currentIndex()
    if not current.isValid():
        view.setCurrentIndex(model.index(0, 0))


class NoFocusFrame(QStyledItemDelegate):
    """Draws items without the focus frame: in a list whose selection already shows where the keyboard
    is (the page list), the frame only adds a box around the text."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus
