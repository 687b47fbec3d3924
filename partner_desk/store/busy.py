"""The refusal a write gives when another writer holds the database too long (store/engine.py raises
it). It needs no database library, so the command line can catch it without loading one."""

from __future__ import annotations

BUSY = "the database is busy: another user or program is writing to it; try again"


class DatabaseBusy(Exception):
    """Another writer held the database longer than a write waits. Not a refusal of the action:
    nothing was attempted, and nothing (not even an audit record) could be written."""

    def __init__(self) -> None:
        super().__init__(BUSY)
