"""Which agency a project is connected to at a moment (SPEC section 3): the one rule, in one place.

A connection counts at `moment` when it began at or before it and had not ended by it:
connected_at <= moment < disconnected_at (an open connection has no end). Both forms below say
exactly that: `connected_at` for SQL (the accrual queries, a project payment, the agency pages) and
`is_connected` for rows already in memory; a test holds them to the same answer, first and last
moments included.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_

from partner_desk.domain import clock


def connected_at(connection: Any, moment: Any) -> ColumnElement[bool]:
    """SQL: `connection` (the Connection entity or an alias of it) is in force at `moment` (a column,
    such as a payment's paid_at, or a value)."""
    return and_(
        connection.connected_at <= moment,
        or_(connection.disconnected_at.is_(None), moment < connection.disconnected_at),
    )


def is_connected(connected: datetime, disconnected: datetime | None, moment: datetime) -> bool:
    """In memory: a connection from `connected` until `disconnected` (None: still open) is in force at
    `moment`."""
    return connected <= moment and (disconnected is None or moment < disconnected)


def view_moment(as_of: date | None, tz: ZoneInfo) -> datetime:
    """The moment a page's connections are shown at: now by the product's clock, or the start of the
    day `as_of` in the company time zone."""
    if as_of is None:
        return clock.now()
    return datetime(as_of.year, as_of.month, as_of.day, tzinfo=tz)
