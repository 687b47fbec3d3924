"""The levels of a commission table version, one row each: from a USD turnover, a percent.

Each threshold is an amount field (USD, zero or more), so "1,500" and "1 500" are read as the
display locale writes them and shown as they will be recorded; the percent is read in the same
locale ("12,5" in Ukrainian). The rules of a table (percents between 0 and 100, no threshold twice)
are the tiers import's, which the service applies.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import USD
from partner_desk.gui.amount_field import AmountField
from partner_desk.gui.amount_text import AmountProblem, Sign, read_percent
from partner_desk.i18n import _, number, percent


class LevelsEditor(QWidget):
    """Rows of (threshold in USD, percent), with a button to add a row and one to remove each."""

    changed = Signal()

    def __init__(self, levels: list[tuple[Decimal, Decimal]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[AmountField, QLineEdit, QPushButton]] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.addWidget(QLabel(_("From turnover (USD)")), 0, 0)
        self.grid.addWidget(QLabel(_("Percent")), 0, 1)
        self.add_button = QPushButton(_("Add a level"))
        self.add_button.clicked.connect(lambda: self.add_row())
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addLayout(bar)
        for threshold, value in levels:
            self.add_row(threshold, value)

    def add_row(self, threshold: Decimal | None = None, value: Decimal | None = None) -> None:
        field = AmountField(USD, Sign.NOT_NEGATIVE, self)
        rate = QLineEdit()
        rate.setMaximumWidth(80)
        remove = QPushButton("✕")
        remove.setToolTip(_("Remove this level"))
        remove.setMaximumWidth(32)
        if threshold is not None:
            field.setText(field_text(threshold))
        if value is not None:
            rate.setText(percent(value).rstrip("%"))
        row = len(self.rows) + 1
        self.grid.addWidget(field, row, 0)
        self.grid.addWidget(rate, row, 1)
        self.grid.addWidget(remove, row, 2)
        entry = (field, rate, remove)
        self.rows.append(entry)
        field.changed.connect(self.changed)
        rate.textChanged.connect(lambda _text: self.changed.emit())
        remove.clicked.connect(lambda: self.remove_row(entry))
        self.changed.emit()

    def remove_row(self, entry: tuple[AmountField, QLineEdit, QPushButton]) -> None:
        self.rows.remove(entry)
        for widget in entry:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self.changed.emit()

    def set_texts(self, rows: list[tuple[str, str]]) -> None:
        """Replace every row by typed texts (threshold, percent), as a user would type them."""
        for entry in list(self.rows):
            self.remove_row(entry)
        for threshold, value in rows:
            self.add_row()
            field, rate, _remove = self.rows[-1]
            field.setText(threshold)
            rate.setText(value)

    def problems(self) -> list[str]:
        """What is wrong with the rows as typed, each naming its level; empty when they can be sent."""
        if not self.rows:
            return [_("a table needs at least one level")]
        found = []
        for n, (field, rate, _remove) in enumerate(self.rows, start=1):
            if field.value() is None:
                found.append(_("level {n}: from: {problem}").format(n=n, problem=field.problem()))
            try:
                read_percent(rate.text())
            except AmountProblem as exc:
                found.append(_("level {n}: percent: {problem}").format(n=n, problem=exc))
        return found

    def levels(self) -> list[tuple[Decimal, Decimal]]:
        """The levels as the service takes them, or a UserError listing every problem."""
        problems = self.problems()
        if problems:
            raise UserError("\n".join(problems))
        return [(field.amount(), read_percent(rate.text())) for field, rate, _remove in self.rows]


def field_text(value: Decimal) -> str:
    """How a threshold is written in the display locale, as it would be typed ("1,500", "1 500")."""
    digits = 0 if value == value.to_integral_value() else 2
    return number(value, digits)
