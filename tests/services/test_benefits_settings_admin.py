"""Benefit fulfilment, offer acceptance and the settings actions: role checks, refusals that
write nothing but their audit record, and the rules each one keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.services.accruals import post_period
from partner_desk.services.agency_detail import agency_detail
from partner_desk.services.benefits import accept_offer, set_benefit_state
from partner_desk.services.settings_admin import (
    add_benefit,
    add_reward_level,
    add_tier_version,
    rename_benefit,
    set_time_zone,
    settings_view,
)
from partner_desk.services.users import ANONYMOUS
from partner_desk.store.models import BenefitState, Setting, TierVersion
from tests.services.agency_pages_data import TODAY, seed
from tests.services.conftest import audit_rows, count

ANNA = Actor("anna", Role.MANAGER)
ADA = Actor("ada", Role.ADMIN)


def test_benefit_state_history_and_refusals(db, load) -> None:
    seed(load)
    first = agency_detail(db, ANNA, "AG01", TODAY).benefits[0]
    set_benefit_state(db, ANNA, "AG01", first.benefit_id, "offered")
    set_benefit_state(db, ANNA, "AG01", first.benefit_id, "in progress", note="draft sent")
    set_benefit_state(db, ANNA, "AG01", first.benefit_id, "in_progress")  # unchanged: nothing written
    assert count(db, BenefitState) == 2
    now = agency_detail(db, ANNA, "AG01", TODAY).benefits[0]
    assert (now.state, now.changed_by, now.note) == ("in_progress", "anna", "draft sent")
    last = audit_rows(db)[-1]
    assert (last.action, last.outcome, last.object) == ("benefit.update", "ok", f"AG01:benefit {first.benefit_id}")

    with pytest.raises(UserError, match="'done' is not a fulfilment state"):
        set_benefit_state(db, ANNA, "AG01", first.benefit_id, "done")
    with pytest.raises(UserError, match="not signed in: to update benefits sign in"):
        set_benefit_state(db, ANONYMOUS, "AG01", first.benefit_id, "delivered")
    assert count(db, BenefitState) == 2
    assert [r.outcome for r in audit_rows(db)[-2:]] == ["refused", "refused"]


def test_offer_acceptance_once_and_not_in_the_future(db, load, clock) -> None:
    clock("2025-04-15T12:00")
    seed(load)
    # today is 2025-04-15: the next day is refused, and so is a day beyond the product's years
    with pytest.raises(UserError, match=r"^the acceptance date 2025-04-16 is after today \(2025-04-15\)"):
        accept_offer(db, ANNA, "AG02", date(2025, 4, 16))
    with pytest.raises(UserError, match=r"^'2999-01-01' is outside 2000-01-01 to 2099-12-31$"):
        accept_offer(db, ANNA, "AG02", date(2999, 1, 1))
    with pytest.raises(UserError, match=r"^'0001-01-01' is outside 2000-01-01 to 2099-12-31$"):
        accept_offer(db, ANNA, "AG02", date(1, 1, 1))
    accept_offer(db, ANNA, "AG02", date(2025, 4, 10))
    assert agency_detail(db, ANNA, "AG02", TODAY).offer_accepted_on == date(2025, 4, 10)
    with pytest.raises(UserError, match="AG02 accepted the partner offer on 2025-04-10 already"):
        accept_offer(db, ANNA, "AG02", date(2025, 4, 11))
    with pytest.raises(UserError, match="unknown agency 'ZZ'"):
        accept_offer(db, ANNA, "ZZ")
    assert agency_detail(db, ANNA, "AG02", TODAY).offer_accepted_on == date(2025, 4, 10)


def test_table_versions_need_admin_and_respect_posted_periods(db, load) -> None:
    seed(load)
    with pytest.raises(UserError, match="anna \\(manager\\) may not change commission tables: it needs the admin role"):
        add_tier_version(db, ANNA, "2025-06", [("0", "12")])
    post_period(db, SETUP, "2025-03", as_of=TODAY)
    with pytest.raises(UserError, match="2025-03 is already posted; a new table can take effect from 2025-04 on"):
        add_tier_version(db, ADA, "2025-03", [("0", "12")])
    refused = "the table from 2025-06 was not added:\nlevel 1: percent: is not between 0 and 100"
    with pytest.raises(UserError, match=refused):
        add_tier_version(db, ADA, "2025-06", [("0", "120")])
    assert count(db, TierVersion) == 1  # only the default table

    add_tier_version(db, ADA, "2025-06", [("0", "12"), ("2000", "22")])
    tiers = settings_view(db, SETUP).tiers
    assert [(t.effective_from, t.used) for t in tiers] == [("2025-06", False), ("0001-01", True)]
    assert [(lv.min_usd, lv.percent) for lv in tiers[0].levels] == [(Decimal("0"), Decimal("12")),
                                                                     (Decimal("2000"), Decimal("22"))]


def test_reward_levels_and_benefits(db) -> None:
    level_id = add_reward_level(db, ADA, "10000", ["A dedicated manager", " "])
    with pytest.raises(UserError, match="a reward level from \\$10000 already exists"):
        add_reward_level(db, ADA, "10000", ["Again"])
    with pytest.raises(UserError, match="a reward level needs at least one benefit"):
        add_reward_level(db, ADA, "20000", [""])
    with pytest.raises(UserError, match="minimum reward: is negative"):
        add_reward_level(db, ADA, "-1", ["x"])
    with pytest.raises(UserError, match="needs the admin role"):
        add_reward_level(db, ANNA, "20000", ["x"])
    benefit_id = add_benefit(db, ADA, level_id, "Annual summit")
    rename_benefit(db, ADA, benefit_id, "Annual partner summit")
    rewards = settings_view(db, SETUP).rewards
    # the two defaults ($200, $3,000) and the new one
    assert [lv.min_reward_usd for lv in rewards] == [Decimal("200"), Decimal("3000"), Decimal("10000")]
    assert [b.name for b in rewards[-1].benefits] == ["A dedicated manager", "Annual partner summit"]


def test_reward_levels_and_benefit_names_are_bounded_like_imported_values(db) -> None:
    level_id = add_reward_level(db, ADA, "10000", ["A dedicated manager"])
    before = [(lv.min_reward_usd, [b.name for b in lv.benefits]) for lv in settings_view(db, SETUP).rewards]
    with pytest.raises(UserError, match=r"^minimum reward: '1000000000000' has more than 12 integer digits$"):
        add_reward_level(db, ADA, Decimal("1000000000000"), ["x"])
    with pytest.raises(UserError, match=r"^the benefit's name is longer than 200 characters$"):
        add_benefit(db, ADA, level_id, "x" * 201)
    with pytest.raises(UserError, match=r"^the benefit's name contains a control character \(U\+0000\)$"):
        add_reward_level(db, ADA, "20000", ["a\x00b"])
    benefit_id = add_benefit(db, ADA, level_id, "y" * 200)  # a name's width exactly
    with pytest.raises(UserError, match=r"^the benefit's name contains a control character \(U\+001B\)$"):
        rename_benefit(db, ADA, benefit_id, "Summit\x1b[2J")
    after = [(lv.min_reward_usd, [b.name for b in lv.benefits]) for lv in settings_view(db, SETUP).rewards]
    assert after[:-1] == before[:-1]
    assert after[-1][1] == [*before[-1][1], "y" * 200]


def test_time_zone_changes_only_before_payments(db, load) -> None:
    with pytest.raises(UserError, match="'Mars/Olympus' is not a time zone"):
        set_time_zone(db, ADA, "Mars/Olympus")
    with pytest.raises(UserError, match="needs the admin role"):
        set_time_zone(db, ANNA, "Europe/Warsaw")
    set_time_zone(db, ADA, "Europe/Warsaw")
    assert settings_view(db, SETUP).time_zone == "Europe/Warsaw"
    seed(load)
    with pytest.raises(UserError, match="the time zone cannot change from Europe/Warsaw: payments were "
                                        "already imported"):
        set_time_zone(db, ADA, "Europe/Kyiv")
    with db.read() as session:
        assert session.scalar(select(Setting.value).where(Setting.key == "company_time_zone")) == "Europe/Warsaw"
