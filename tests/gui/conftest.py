"""The page tests run on the data set's own day: the product's clock stands at 15 April 2025."""

from __future__ import annotations

from collections.abc import Callable

import pytest

GUI_NOW = "2025-04-15T09:00:00Z"


@pytest.fixture(autouse=True)
def _the_data_sets_day(clock: Callable[[str], None]) -> None:
    clock(GUI_NOW)
