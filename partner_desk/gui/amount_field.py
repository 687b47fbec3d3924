"""The one field every dialog that takes money uses.

Beside the text, as the user types, it shows the amount exactly as it will be recorded (formatted
with its currency) and what it is worth in USD at today's rate, or, in red, why the text is not an
amount the dialog takes. A dialog's confirming button stays disabled while any of its amount fields
is not valid, with the reason as its tooltip (`FormDialog.watch`). Services receive the `Decimal`
of `amount()`, never the text.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from partner_desk.domain.errors import MissingRates, UserError
from partner_desk.domain.money import USD
from partner_desk.gui import colors
from partner_desk.gui.amount_text import AmountProblem, Sign, example, read_amount
from partner_desk.gui.ops import run_op
from partner_desk.i18n import _, money
from partner_desk.refusal_text import shown_error
from partner_desk.services.ledger import Conversion, usd_conversion
from partner_desk.store.engine import Database

MUTED = "color: #555555;"


class AmountField(QWidget):
    """A money amount in `currency`, read strictly in the display locale."""

    # the text was read again (after every edit): tests and dialogs follow it
    changed = Signal()

    def __init__(self, currency: str, sign: Sign = Sign.POSITIVE, parent: QWidget | None = None,
                 locale: str | None = None) -> None:
        super().__init__(parent)
        self.currency = currency
        self.sign = sign
        self.number_locale = locale
        self.conversion: Conversion | None = None
        self.conversion_note = ""
        self.edit = QLineEdit()
        self.edit.setObjectName("amount_text")
        self.edit.setPlaceholderText(example(currency, locale))
        self.edit.setMinimumWidth(140)
        self.edit.setMaximumWidth(190)
        self.preview = QLabel()
        self.preview.setObjectName("amount_preview")
        self.preview.setWordWrap(True)
        self.preview.setMinimumWidth(300)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.preview, 1)
        self._value: Decimal | None = None
        self._problem = ""
        self.edit.textChanged.connect(lambda _text: self._read())
        self._read()

    # the text -----------------------------------------------------------------------------------
    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def text(self) -> str:
        return self.edit.text()

    def value(self) -> Decimal | None:
        """The amount as it will be recorded, or None while the text is not one."""
        return self._value

    def problem(self) -> str:
        """Why the text is not an amount the dialog takes; empty when it is one."""
        return self._problem

    def amount(self) -> Decimal:
        """The amount, or a UserError saying why there is none (for a dialog's `prepare`)."""
        if self._value is None:
            raise UserError(_("Amount: {problem}").format(problem=self._problem))
        return self._value

    # the USD value ------------------------------------------------------------------------------
    def set_conversion(self, conversion: Conversion | None, note: str = "") -> None:
        """Show the USD value through `conversion` (the services' own); `note` says why there is none."""
        self.conversion = conversion
        self.conversion_note = note
        self._show()

    def usd_value(self) -> Decimal | None:
        if self._value is None or self.conversion is None:
            return None
        return self.conversion(self._value)

    # reading and showing ------------------------------------------------------------------------
    def _read(self) -> None:
        try:
            self._value = read_amount(self.edit.text(), self.currency, self.sign, self.number_locale)
            self._problem = ""
        except AmountProblem as exc:
            self._value = None
            self._problem = str(exc)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        if self._value is None:
            empty = not self.edit.text().strip()
            self.preview.setTextFormat(Qt.TextFormat.PlainText)  # the reason quotes what was typed
            self.preview.setStyleSheet(MUTED if empty else colors.RED)
            self.preview.setText(_("Type the amount in {currency}, e.g. {example}").format(
                currency=self.currency, example=example(self.currency, self.number_locale)) if empty else self._problem)
            return
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setStyleSheet("")
        lines = [_("Recorded as <b>{amount}</b>").format(amount=money(self._value, self.currency, self.number_locale))]
        worth = self.usd_value()
        if self.currency == USD:
            pass
        elif worth is not None:
            lines.append(_("worth {usd} at today's rate").format(usd=money(worth, USD, self.number_locale)))
        elif self.conversion_note:
            lines.append(html.escape(self.conversion_note))
        self.preview.setText("<br>".join(lines))


def watch_fields(fields: list[tuple[str, AmountField]], button: QWidget, tip: str = "",
                 extra: Callable[[], list[str]] | None = None) -> Callable[[], None]:
    """Keep `button` disabled, with the reasons as its tooltip, while a field is not valid.

    `fields` pairs each field with the label naming it in the reasons; `extra` adds other reasons.
    Returns the function that updates the button (call it when something else changed).
    """

    def update() -> None:
        reasons = [f"{label}: {field.problem()}" if label else field.problem()
                   for label, field in fields if field.value() is None]
        if extra is not None:
            reasons += extra()
        button.setEnabled(not reasons)
        button.setToolTip("\n".join(reasons) if reasons else tip)

    for _label, field in fields:
        field.changed.connect(update)
    update()
    return update


def load_usd_rate(field: AmountField, db: Database) -> None:
    """Fetch today's conversion of the field's currency to USD in the background, then show it."""

    if field.currency == USD:
        return
    currency = field.currency

    def failed(exc: Exception) -> None:
        note = (_("no {currency} exchange rate today: its USD value cannot be shown").format(currency=currency)
                if isinstance(exc, MissingRates)
                else _("its USD value cannot be shown: {error}").format(error=shown_error(exc)))
        with contextlib.suppress(RuntimeError):  # the dialog was closed meanwhile
            field.set_conversion(None, note)

    def done(conversion: Conversion) -> None:
        with contextlib.suppress(RuntimeError):
            field.set_conversion(conversion)

    run_op(None, lambda _p: usd_conversion(db, currency), done, failed, quiet=True)
