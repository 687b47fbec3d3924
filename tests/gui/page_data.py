"""A small data set for the accruals, withdrawals, import and statements page tests.

Three agencies, AG01 and AG02 with one project each, March 2025 payments (AG03 has no project):
  AG01 (USD): PAY1 1,000.00 USD subscription -> turnover $1,000 -> 15% -> commission 150.00 USD
              PAY2 50.00 USD numbers -> not eligible
  AG02 (EUR): PAY3 200.00 EUR subscription -> $250 at 0.8 EUR per USD -> 10% -> 20.00 EUR
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.imports import import_file
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database

PASSWORD = "correct horse battery"

AGENCIES = """
code,name,currency,offer_accepted_at,manager
AG01,Alpha Agency,USD,2025-01-10,anna
AG02,Beta Agency,EUR,,boris
"""
# an agency with no projects: it has no lines in any period
IDLE_AGENCY = """
code,name,currency
AG03,Gamma Studio,PLN
"""
PROJECTS = """
project_id,name,currency,agency_code,connected_at
P1,Shop One,USD,AG01,2025-01-01
P2,Shop Two,EUR,AG02,2025-01-01
"""
RATES = """
date,currency,per_usd
2025-01-01,EUR,0.8
"""
PAYMENTS = """
payment_id,project_id,paid_at,service,amount,currency
PAY1,P1,2025-03-05T10:00:00,subscription,1000.00,USD
PAY2,P1,2025-03-06T10:00:00,numbers,50.00,USD
PAY3,P2,2025-03-10T10:00:00,subscription,200.00,EUR
"""


def seed(db: Database, write_csv: Callable[..., Path]) -> None:
    """Import the data set as the set-up actor."""
    for kind, text in (("agencies", AGENCIES), ("agencies", IDLE_AGENCY), ("projects", PROJECTS),
                       ("rates", RATES), ("payments", PAYMENTS)):
        import_file(db, SETUP, kind, write_csv(text))


def people(db: Database) -> dict[str, Actor]:
    """An admin, a manager (anna) and two finance users (fiona, felix)."""
    admin = add_user(db, SETUP, "admin", Role.ADMIN, PASSWORD)
    return {
        "admin": admin,
        "anna": add_user(db, admin, "anna", Role.MANAGER, PASSWORD),
        "fiona": add_user(db, admin, "fiona", Role.FINANCE, PASSWORD),
        "felix": add_user(db, admin, "felix", Role.FINANCE, PASSWORD),
    }
