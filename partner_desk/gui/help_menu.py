"""The window's Help menu: the list of keyboard shortcuts, in the reader's language."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMainWindow, QVBoxLayout, QWidget

from partner_desk.gui.registry import PageSpec
from partner_desk.i18n import _


def shortcuts(specs: list[PageSpec]) -> list[tuple[str, str]]:
    """(keys, what they do) for every shortcut of the window, the pages' first."""
    rows = [(f"Ctrl+{i + 1}", _("Open the page {page}").format(page=spec.label))
            for i, spec in enumerate(specs[:9])]
    return [
        *rows,
        ("Ctrl+F", _("Put the cursor in the page's search field (on the agency page: go to agency)")),
        (_("Enter (in a search field)"), _("Open the first (or only) match")),
        (_("Down (in a search field)"), _("Move into the table")),
        (_("Tab"), _("Move between the page list, the fields and the table")),
        ("F5", _("Reload the page")),
        ("Ctrl+Shift+L", _("Sign out")),
        (QKeySequence(QKeySequence.StandardKey.Quit).toString() or "Ctrl+Q", _("Quit")),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, specs: list[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows = "".join(f"<tr><td style='padding-right:16px'><b>{html.escape(keys)}</b></td>"
                       f"<td>{html.escape(what)}</td></tr>" for keys, what in shortcuts(specs))
        self.table = QLabel(f"<table>{rows}</table>")
        self.table.setObjectName("shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def add_help_menu(window: QMainWindow, specs: list[PageSpec]) -> QAction:
    """Help → Keyboard shortcuts (F1); returns the action."""
    menu = window.menuBar().addMenu(_("&Help"))
    action = QAction(_("Keyboard shortcuts…"), window)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.triggered.connect(lambda: open_shortcuts(window, specs))
    menu.addAction(action)
    window.addAction(action)
    return action


def open_shortcuts(window: QMainWindow, specs: list[PageSpec]) -> ShortcutsDialog:
    dialog = ShortcutsDialog(specs, window)
    dialog.setObjectName("shortcuts_dialog")
    dialog.open()  # the window is its parent: it lives as long as the window
    return dialog
