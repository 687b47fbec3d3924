"""Loading the reference data every computation needs, as domain values."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.languages import DEFAULT_STATEMENT_LANGUAGE, LANGUAGES
from partner_desk.domain.periods import DEFAULT_TIME_ZONE, Period, zone
from partner_desk.domain.rates import RateBook
from partner_desk.domain.rewards import RewardLevel, RewardSchedule
from partner_desk.domain.tiers import Level, TierHistory, TierTable
from partner_desk.store.models import (
    Benefit,
    PostedPeriod,
    Rate,
    RewardLevelRow,
    Setting,
    TierLevel,
    TierVersion,
)

TIME_ZONE_KEY = "company_time_zone"
STATEMENT_LANGUAGE_KEY = "statement_language"
REPORTING_CURRENCY_KEY = "reporting_currency"


def setting(session: Session, key: str, default: str) -> str:
    found = session.get(Setting, key)
    return found.value if found is not None else default


def company_tz(session: Session) -> ZoneInfo:
    return zone(setting(session, TIME_ZONE_KEY, DEFAULT_TIME_ZONE))


def default_statement_language(session: Session) -> str:
    """The language of the statements of agencies without one of their own."""
    value = setting(session, STATEMENT_LANGUAGE_KEY, DEFAULT_STATEMENT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_STATEMENT_LANGUAGE


def posted_periods(session: Session) -> list[Period]:
    return list(session.scalars(select(PostedPeriod.period).order_by(PostedPeriod.period)))


def tier_history(session: Session) -> TierHistory:
    levels: dict[int, list[Level]] = {}
    for row in session.scalars(select(TierLevel)):
        levels.setdefault(row.version_id, []).append(Level(row.min_usd, row.percent))
    tables = [
        TierTable(v.id, v.effective_from, tuple(levels.get(v.id, ())))
        for v in session.scalars(select(TierVersion))
    ]
    return TierHistory([t for t in tables if t.levels])


def rate_book(session: Session) -> RateBook:
    rows = session.execute(select(Rate.day, Rate.currency, Rate.per_usd))
    return RateBook((day, currency, per_usd) for day, currency, per_usd in rows)


def reward_schedule(session: Session) -> RewardSchedule:
    benefits: dict[int, list[tuple[int, str]]] = {}
    for b in session.scalars(select(Benefit)):
        benefits.setdefault(b.level_id, []).append((b.position, b.name))
    return RewardSchedule(
        RewardLevel(lv.min_reward_usd, tuple(name for _, name in sorted(benefits.get(lv.id, []))))
        for lv in session.scalars(select(RewardLevelRow))
    )
