"""The page tests run on the data set's own day: the product's clock stands at 15 April 2025."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

GUI_NOW = "2025-04-15T09:00:00Z"


@pytest.fixture(autouse=True)
def _the_data_sets_day(clock: Callable[[str], None]) -> None:
    clock(GUI_NOW)


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path) -> None:
    """What the window remembers on this computer (Qt settings) goes to the test's own folder."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
