"""Previews and postings report how many agencies are priced; a report that raises stops a posting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from partner_desk.services import accruals
from partner_desk.services.accruals import post_period, preview_period
from partner_desk.store.models import Accrual, AccrualLine, LedgerEntry, PostedPeriod
from tests.gui.page_data import people, seed

APRIL_15 = date(2025, 4, 15)


def stored(db, model) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_preview_reports_every_batch_of_agencies_and_the_rest(db, write_csv, monkeypatch) -> None:
    seed(db, write_csv)  # AG01 and AG02 have lines in 2025-03, AG03 none
    fiona = people(db)["fiona"]
    heard: list[int] = []
    monkeypatch.setattr(accruals, "PROGRESS_EVERY", 1)
    preview_period(db, fiona, "2025-03", APRIL_15, heard.append)
    assert heard == [1, 2]  # after each of the two agencies; the end adds nothing new
    heard.clear()
    monkeypatch.setattr(accruals, "PROGRESS_EVERY", 200)
    preview_period(db, fiona, "2025-03", APRIL_15, heard.append)
    assert heard == [2]  # fewer than a batch: the count at the end
    heard.clear()
    preview_period(db, fiona, "2025-04", APRIL_15, heard.append)
    assert heard == [0]  # April has no lines


class Stop(Exception):
    pass


def test_a_posting_stopped_midway_writes_nothing(db, write_csv, monkeypatch) -> None:
    seed(db, write_csv)
    fiona = people(db)["fiona"]
    monkeypatch.setattr(accruals, "PROGRESS_EVERY", 1)

    def stop(count: int) -> None:
        raise Stop(count)

    with pytest.raises(Stop):
        post_period(db, fiona, "2025-03", APRIL_15, stop)
    assert [stored(db, m) for m in (PostedPeriod, Accrual, AccrualLine, LedgerEntry)] == [0, 0, 0, 0]
    run = post_period(db, fiona, "2025-03", APRIL_15)
    assert run.posted
    assert len(run.accruals) == 2
    assert [stored(db, m) for m in (PostedPeriod, Accrual, AccrualLine, LedgerEntry)] == [1, 2, 2, 2]
