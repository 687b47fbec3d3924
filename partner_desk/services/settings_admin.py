"""What the settings page reads and changes: commission table versions, reward levels and their
benefits, exchange rates, users, the company time zone and the default language of statements
(SPEC sections 3, 5, 8, 9).

Changes need the admin role (rates: the import role) and write one audit record each.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partner_desk.domain.bounds import MAX_INTEGER_DIGITS, amount_problem, text_problem
from partner_desk.domain.languages import DEFAULT_STATEMENT_LANGUAGE, parse_language
from partner_desk.domain.money import parse_decimal
from partner_desk.domain.periods import Period, zone
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor, role_text
from partner_desk.domain.tiers import Level
from partner_desk.files.table import FileRejected
from partner_desk.refusal_text import Refused, read, refused
from partner_desk.services import audit, authority
from partner_desk.services.guard import checked, guarded
from partner_desk.services.imports import ImportSummary, import_file
from partner_desk.services.sign_in import lock_state
from partner_desk.store.engine import Database
from partner_desk.store.models import Benefit, Payment, Rate, RewardLevelRow, Setting, User
from partner_desk.store.queries import (
    STATEMENT_LANGUAGE_KEY,
    TIME_ZONE_KEY,
    company_tz,
    default_statement_language,
    posted_periods,
    tier_history,
)
from partner_desk.store.types import utc_now

M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class TierVersionView:
    version_id: int | None
    effective_from: str  # "from the beginning" is shown for the first version
    levels: tuple[Level, ...]
    used: bool


@dataclass(frozen=True, slots=True)
class BenefitView:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class RewardLevelView:
    id: int
    min_reward_usd: Decimal
    benefits: tuple[BenefitView, ...]


@dataclass(frozen=True, slots=True)
class RateView:
    currency: str
    day: date
    per_usd: Decimal


@dataclass(frozen=True, slots=True)
class UserView:
    name: str
    role: str
    active: bool
    created_at: datetime
    locked_until: datetime | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class SettingsView:
    tiers: list[TierVersionView]
    rewards: list[RewardLevelView]
    rates: list[RateView]
    users: list[UserView]
    time_zone: str
    last_posted: Period | None
    statement_language: str = DEFAULT_STATEMENT_LANGUAGE  # the language of agencies that have none of their own


def settings_view(db: Database, actor: Actor, rates_limit: int = 5_000) -> SettingsView:
    """Everything the settings page shows; rates newest first (at most `rates_limit`). The users are
    listed only to those who may list them (finance, admin)."""
    with db.read() as session:
        posted = posted_periods(session)
        history = tier_history(session)
        used = {history.table_for(p).version_id for p in posted}
        tiers = [TierVersionView(t.version_id, str(t.effective_from), t.levels, t.version_id in used)
                 for t in reversed(history.tables)]
        benefits: dict[int, list[BenefitView]] = {}
        for b in session.scalars(select(Benefit).order_by(Benefit.level_id, Benefit.position, Benefit.id)):
            benefits.setdefault(b.level_id, []).append(BenefitView(b.id, b.name))
        rewards = [RewardLevelView(lv.id, lv.min_reward_usd, tuple(benefits.get(lv.id, ())))
                   for lv in session.scalars(select(RewardLevelRow))]
        rewards.sort(key=lambda lv: lv.min_reward_usd)
        rates = [RateView(c, d, v) for c, d, v in session.execute(
            select(Rate.currency, Rate.day, Rate.per_usd).order_by(Rate.day.desc(), Rate.currency)
            .limit(rates_limit))]
        may_list = actor.in_setup or (actor.signed_in and authority.refusal(session, actor, Action.USERS_LIST) is None)
        people = [UserView(u.name, role_text(u.role), u.active, u.created_at, lock_state(session, u.name, utc_now())[0],
                            u.display_name)
                  for u in session.scalars(select(User).order_by(User.name))] if may_list else []
        tz = company_tz(session).key
        language = default_statement_language(session)
    return SettingsView(tiers, rewards, rates, people, tz, posted[-1] if posted else None, language)


def add_tier_version(db: Database, actor: Actor, effective_from: str,
                     levels: Sequence[tuple[Decimal | str, Decimal | str]]) -> ImportSummary:
    """Add (or replace, while no posted period used it) the commission table from a period on.

    The table goes through the tiers import, so it obeys exactly the rules a tiers file does.
    """
    with checked(db, actor, Action.TIERS, effective_from):
        if not levels:
            raise Refused(Refusal("table_no_level"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"tiers-{effective_from.strip() or 'new'}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["effective_from", "min_turnover_usd", "percent"])
            for threshold, percent in levels:
                writer.writerow([effective_from.strip(), str(threshold).strip(), str(percent).strip()])
        try:
            return import_file(db, actor, "tiers", path)
        except FileRejected as exc:
            # the file is ours: speak of the levels as entered (level 1 is row 2 of the file)
            lines = [Refusal("level_problem", {"level": p.row - 1, "column": p.column, "problem": p.reason})
                     if p.row > 1 and p.reason is not None
                     else f"level {p.row - 1}: {p.column}: {p.message}" if p.row > 1 else str(p)
                     for p in exc.problems]
            raise Refused(*lines, prefix=Refusal("table_not_added", {"period": effective_from.strip()}),
                          joiner="\n", prefix_joiner=":\n") from None


def import_rates(db: Database, actor: Actor, path: Path | str) -> ImportSummary:
    """Import a rates file (date, currency, per_usd)."""
    return import_file(db, actor, "rates", path)


def _amount_usd(text: Decimal | str) -> Decimal:
    try:
        value = text if isinstance(text, Decimal) else parse_decimal(text)
    except ValueError as exc:
        raise refused(exc, prefix=Refusal("minimum_reward")) from None
    problem = amount_problem(value)
    if problem is not None:
        raise Refused(Refusal("integer_digits", {"text": format(value, "f"), "digits": MAX_INTEGER_DIGITS}),
                      prefix=Refusal("minimum_reward"))
    if value < 0:
        raise Refused(Refusal("is_negative"), prefix=Refusal("minimum_reward"))
    return value


def _benefit_name(name: str) -> str:
    """A benefit's wording as it is kept: trimmed, not empty, a name's length, no control character."""
    cleaned = name.strip()
    if not cleaned:
        raise Refused(Refusal("benefit_no_name"))
    problem = text_problem(cleaned)
    if problem is not None:
        raise Refused(Refusal("benefit_name", {"problem": problem}))
    return cleaned


def add_reward_level(db: Database, actor: Actor, min_reward_usd: Decimal | str, benefits: list[str]) -> int:
    """Add a reward level from a monthly reward in USD on, with its benefits; its id."""
    with guarded(db, actor, Action.REWARDS, str(min_reward_usd)) as act:
        value = _amount_usd(min_reward_usd)
        names = [_benefit_name(b) for b in benefits if b.strip()]
        if not names:
            raise Refused(Refusal("level_no_benefit"))
        session = act.session
        if session.scalar(select(RewardLevelRow.id).where(RewardLevelRow.min_reward_usd == value)):
            raise Refused(Refusal("level_exists", {"worth": value}))
        row = RewardLevelRow(min_reward_usd=value)
        session.add(row)
        session.flush()
        for position, name in enumerate(names):
            session.add(Benefit(level_id=row.id, position=position, name=name))
        audit.record(session, actor, Action.REWARDS, f"level {value}",
                     after={"min_reward_usd": str(value), "benefits": names})
        return row.id


def _stored(session: Session, model: type[M], key: int, unknown: Refusal) -> M:
    """The stored row of `model` with `key`; refused as `unknown` when there is none."""
    found = session.get(model, key)
    if found is None:
        raise Refused(unknown)
    return found


def add_benefit(db: Database, actor: Actor, level_id: int, name: str) -> int:
    """Add a benefit to a reward level; its id."""
    with guarded(db, actor, Action.REWARDS, f"level {level_id}") as act:
        cleaned = _benefit_name(name)
        session = act.session
        level = _stored(session, RewardLevelRow, level_id, Refusal("unknown_reward_level", {"level": level_id}))
        position = session.scalar(select(func.count(Benefit.id)).where(Benefit.level_id == level_id)) or 0
        benefit = Benefit(level_id=level_id, position=int(position), name=cleaned)
        session.add(benefit)
        session.flush()
        audit.record(session, actor, Action.REWARDS, f"level {level.min_reward_usd}",
                     after={"benefit": cleaned})
        return benefit.id


def rename_benefit(db: Database, actor: Actor, benefit_id: int, name: str) -> None:
    """Change a benefit's wording; its fulfilment history stays with it."""
    with guarded(db, actor, Action.REWARDS, f"benefit {benefit_id}") as act:
        cleaned = _benefit_name(name)
        session = act.session
        benefit = _stored(session, Benefit, benefit_id, Refusal("unknown_benefit", {"benefit": benefit_id}))
        before = benefit.name
        benefit.name = cleaned
        audit.record(session, actor, Action.REWARDS, f"benefit {benefit_id}", before={"benefit": before},
                     after={"benefit": cleaned})


