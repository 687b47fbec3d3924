"""Sign-in and first-run dialogs. Each has `submit()`, which tests call instead of clicking OK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import Actor, Role
from partner_desk.gui import colors
from partner_desk.gui.amount_field import AmountField, watch_fields
from partner_desk.gui.ops import failure_text, run_op, show_error
from partner_desk.gui.widgets import text_field
from partner_desk.i18n import _
from partner_desk.refusal_text import shown_error
from partner_desk.services import users
from partner_desk.store.engine import Database


class FormShell(QDialog):
    """A dialog of an intro, a form, an error line and OK/Cancel; OK calls `submit()`. The buttons
    go below whatever a subclass adds to `body` when it adds them."""

    def __init__(self, title: str, intro: str, parent: QWidget | None, width: int = 440) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.body = QVBoxLayout(self)
        if intro:
            info = QLabel(intro)
            info.setWordWrap(True)
            self.body.addWidget(info)
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(colors.RED)
        self.error.hide()
        self.body.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def submit(self) -> None:
        raise NotImplementedError


class BackgroundDialog(FormShell):
    """A `FormShell` whose OK reads the fields on the GUI thread (`prepare`, UserError for a wrong
    one) and runs `run(values)` in the background; while it runs, OK is disabled and a second press
    does nothing. Subclasses say what success and failure do (`succeeded`, `refused`, `failed`)."""

    quiet = False  # run without the window-modal progress dialog

    def __init__(self, title: str, intro: str, parent: QWidget | None, width: int) -> None:
        super().__init__(title, intro, parent, width)
        self.busy = False

    def prepare(self) -> Any:
        """Read the fields on the GUI thread; raise UserError for a field that is wrong."""
        return None

    def run(self, values: Any) -> Any:
        """The background part: call the service with the values `prepare` read; runs on a pool thread."""
        raise NotImplementedError

    def submit(self) -> None:
        if self.busy:
            return
        try:
            values = self.prepare()
        except UserError as exc:
            self.refused(exc)
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.started(values)
        run_op(self, lambda _progress: self.run(values), self._done, self._failed, quiet=self.quiet)

    def started(self, values: Any) -> None:
        """Said on the GUI thread when the background part starts."""

    def _done(self, result: Any) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.succeeded(result)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.failed(exc)

    def succeeded(self, result: Any) -> None:
        self.accept()

    def refused(self, exc: UserError) -> None:
        """A field was wrong: nothing ran."""
        self.show_error(shown_error(exc))

    def failed(self, exc: Exception) -> None:
        """The service refused: its reasons in the window's language."""
        self.show_error(shown_error(exc))


class _CredentialsDialog(BackgroundDialog):
    """A name and a password, checked off the GUI thread (Argon2 is slow on purpose).

    `submit()` starts the check; `attempted(ok)` is emitted when it is done, and the dialog is
    accepted when it succeeded. Tests call `submit()` and wait for `attempted`.
    """

    attempted = Signal(bool)
    quiet = True

    def __init__(self, db: Database, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, parent, 420)
        self.db = db
        self.actor: Actor | None = None
        self.name = text_field("name")
        self.password = text_field("password", secret=True)
        self.form.addRow(_("User name:"), self.name)
        self.form.addRow(_("Password:"), self.password)
        db_label = QLabel(_("Database: {url}").format(url=db.url))
        db_label.setStyleSheet("color: gray;")
        db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(db_label)
        self.body.addWidget(self.buttons)

    def show_error(self, text: str) -> None:
        super().show_error(text)
        self.adjustSize()  # a long reason (a locked account) needs the room

    def prepare(self) -> tuple[str, str]:
        """The fields, read on the GUI thread; UserError for a field that is wrong."""
        return self.name.text().strip(), self.password.text()

    def started(self, values: Any) -> None:
        self.show_error(_("Signing in…"))

    def succeeded(self, result: Any) -> None:
        self.error.hide()
        self.actor = result
        self.accept()
        self.attempted.emit(True)

    def refused(self, exc: UserError) -> None:
        self.failed(exc)

    def failed(self, exc: Exception) -> None:
        # a refusal as it is; anything else (a busy database, an error nobody foresaw) as the window
        # says it everywhere: one line naming the action, and the log file its details went to
        self.show_error(shown_error(exc) if isinstance(exc, UserError) else failure_text(exc, self.windowTitle()))
        self.password.selectAll()
        self.password.setFocus()
        self.attempted.emit(False)


class SignInDialog(_CredentialsDialog):
    """Sign in with a user name and password."""

    def __init__(self, db: Database, parent: QWidget | None = None, name: str = "") -> None:
        super().__init__(db, _("Sign in to Partner Desk"), _("Sign in with your Partner Desk account."), parent)
        self.name.setText(name)
        (self.password if name else self.name).setFocus()

    def run(self, values: tuple[str, str]) -> Actor:
        name, password = values
        return users.sign_in(self.db, name, password)


class FirstRunDialog(_CredentialsDialog):
    """On a database with no users: create the first user, an admin, and sign in as them."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(
            db, _("Create the administrator"),
            _("This database has no users yet. Create the first account: it gets the admin role "
              "and can add the other users in Settings."),
            parent,
        )
        self.repeat = text_field("repeat", secret=True)
        self.form.addRow(_("Repeat password:"), self.repeat)
        self.name.setFocus()

    def prepare(self) -> tuple[str, str]:
        if self.password.text() != self.repeat.text():
            raise UserError(_("the two passwords differ"))
        return super().prepare()

    def run(self, values: tuple[str, str]) -> Actor:
        name, password = values
        users.add_user(self.db, users.SETUP_ACTOR, name, Role.ADMIN, password)
        return users.sign_in(self.db, name, password)


class FormDialog(BackgroundDialog):
    """A small form whose OK runs `run()` in the background; an error stays in the dialog.

    Tests fill the fields and call `submit()`, then wait for `finished`; `result_value` holds what
    `run()` returned.
    """

    def __init__(self, title: str, intro: str = "", parent: QWidget | None = None,
                 ok_label: str = "") -> None:
        super().__init__(title, intro, parent, 440)
        self.result_value: object = None
        self.values: Any = None  # what `prepare()` read from the fields, once OK was pressed
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if ok_label:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_label)
        self.body.addWidget(self.buttons)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def watch(self, fields: list[tuple[str, AmountField]]) -> Callable[[], None]:
        """Keep OK disabled, the reasons as its tooltip, while an amount field is not valid; the dialog
        is wide enough for the amount as recorded (or the reason it is not) beside each field."""
        self.setMinimumWidth(max(self.minimumWidth(), 640))
        return watch_fields(fields, self.ok_button())

    def started(self, values: Any) -> None:
        self.values = values

    def succeeded(self, result: Any) -> None:
        self.result_value = result
        self.accept()

    def failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            self.show_error(shown_error(exc))
        else:
            show_error(self, exc, action=self.windowTitle())
