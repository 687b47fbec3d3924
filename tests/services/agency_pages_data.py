"""A small data set for the agency list, agency detail, benefit and settings services.

AG01 (USD, anna, offer accepted 2025-01-10): P1 from 2025-01-01, P3 from 2025-04-01
AG02 (EUR, boris, no offer): P2 from 2025-01-01 until 2025-04-10; EUR is 0.8 per USD

March 2025: PAY1 1,000.00 USD subscription (P1) -> AG01 turnover $1,000 -> 15% -> 150.00 USD
            PAY2 50.00 USD numbers (P1) -> not eligible
            PAY3 200.00 EUR subscription (P2) -> 200 / 0.8 = $250 -> 10% -> 20.00 EUR
April 2025: PAY4 600.00 USD (P3) + PAY5 1,200.00 USD (P1), both subscription -> AG01 $1,800 -> 20%
            -> 120.00 + 240.00 = 360.00 USD running commission
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

TODAY = date(2025, 4, 15)

AGENCIES = """
code,name,currency,offer_accepted_at,manager
AG01,Alpha Agency,USD,2025-01-10,anna
AG02,Beta Agency,EUR,,boris
"""
PROJECTS = """
project_id,name,currency,agency_code,connected_at,disconnected_at
P1,Shop One,USD,AG01,2025-01-01,
P2,Shop Two,EUR,AG02,2025-01-01,2025-04-10
P3,Shop Three,USD,AG01,2025-04-01,
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
PAY4,P3,2025-04-03T10:00:00,subscription,600.00,USD
PAY5,P1,2025-04-05T10:00:00,subscription,1200.00,USD
"""


def seed(load: Callable[[str, str], object]) -> None:
    for kind, text in (("agencies", AGENCIES), ("projects", PROJECTS), ("rates", RATES), ("payments", PAYMENTS)):
        load(kind, text)