def set_time_zone(db: Database, actor: Actor, name: str) -> None:
    """Set the company time zone. Periods and local dates of payments are fixed at import, so the
    zone can change only while no payment has been imported."""
    with guarded(db, actor, Action.SETTINGS, TIME_ZONE_KEY) as act:
        tz = read(zone, name.strip())
        session = act.session
        current = company_tz(session).key
        if tz.key == current:
            return
        if session.scalar(select(Payment.payment_id).limit(1)) is not None:
            raise Refused(Refusal("zone_fixed", {"zone": current}))
        found = session.get(Setting, TIME_ZONE_KEY)
        if found is None:
            session.add(Setting(key=TIME_ZONE_KEY, value=tz.key))
        else:
            found.value = tz.key
        audit.record(session, actor, Action.SETTINGS, TIME_ZONE_KEY, before={"value": current},
                     after={"value": tz.key})


def set_statement_language(db: Database, actor: Actor, language: str) -> str:
    """Set the language of the statements of agencies that have no language of their own."""
    with guarded(db, actor, Action.SETTINGS, STATEMENT_LANGUAGE_KEY) as act:
        wanted = read(parse_language, language)
        session = act.session
        current = default_statement_language(session)
        if wanted == current:
            return wanted
        found = session.get(Setting, STATEMENT_LANGUAGE_KEY)
        if found is None:
            session.add(Setting(key=STATEMENT_LANGUAGE_KEY, value=wanted))
        else:
            found.value = wanted
        audit.record(session, actor, Action.SETTINGS, STATEMENT_LANGUAGE_KEY, before={"value": current},
                     after={"value": wanted})
        return wanted
