"""Starting the window from a script: `--user NAME` with PARTNER_DESK_PASSWORD signs in at once, in
the language PARTNER_DESK_LANG asks for."""

from __future__ import annotations

import gc

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from partner_desk import i18n
from partner_desk.domain.roles import SETUP, Role
from partner_desk.gui import language
from partner_desk.gui.app import COLLECT_AFTER, run_gui
from partner_desk.gui.main_window import MainWindow
from partner_desk.services.users import add_user

PASSWORD = "correct horse battery"


def test_a_script_opens_the_window_signed_in_and_in_ukrainian(qtbot, db, tmp_path, monkeypatch) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    add_user(db, SETUP, "ada", Role.ADMIN, PASSWORD)
    monkeypatch.setenv("PARTNER_DESK_PASSWORD", PASSWORD)
    monkeypatch.setenv(language.ENVIRONMENT, "uk")
    seen: dict[str, object] = {}
    app = QApplication.instance()
    assert app is not None

    def look() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, look)
            return
        seen["user"] = windows[0].ctx.user_name
        seen["language"] = (i18n.current_language(), i18n.current_locale())
        # the collector as a long-running window wants it: what start-up made set aside, passes rarer
        seen["collector"] = (gc.get_threshold()[0], gc.get_freeze_count() > 0)
        windows[0].close()

    QTimer.singleShot(50, look)
    safety = QTimer()  # never hang the suite
    safety.setSingleShot(True)
    safety.timeout.connect(app.quit)
    safety.start(30_000)
    try:
        assert run_gui(db.engine.url.render_as_string(hide_password=False), "ada") == 0
    finally:
        safety.stop()
        language.apply(language.Choice("en", "en_US"))
    assert seen == {"user": "ada", "language": ("uk", "uk_UA"), "collector": (COLLECT_AFTER, True)}
