"""Previewing one agency gives exactly that agency's part of the whole period's preview."""

from __future__ import annotations

from datetime import date

import pytest

from partner_desk.domain.errors import UserError
from partner_desk.domain.roles import SETUP
from partner_desk.services.accruals import preview_period
from partner_desk.services.demo import build_demo
from partner_desk.store.engine import Database

TODAY = date(2026, 11, 28)


def test_one_agency_preview_equals_its_part_of_the_whole(db: Database, clock) -> None:
    clock("2026-11-28T09:00")
    build_demo(db)
    for period in ("2026-11",):
        whole = {a.agency: a for a in preview_period(db, SETUP, period, TODAY).accruals}
        assert len(whole) > 30
        for code, accrual in whole.items():
            alone = preview_period(db, SETUP, period, TODAY, agency=code).accruals
            assert alone == [accrual]


def test_an_unknown_agency_is_refused(db: Database) -> None:
    with pytest.raises(UserError, match="unknown agency 'NOPE'"):
        preview_period(db, SETUP, "2026-03", date(2026, 4, 1), agency="NOPE")
