"""Imports report how many rows they have read, and a progress callback that raises stops them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from partner_desk.domain.roles import SETUP
from partner_desk.services.imports import PROGRESS_EVERY, import_file, validate_file
from partner_desk.store.models import ImportRun, Rate


def rates_csv(write_csv, rows: int):
    start = date(2010, 1, 1)
    lines = ["date,currency,per_usd"] + [f"{start + timedelta(days=i)},EUR,0.9" for i in range(rows)]
    return write_csv("\n".join(lines), "rates.csv")


def stored(db, model) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_validation_reports_rows_read_every_batch_and_at_the_end(db, write_csv) -> None:
    path = rates_csv(write_csv, 4_500)
    heard: list[int] = []
    summary = validate_file(db, SETUP, "rates", path, heard.append)
    # 4,500 rows in batches of 2,000: after 2,000, after 4,000, and the total at the end
    assert PROGRESS_EVERY == 2_000
    assert heard == [2_000, 4_000, 4_500]
    assert summary.rows == 4_500
    assert stored(db, Rate) == 0


class Stop(Exception):
    pass


def test_a_callback_that_raises_stops_the_import_and_nothing_is_written(db, write_csv) -> None:
    path = rates_csv(write_csv, 4_500)

    def stop_at_first_report(rows: int) -> None:
        raise Stop(rows)

    with pytest.raises(Stop):
        import_file(db, SETUP, "rates", path, stop_at_first_report)
    assert stored(db, Rate) == 0
    assert stored(db, ImportRun) == 0
    # the same file imports whole when nobody stops it
    import_file(db, SETUP, "rates", path)
    assert stored(db, Rate) == 4_500
