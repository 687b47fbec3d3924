"""Setting the product's clock (PARTNER_DESK_NOW) for longer than one test, e.g. in a module fixture.

Within one test, use the `clock` fixture of tests/conftest.py instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from partner_desk.domain.clock import ENV_NOW


@contextmanager
def clock_at(when: str) -> Iterator[None]:
    """The product's clock stands at `when` inside the block."""
    before = os.environ.get(ENV_NOW)
    os.environ[ENV_NOW] = when
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_NOW, None)
        else:
            os.environ[ENV_NOW] = before
