"""Rate look-up by date and versioned slab commission tables (SPEC sections 2 and 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partner_desk.domain.errors import MissingRates
from partner_desk.domain.periods import Period
from partner_desk.domain.rates import NoRate, RateBook, RateCollector
from partner_desk.domain.rewards import qualified
from partner_desk.domain.tiers import (
    BEGINNING,
    DEFAULT_TABLE,
    Level,
    TierHistory,
    TierTable,
    validate_levels,
)
from partner_desk.refusal_text import in_english

BOOK = RateBook([
    (date(2026, 1, 5), "UAH", Decimal("41.5")),
    (date(2026, 1, 1), "UAH", Decimal("40")),  # rows may come in any order
    (date(2026, 1, 10), "EUR", Decimal("0.9")),
])


def test_rate_is_the_latest_on_or_before_the_day() -> None:
    assert BOOK.rate("UAH", date(2026, 1, 1)) == Decimal("40")
    assert BOOK.rate("UAH", date(2026, 1, 4)) == Decimal("40")
    assert BOOK.rate("UAH", date(2026, 1, 5)) == Decimal("41.5")
    assert BOOK.rate("UAH", date(2027, 6, 1)) == Decimal("41.5")


def test_usd_rate_is_one_without_any_row() -> None:
    assert BOOK.rate("USD", date(1999, 1, 1)) == Decimal(1)


def test_no_rate_before_the_first_one_or_for_an_unknown_currency() -> None:
    with pytest.raises(NoRate, match="no UAH rate on or before 2025-12-31"):
        BOOK.rate("UAH", date(2025, 12, 31))
    with pytest.raises(NoRate, match="no JPY rate"):
        BOOK.rate("JPY", date(2026, 1, 10))
    assert BOOK.maybe_rate("EUR", date(2026, 1, 9)) is None


def test_collector_reports_every_missing_rate_at_once() -> None:
    collector = RateCollector(BOOK)
    collector.rate("EUR", date(2026, 1, 2))
    collector.rate("JPY", date(2026, 1, 3))
    collector.rate("EUR", date(2026, 1, 2))  # the same gap is named once
    assert collector.rate("UAH", date(2026, 1, 2)) == Decimal("40")
    with pytest.raises(MissingRates) as caught:
        collector.raise_if_missing()
    assert str(caught.value) == "missing exchange rate: EUR on 2026-01-02, JPY on 2026-01-03"


def test_collector_with_every_rate_raises_nothing() -> None:
    collector = RateCollector(BOOK)
    collector.rate("UAH", date(2026, 2, 1))
    collector.raise_if_missing()


@pytest.mark.parametrize(
    ("turnover", "percent"),
    [
        ("0", "10"),
        ("499.99", "10"),
        ("500", "15"),  # reaching the threshold is enough
        ("1499.999999", "15"),
        ("1500", "20"),
        ("4999.99", "20"),
        ("5000", "25"),
        ("9999.99", "25"),
        ("10000", "30"),
        ("2500000", "30"),
    ],
)
def test_default_table_slabs(turnover: str, percent: str) -> None:
    assert DEFAULT_TABLE.percent_for(Decimal(turnover)) == Decimal(percent)


def test_slab_percent_on_an_exact_fraction_just_below_a_threshold() -> None:
    # 1499999/3000 = 499.9996..: not yet $500
    assert DEFAULT_TABLE.percent_for(Fraction(1499999, 3000)) == Decimal("10")
    assert DEFAULT_TABLE.percent_for(Fraction(1500000, 3000)) == Decimal("15")


def test_below_the_lowest_threshold_the_percent_is_zero() -> None:
    levels = (Level(Decimal("1000"), Decimal("12")), Level(Decimal("100"), Decimal("5")))
    table = TierTable(1, Period(2026, 1), levels)
    assert [lv.min_usd for lv in table.levels] == [Decimal("100"), Decimal("1000")]  # sorted
    assert table.percent_for(Decimal("99.99")) == Decimal("0")
    assert table.percent_for(Decimal("100")) == Decimal("5")
    assert table.percent_for(Decimal("1000")) == Decimal("12")
    assert table.base_percent == Decimal("5")
    assert table.next_level(Decimal("99")) == Level(Decimal("100"), Decimal("5"))
    assert table.next_level(Decimal("5000")) is None


def test_history_picks_the_latest_version_not_after_the_period() -> None:
    later = TierTable(7, Period(2026, 4), (Level(Decimal("0"), Decimal("12")),))
    history = TierHistory([later, DEFAULT_TABLE])
    assert history.table_for(Period(2026, 3)) is DEFAULT_TABLE
    assert history.table_for(Period(2026, 4)) is later
    assert history.table_for(Period(2030, 1)) is later
    assert history.table_for(BEGINNING) is DEFAULT_TABLE


def test_history_without_versions_uses_the_default_table() -> None:
    assert TierHistory([]).table_for(Period(2026, 1)) is DEFAULT_TABLE


def test_validate_levels_lists_every_problem() -> None:
    problems = validate_levels([
        Level(Decimal("-1"), Decimal("10")),
        Level(Decimal("500"), Decimal("101")),
        Level(Decimal("500"), Decimal("15")),
    ])
    assert in_english(problems) == [
        "threshold -1 is negative",
        "percent 101 is not between 0 and 100",
        "threshold 500 is listed twice",
    ]
    assert in_english(validate_levels([])) == ["a table needs at least one level"]
    assert validate_levels(DEFAULT_TABLE.levels) == []


def test_within_reach_of_the_next_level_is_a_tenth_of_its_threshold() -> None:
    # the next level of $4,500 is 25% from $5,000: $500 missing = 10% of 5,000: within reach
    assert DEFAULT_TABLE.within_reach(Decimal("4500")).percent == Decimal("25")
    # $4,499.99: $500.01 missing, more than $500
    assert DEFAULT_TABLE.within_reach(Decimal("4499.99")) is None
    # $450 of $500 (15%): $50 = 10% of 500
    assert DEFAULT_TABLE.within_reach(Decimal("450")).min_usd == Decimal("500")
    # at the top level there is no next one
    assert DEFAULT_TABLE.within_reach(Decimal("10000")) is None
    assert DEFAULT_TABLE.within_reach(Decimal("9000")).percent == Decimal("30")


@given(st.decimals(min_value=0, max_value=20000, places=2))
def test_within_reach_names_the_next_level_and_no_further_than_a_tenth(turnover: Decimal) -> None:
    found = DEFAULT_TABLE.within_reach(turnover)
    nxt = DEFAULT_TABLE.next_level(turnover)
    if found is not None:
        assert found == nxt
        assert turnover < found.min_usd
        assert found.min_usd - turnover <= found.min_usd / 10
    elif nxt is not None:
        assert nxt.min_usd - turnover > nxt.min_usd / 10


def test_a_posted_month_qualifies_for_its_level_and_the_ones_below() -> None:

    assert qualified(Decimal("3000"), Decimal("200"))
    assert qualified(Decimal("200"), Decimal("200"))
    assert not qualified(Decimal("200"), Decimal("3000"))
    assert not qualified(None, Decimal("200"))
