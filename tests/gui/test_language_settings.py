"""The language and the number and date format chosen in Settings: kept in QSettings, in force from
the next start, overridden by PARTNER_DESK_LANG."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QDialogButtonBox

from partner_desk import i18n
from partner_desk.gui import language
from partner_desk.gui.app import set_language
from partner_desk.gui.context import AppContext
from partner_desk.gui.main_window import MainWindow
from partner_desk.gui.pages.settings_connection import ConnectionTab
from partner_desk.gui.pages.settings_language import LanguageTab
from partner_desk.gui.preferences import settings
from tests.gui.agency_data import people


@pytest.fixture(autouse=True)
def own_settings(qapp, tmp_path, monkeypatch) -> Iterator[None]:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.delenv(language.ENVIRONMENT, raising=False)
    language.apply(language.Choice("en", "en_US"))
    yield
    language.apply(language.Choice("en", "en_US"))


def start(qtbot, ctx: AppContext) -> MainWindow:
    """What a start of the application does: the language first, then the window."""
    set_language(language.resolve(settings()))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def language_tab(window: MainWindow) -> LanguageTab:
    page = window.show_page("settings")
    tab = page.findChild(LanguageTab)
    assert tab is not None
    return tab


def test_the_language_chosen_in_settings_is_spoken_after_a_restart(qtbot, db) -> None:
    ctx = AppContext(db, people(db)["anna"])  # a manager chooses their own language too
    window = start(qtbot, ctx)
    assert i18n.current_language() == "en" or language.system_locale().startswith("uk")
    tab = language_tab(window)
    tab.choose("uk")
    assert "takes effect the next time Partner Desk starts" in tab.info.text()
    assert i18n.current_language() == "en" or language.system_locale().startswith("uk")  # not yet
    window.close()

    again = start(qtbot, ctx)
    assert i18n.current_language() == "uk"
    assert i18n.current_locale() == "uk_UA"
    assert QLocale().name() == "uk_UA"
    assert language_tab(again).language.currentData() == "uk"
    assert again.nav.item(1).text() == "Агентства"
    assert again.windowTitle() == "Partner Desk"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Скасувати"  # Qt's own, too


def test_formats_are_chosen_apart_and_the_environment_overrides_both(qtbot, db) -> None:
    window = start(qtbot, AppContext(db, people(db)["admin"]))
    language_tab(window).choose("en", "uk_UA")
    window.close()
    assert language.resolve(settings()) == language.Choice("en", "uk_UA")
    # a script asks for Ukrainian whatever was chosen
    assert language.resolve(settings(), environment="uk") == language.Choice("uk", "uk_UA", overridden=True)
    # back to the defaults: the system's language (English when there is no catalog of it) and formats
    language.save(settings(), "", "")
    assert language.resolve(settings(), system="pl_PL") == language.Choice("en", "pl_PL")
    assert language.resolve(settings(), system="uk_UA") == language.Choice("uk", "uk_UA")
    assert language.resolve(settings(), system="en_GB") == language.Choice("en", "en_GB")


def test_a_shared_database_url_that_is_none_is_refused_in_the_windows_language(qtbot, ukrainian) -> None:
    tab = ConnectionTab("sqlite:///here.db")
    qtbot.addWidget(tab)
    tab.url.setText("the office server")
    tab.test()
    assert tab.status.text() == ("«the office server» — не адреса бази даних: напишіть її як "
                                 "postgresql+psycopg://КОРИСТУВАЧ@СЕРВЕР/БАЗА")
