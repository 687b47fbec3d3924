"""The reporting currency: each amount's equivalent at today's rate (the double conversion a project
payment uses, rounded once), a missing rate kept missing, grand totals, and the setting itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.balances import balances
from partner_desk.services.guard import Refused
from partner_desk.services.reporting import reporting, reporting_choices, set_reporting_currency
from partner_desk.services.setup import init_database
from partner_desk.services.users import add_user
from partner_desk.store.engine import Database
from tests.services.reporting_world import BALANCES, populate

TODAY = date(2025, 4, 15)


@pytest.fixture
def rdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock("2025-04-15T09:00:00Z")
    database = Database(f"sqlite:///{tmp_path / 'reporting.db'}")
    init_database(database)
    populate(database)
    yield database
    database.dispose()


def test_each_balance_in_usd_at_todays_rate(rdb: Database) -> None:
    found = reporting(rdb, [c for c, _a in BALANCES.values()])
    assert (found.currency, found.day) == ("USD", TODAY)
    rows = {b.code: found.equivalent(b.position.balance, b.position.currency) for b in balances(rdb)}
    assert rows == {
        "AG-JPY": Decimal("30768.49"),  # 4,615,274 / 150 = 30,768.4933…
        "AG-KWD": Decimal("2537.46"),  # 779 / 0.307 = 2,537.4592…
        "AG-UAH": Decimal("83.86"),  # 3,480.10 / 41.5 = 83.8578…
        "AG-EUR": Decimal("1086.96"),  # 1,000 / 0.92 = 1,086.9565…
        "AG-PLN": None,  # no PLN rate: missing, never zero
    }
    assert found.reason("PLN") == "no exchange rate of PLN on or before 2025-04-15"
    assert found.reason("EUR") is None
    # sorted by value, KWD 779 comes above UAH 3,480.10 and below EUR 1,000
    by_value = sorted((k for k, v in rows.items() if v is not None), key=lambda k: rows[k] or 0)
    assert by_value == ["AG-UAH", "AG-EUR", "AG-KWD", "AG-JPY"]


def test_the_grand_total_converts_each_currency_total_once(rdb: Database) -> None:
    found = reporting(rdb, ["JPY", "KWD", "UAH", "EUR", "USD"])
    totals = {"EUR": Decimal("1000.00"), "JPY": Decimal("4615274"), "KWD": Decimal("779.000"),
              "UAH": Decimal("3480.10"), "USD": Decimal("10.00")}
    # 1,086.96 + 30,768.49 + 2,537.46 + 83.86 + 10.00 = 34,486.77
    assert found.total(totals) == Decimal("34486.77")
    # two EUR amounts are totalled first, then converted once: 0.01 + 0.01 = 0.02 EUR -> $0.02
    # (each alone is 0.01 / 0.92 = $0.0108… -> $0.01; the total 0.02 / 0.92 = $0.0217… -> $0.02)
    assert found.total({"EUR": Decimal("0.02")}) == Decimal("0.02")
    assert found.total({}) == Decimal(0)
    # a total with a currency without a rate has no grand total, and says why
    with_pln = {**totals, "PLN": Decimal("500.00")}
    missing = reporting(rdb, with_pln)
    assert missing.total(with_pln) is None
    assert missing.total_reason(with_pln) == "no exchange rate of PLN on or before 2025-04-15"


def test_reporting_in_hryvnias(rdb: Database) -> None:
    set_reporting_currency(rdb, SETUP, "UAH")
    found = reporting(rdb, ["EUR", "UAH", "USD", "PLN"])
    assert found.currency == "UAH"
    # 1,000 EUR / 0.92 x 41.5 = 45,108.6956… -> 45,108.70 UAH; UAH stays as it is; $10 x 41.5 = 415.00
    assert found.equivalent(Decimal("1000.00"), "EUR") == Decimal("45108.70")
    assert found.equivalent(Decimal("3480.10"), "UAH") == Decimal("3480.10")
    assert found.equivalent(Decimal("10.00"), "USD") == Decimal("415.00")
    assert found.equivalent(Decimal("1"), "PLN") is None


def test_only_an_admin_sets_the_reporting_currency_and_only_one_with_rates(rdb: Database) -> None:
    admin = add_user(rdb, SETUP, "ada", Role.ADMIN, "correct horse battery")
    fiona = add_user(rdb, admin, "fiona", Role.FINANCE, "correct horse battery")
    assert reporting_choices(rdb) == ["USD", "EUR", "JPY", "KWD", "UAH"]
    with pytest.raises(Refused):
        set_reporting_currency(rdb, fiona, "UAH")
    with pytest.raises(UserError, match="cannot report in 'PLN': it has no exchange rate"):
        set_reporting_currency(rdb, admin, "PLN")
    assert reporting(rdb, []).currency == "USD"  # nothing changed
    assert set_reporting_currency(rdb, admin, " uah ") == "UAH"
    assert reporting(rdb, []).currency == "UAH"
    assert set_reporting_currency(rdb, Actor("ada", Role.ADMIN), "USD") == "USD"
