"""The settings page's database section: the shared database this computer opens, chosen once.

The choice belongs to the person at this computer (QSettings, not the database) and takes effect at
the next start. `--db` and `PARTNER_DESK_DB` still come first. The URL is kept without its password;
the password goes to the system keyring (`partner_desk/connections.py`), or, where there is none,
is left to libpq's ~/.pgpass or service file, and the section says so.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from partner_desk import connections
from partner_desk.gui import colors
from partner_desk.gui.ops import run_op
from partner_desk.gui.preferences import settings
from partner_desk.gui.widgets import text_field
from partner_desk.i18n import _
from partner_desk.store import migrate
from partner_desk.store.engine import Database

KEY = "database/url"
# a URL is written the same in every language
EXAMPLE_URL = "postgresql+psycopg://partner_desk@db.example.com:5432/partner_desk?sslmode=verify-full"


def remembered() -> str | None:
    """The database chosen in Settings on this computer (without its password), if any."""
    value = settings().value(KEY, "")
    return str(value) if value else None


def check_connection(url: str) -> str:
    """Connect, read the schema's revision, and say what was found (in the window's language)."""
    db = Database(url)
    try:
        revision = migrate.current_revision(db.engine)
    finally:
        db.dispose()
    if revision == migrate.head_revision():
        return _("Connected: the database is set up and current.")
    if revision is None:
        return _("Connected: the database is empty; Partner Desk sets it up at the next start.")
    return _("Connected: the database is older than this version; Partner Desk upgrades it at the next start.")


class ConnectionTab(QWidget):
    """Where the window's data lives: this computer's own file, or a shared PostgreSQL database."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = QLabel(_("This window works on: {url}").format(url=current))
        self.current.setWordWrap(True)
        self.url = QLineEdit(remembered() or "")
        self.url.setObjectName("database_url")
        self.url.setPlaceholderText(EXAMPLE_URL)
        self.password = text_field("database_password", _("kept in the system keyring, never in the settings"),
                                   secret=True)
        form = QFormLayout()
        form.addRow(_("Shared database:"), self.url)
        form.addRow(_("Password of the login:"), self.password)
        self.test_button = QPushButton(_("Test the connection"))
        self.test_button.clicked.connect(self.test)
        self.save_button = QPushButton(_("Use from the next start"))
        self.save_button.clicked.connect(self.save)
        self.forget_button = QPushButton(_("Use this computer's own database"))
        self.forget_button.setToolTip(_("Forget the shared database: the next start opens the file in your "
                                        "data folder"))
        self.forget_button.clicked.connect(self.forget)
        buttons = QHBoxLayout()
        for button in (self.test_button, self.save_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        note = QLabel(_("The choice is kept on this computer and takes effect at the next start; --db and "
                        "PARTNER_DESK_DB come first. A team's database is set up as docs/team.md says."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(note)
        layout.addStretch(1)

    def _typed(self) -> str | None:
        text = self.url.text().strip()
        if not text:
            self._say(_("Write the URL of the shared database first."), error=True)
            return None
        try:
            connections.parsed(text)
        except connections.BadConnection:
            self._say(_("“{text}” is not a database URL: write it as postgresql+psycopg://USER@HOST/DATABASE").format(
                text=text), error=True)
            return None
        return text

    def _with_typed_password(self, text: str) -> str:
        secret = self.password.text()
        if secret and connections.is_postgresql(text):
            return connections.parsed(text).set(password=secret).render_as_string(hide_password=False)
        return connections.with_password(text)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(colors.RED if error else "")
        self.status.setText(text)

    def test(self) -> None:
        text = self._typed()
        if text is None:
            return
        url = self._with_typed_password(text)
        self._say(_("Connecting…"))
        run_op(self, lambda _p: check_connection(url), self._say,
               lambda exc: self._say(_("Cannot connect: {error}").format(error=str(exc).splitlines()[0]),
                                     error=True), quiet=True)

    def save(self) -> None:
        text = self._typed()
        if text is None:
            return
        settings().setValue(KEY, connections.without_password(text))
        said = [_("Partner Desk opens this database from the next start.")]
        secret = self.password.text() or connections.parsed(text).password
        if secret and connections.is_postgresql(text):
            problem = connections.store_password(text, secret)
            if problem is None:
                said.append(_("The password is kept in the system keyring."))
            else:
                said.append(_("There is no system keyring here, so the password was not stored: put it in "
                              "~/.pgpass (or a libpq service file), as docs/team.md shows."))
        self.password.clear()
        self.url.setText(connections.without_password(text))
        self._say(" ".join(said), error=len(said) > 1 and not connections.has_keyring())

    def forget(self) -> None:
        found = remembered()
        if found:
            connections.forget_password(found)
        settings().remove(KEY)
        self.url.clear()
        self._say(_("The next start opens this computer's own database."))
