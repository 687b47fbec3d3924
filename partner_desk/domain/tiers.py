"""Versioned commission tables: slab percents by USD turnover (SPEC section 3)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Refusal

ZERO = Decimal(0)
BEGINNING = Period(1, 1)


@dataclass(frozen=True, slots=True)
class Level:
    """From `min_usd` of turnover on, `percent`."""

    min_usd: Decimal
    percent: Decimal


DEFAULT_LEVELS: tuple[Level, ...] = (
    Level(Decimal("0"), Decimal("10")),
    Level(Decimal("500"), Decimal("15")),
    Level(Decimal("1500"), Decimal("20")),
    Level(Decimal("5000"), Decimal("25")),
    Level(Decimal("10000"), Decimal("30")),
)


def validate_levels(levels: Iterable[Level]) -> list[Refusal]:
    """Every problem of a table, typed, empty when it is sound."""
    problems: list[Refusal] = []
    seen: set[Decimal] = set()
    for level in levels:
        if level.min_usd < 0:
            problems.append(Refusal("threshold_negative", {"threshold": level.min_usd}))
        if not ZERO <= level.percent <= 100:
            problems.append(Refusal("level_percent_range", {"percent": level.percent}))
        if level.min_usd in seen:
            problems.append(Refusal("threshold_twice", {"threshold": level.min_usd}))
        seen.add(level.min_usd)
    if not seen:
        problems.append(Refusal("table_no_level"))
    return problems


# "close to the next level": at most this share of the next threshold is missing
NEAR_NEXT_LEVEL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class TierTable:
    """One version of the commission table; effective from BEGINNING means from the start."""

    version_id: int | None
    effective_from: Period
    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.levels, key=lambda lv: lv.min_usd))
        object.__setattr__(self, "levels", ordered)

    def level_index(self, turnover: Fraction | Decimal) -> int:
        """Index of the highest level whose threshold the turnover reaches, -1 below all."""
        value = Fraction(turnover)
        index = -1
        for i, level in enumerate(self.levels):
            if value >= Fraction(level.min_usd):
                index = i
        return index

    def percent_for(self, turnover: Fraction | Decimal) -> Decimal:
        """Slab percent: the whole turnover earns the percent of the highest level it reaches."""
        index = self.level_index(turnover)
        return self.levels[index].percent if index >= 0 else ZERO

    @property
    def base_percent(self) -> Decimal:
        """The percent of the lowest level, which late payments of an unaccrued month earn."""
        return self.levels[0].percent if self.levels else ZERO

    def next_level(self, turnover: Fraction | Decimal) -> Level | None:
        index = self.level_index(turnover)
        return self.levels[index + 1] if index + 1 < len(self.levels) else None

    def within_reach(self, turnover: Fraction | Decimal, share: Decimal = NEAR_NEXT_LEVEL) -> Level | None:
        """The next level when the turnover is within `share` of it: what is missing is at most
        `share` of the next level's threshold. None at the top level or further away."""
        nxt = self.next_level(turnover)
        if nxt is None:
            return None
        missing = Fraction(nxt.min_usd) - Fraction(turnover)
        return nxt if missing <= Fraction(share) * Fraction(nxt.min_usd) else None


class TierHistory:
    """All versions; the one for a period is the latest whose effective_from is not after it."""

    def __init__(self, tables: Iterable[TierTable]) -> None:
        self._tables = sorted(tables, key=lambda t: t.effective_from) or [DEFAULT_TABLE]
        self._keys = [t.effective_from for t in self._tables]

    @property
    def tables(self) -> list[TierTable]:
        return list(self._tables)

    def table_for(self, period: Period) -> TierTable:
        index = bisect_right(self._keys, period)
        # before the first version the earliest one applies rather than no table at all
        return self._tables[max(index - 1, 0)]


DEFAULT_TABLE = TierTable(None, BEGINNING, DEFAULT_LEVELS)
