"""Creating or upgrading a database and giving it the default reference data."""

from __future__ import annotations

from sqlalchemy import select

from partner_desk.domain.periods import DEFAULT_TIME_ZONE
from partner_desk.domain.rewards import DEFAULT_REWARD_LEVELS
from partner_desk.domain.tiers import BEGINNING, DEFAULT_LEVELS
from partner_desk.services.schema import ensure_current, refuse_unknown
from partner_desk.store import locks, migrate
from partner_desk.store.engine import Database
from partner_desk.store.models import (
    Benefit,
    RewardLevelRow,
    Setting,
    TierLevel,
    TierVersion,
    User,
)
from partner_desk.store.queries import TIME_ZONE_KEY

__all__ = ["ensure_current", "in_setup_mode", "init_database"]


def init_database(db: Database) -> bool:
    """Create or upgrade the schema and add defaults that are missing; True if it was created.

    A database that is current and complete is only read, so opening the window never waits for
    (or holds up) another user's write. A revision this version does not know is refused unchanged."""
    revision = migrate.current_revision(db.engine)
    refuse_unknown(db, revision)
    created = False
    if revision != migrate.head_revision():
        created = migrate.upgrade(db.engine) is None
    with db.read() as session:
        complete = (session.get(Setting, TIME_ZONE_KEY) is not None
                    and session.scalar(select(TierVersion.id).limit(1)) is not None
                    and session.scalar(select(RewardLevelRow.id).limit(1)) is not None)
    if complete:
        return created
    with db.write() as session:
        # two first starts add the defaults once: the second waits, then finds them
        locks.take(session, locks.SCHEMA)
        if session.get(Setting, TIME_ZONE_KEY) is None:
            session.add(Setting(key=TIME_ZONE_KEY, value=DEFAULT_TIME_ZONE))
        if session.scalar(select(TierVersion.id).limit(1)) is None:
            version = TierVersion(effective_from=str(BEGINNING), created_by=None)
            session.add(version)
            session.flush()
            for level in DEFAULT_LEVELS:
                session.add(TierLevel(version_id=version.id, min_usd=level.min_usd, percent=level.percent))
        if session.scalar(select(RewardLevelRow.id).limit(1)) is None:
            for reward_level in DEFAULT_REWARD_LEVELS:
                row = RewardLevelRow(min_reward_usd=reward_level.min_reward_usd)
                session.add(row)
                session.flush()
                for position, name in enumerate(reward_level.benefits):
                    session.add(Benefit(level_id=row.id, position=position, name=name))
    return created


def in_setup_mode(db: Database) -> bool:
    with db.read() as session:
        return session.scalar(select(User.id).limit(1)) is None
