"""The data set of the agency page tests: tests/services/agency_pages_data.py explains the figures.

AG01 (USD, anna): March $1,000 -> 15% -> 150.00 USD; April running $1,800 -> 20% -> 360.00 USD.
AG02 (EUR, boris, no offer): March 200 EUR = $250 -> 10% -> 20.00 EUR; its project left on 2025-04-10.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.imports import import_file
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database
from tests.services.agency_pages_data import AGENCIES, PAYMENTS, PROJECTS, RATES, TODAY

PASSWORD = "correct horse battery"

__all__ = ["PASSWORD", "TODAY", "people", "seed"]


def seed(db: Database, write_csv: Callable[..., Path]) -> None:
    for kind, text in (("agencies", AGENCIES), ("projects", PROJECTS), ("rates", RATES), ("payments", PAYMENTS)):
        import_file(db, SETUP, kind, write_csv(text, f"{kind}.csv"))


def people(db: Database) -> dict[str, Actor]:
    """An admin, a manager (anna) and a finance user (fiona)."""
    admin = add_user(db, SETUP, "admin", Role.ADMIN, PASSWORD)
    return {
        "admin": admin,
        "anna": add_user(db, admin, "anna", Role.MANAGER, PASSWORD),
        "fiona": add_user(db, admin, "fiona", Role.FINANCE, PASSWORD),
    }
