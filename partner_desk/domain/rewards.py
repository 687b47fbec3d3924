"""Reward levels and the benefits they unlock (SPEC section 5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from partner_desk.domain.words import N_


class Fulfilment(StrEnum):
    OFFERED = "offered"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"


@dataclass(frozen=True, slots=True)
class RewardLevel:
    """From `min_reward_usd` a month on, these benefits; levels are cumulative."""

    min_reward_usd: Decimal
    benefits: tuple[str, ...]


DEFAULT_REWARD_LEVELS: tuple[RewardLevel, ...] = (
    RewardLevel(
        Decimal("200"),
        (
            N_("Joint case study on the company blog and in online media"),
            N_("Recommendation to the company's clients"),
        ),
    ),
    RewardLevel(
        Decimal("3000"),
        (
            N_("Participation in the company's events and trainings"),
            N_("Joint events"),
            N_("Information partnerships"),
        ),
    ),
)

# The names the product wrote itself: shown in the reader's language while an admin has not renamed them.
DEFAULT_BENEFIT_NAMES = frozenset(name for level in DEFAULT_REWARD_LEVELS for name in level.benefits)


def qualified(level_reached: Decimal | None, minimum: Decimal) -> bool:
    """A posted month qualified for a benefit when the reward level it reached, as posted, is the
    benefit's level or a higher one (levels are cumulative)."""
    return level_reached is not None and level_reached >= minimum


class RewardSchedule:
    def __init__(self, levels: Iterable[RewardLevel] = DEFAULT_REWARD_LEVELS) -> None:
        self.levels = tuple(sorted(levels, key=lambda lv: lv.min_reward_usd))

    def reached(self, reward_usd: Decimal) -> tuple[RewardLevel, ...]:
        return tuple(lv for lv in self.levels if reward_usd >= lv.min_reward_usd)

    def benefits(self, reward_usd: Decimal) -> list[str]:
        """Every benefit of every level the (rounded) reward reaches."""
        return [b for lv in self.reached(reward_usd) for b in lv.benefits]

    def next_level(self, reward_usd: Decimal) -> RewardLevel | None:
        for lv in self.levels:
            if reward_usd < lv.min_reward_usd:
                return lv
        return None
