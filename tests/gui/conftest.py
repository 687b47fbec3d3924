"""The page tests run on the data set's own day: the product's clock stands at 15 April 2025."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
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


@pytest.fixture(autouse=True)
def _collector_as_python_sets_it() -> Iterator[None]:
    """A test that starts the window (`run_gui`) leaves the collector tuned for one; the next test
    runs with it as Python sets it."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
