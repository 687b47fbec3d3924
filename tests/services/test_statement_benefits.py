"""A posted accrual keeps the reward level and benefits it reached, whatever the levels become later."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import post_period
from partner_desk.services.imports import import_file
from partner_desk.services.settings_admin import add_reward_level, rename_benefit
from partner_desk.services.statement_data import posted_statement
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, Agency, Benefit
from partner_desk.store.queries import company_tz, reward_schedule

CASE_STUDY = "Joint case study on the company blog and in online media"
RECOMMENDATION = "Recommendation to the company's clients"


def _post_january(db: Database, write_csv: Any) -> None:
    files: dict[str, Path] = {
        "agencies": write_csv("code,name,currency\nAG01,Alpha,USD"),
        "projects": write_csv("project_id,name,currency,agency_code,connected_at\nP1,Shop,USD,AG01,2025-01-01"),
        "payments": write_csv("payment_id,project_id,paid_at,service,amount,currency\n"
                              "a1,P1,2026-01-10T10:00:00,subscription,2000.00,USD"),
    }
    for kind, path in files.items():
        import_file(db, SETUP, kind, path)
    post_period(db, SETUP, "2026-01", as_of=date(2026, 2, 1))


def test_the_posted_level_and_benefits_survive_an_edit_of_the_reward_levels(db: Database, write_csv: Any) -> None:
    _post_january(db, write_csv)
    # $2,000 turnover -> 20%; reward 2000 * 0.20 = $400.00 -> the $200 level and its two benefits
    with db.read() as session:
        accrual = session.scalar(select(Accrual))
        assert accrual is not None
        assert accrual.reward_level_usd == 200
        assert json.loads(accrual.benefits) == [CASE_STUDY, RECOMMENDATION]
        benefit_id = session.scalar(select(Benefit.id).where(Benefit.name == CASE_STUDY))
        assert benefit_id is not None

    add_reward_level(db, SETUP, "300", ["Co-branded webinar"])
    rename_benefit(db, SETUP, benefit_id, "Case study")

    with db.read() as session:
        agency = session.scalar(select(Agency).where(Agency.code == "AG01"))
        assert agency is not None
        # today's levels would say $300 and three benefits; the statement keeps what was posted
        assert len(reward_schedule(session).benefits(accrual.reward_usd)) == 3
        statement, _ = posted_statement(session, agency, Period(2026, 1), company_tz(session),
                                        reward_schedule(session), date(2026, 3, 1))
        assert statement.summary.reward_level_usd == 200
        assert statement.summary.benefits == (CASE_STUDY, RECOMMENDATION)
