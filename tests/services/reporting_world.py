"""Four agencies whose balances are in four currencies, for the reporting currency's tests.

    AG-JPY  ¥4,615,274       JPY 150 per USD      -> $30,768.49  (4,615,274 / 150 = 30,768.4933…)
    AG-KWD  KWD 779.000      KWD 0.307 per USD    -> $2,537.46   (779 / 0.307 = 2,537.4592…)
    AG-UAH  UAH 3,480.10     UAH 41.5 per USD     -> $83.86      (3,480.10 / 41.5 = 83.8578…)
    AG-EUR  €1,000.00        EUR 0.92 per USD     -> $1,086.96   (1,000 / 0.92 = 1,086.9565…)
    AG-PLN  PLN 500.00       no PLN rate          -> no equivalent

By their own numbers KWD 779 is the smallest and ¥4.6 million the largest; by value the order is
UAH, EUR, KWD, JPY. Rates are dated 2025-01-01; the clock stands at 2025-04-15.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Rate
from tests.services.money_world import credit

BALANCES = {"AG-JPY": ("JPY", "4615274"), "AG-KWD": ("KWD", "779.000"), "AG-UAH": ("UAH", "3480.10"),
            "AG-EUR": ("EUR", "1000.00"), "AG-PLN": ("PLN", "500.00")}
RATES = {"JPY": "150", "KWD": "0.307", "UAH": "41.5", "EUR": "0.92"}
RATE_DAY = date(2025, 1, 1)


def populate(db: Database) -> None:
    """The agencies, their rates and their balances (an accrual credit each)."""
    with db.write() as s:
        for code, (currency, _amount) in BALANCES.items():
            s.add(Agency(code=code, name=f"Agency in {currency}", currency=currency))
        for currency, per_usd in RATES.items():
            s.add(Rate(currency=currency, day=RATE_DAY, per_usd=Decimal(per_usd)))
    for code, (_currency, amount) in BALANCES.items():
        credit(db, code, amount)
