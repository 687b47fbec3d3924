"""Importing agencies, projects, rates and commission tables: all or nothing, every problem listed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from partner_desk.domain.roles import Actor, Role
from partner_desk.files.table import FileRejected
from partner_desk.services.guard import Refused
from partner_desk.services.imports import import_file, validate_file
from partner_desk.store.models import Agency, Connection, ImportRun, Project, Rate, TierLevel, TierVersion

AGENCIES = """
code,name,currency,offer_accepted_at,manager
AG01,Alpha Digital,EUR,2026-01-10T12:00,olena
AG02,Beta Media,UAH,,
"""


def test_agencies_import_and_reimport(db, load, counts, audits) -> None:
    summary = load("agencies", AGENCIES)
    assert (summary.rows, summary.added, summary.known) == (2, 2, 0)
    with db.read() as session:
        alpha = session.scalar(select(Agency).where(Agency.code == "AG01"))
        assert alpha is not None
        # 12:00 in Kyiv in January is 10:00 UTC
        assert alpha.offer_accepted_at == datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
        assert (alpha.name, alpha.currency, alpha.manager) == ("Alpha Digital", "EUR", "olena")
    again = load("agencies", AGENCIES)
    assert (again.added, again.known) == (0, 2)
    assert counts(Agency, ImportRun) == {"agencies": 2, "imports": 2}
    assert [(r.action, r.outcome) for r in audits()] == [("import", "ok"), ("import", "ok")]


def test_agency_offer_accepted_since_the_last_import_is_recorded(db, load) -> None:
    load("agencies", AGENCIES)
    summary = load("agencies", "code,name,currency,offer_accepted_at\nAG02,Beta Media,UAH,2026-02-01T09:00:00Z")
    assert summary.updated == 1
    with db.read() as session:
        beta = session.scalar(select(Agency).where(Agency.code == "AG02"))
        assert beta is not None
        assert beta.offer_accepted_at == datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def test_agency_rows_with_problems_refuse_the_whole_file(db, load, counts, audits) -> None:
    load("agencies", AGENCIES)
    text = """
code,name,currency,offer_accepted_at,manager
AG03,Gamma,EUR,,
AG01,Alpha Renamed,EUR,,
AG04,,usd,,
AG05,Delta,EUR,2026-03-29T03:30,
AG03,Gamma,USD,,
"""
    with pytest.raises(FileRejected) as caught:
        load("agencies", text)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("refused: 5 problems, nothing was written")
    assert lines[1:] == [
        "row 3: name: agency AG01 is known as 'Alpha Digital'",
        "row 4: currency: 'usd' is not an ISO 4217 currency code",
        "row 4: name: is empty",
        "row 5: offer_accepted_at: '2026-03-29T03:30' does not exist in Europe/Kyiv (the clocks skip that hour)",
        "row 6: code: 'AG03' is listed again on row 2 with different content",
    ]
    # AG03 of row 2 was fine, but nothing of the file was written
    assert counts(Agency, ImportRun) == {"agencies": 2, "imports": 1}
    last = audits()[-1]
    assert (last.action, last.outcome) == ("import", "refused")
    assert last.message is not None
    assert "5 problems" in last.message


def test_missing_columns_are_reported_on_row_1(load) -> None:
    with pytest.raises(FileRejected) as caught:
        load("agencies", "code,title\nAG01,Alpha")
    assert str(caught.value).splitlines()[1:] == ["row 1: currency: missing column", "row 1: name: missing column"]


def test_validate_only_writes_nothing(db, write_csv, counts) -> None:
    summary = validate_file(db, Actor("m", Role.MANAGER), "agencies", write_csv(AGENCIES))
    assert summary.added == 2
    assert counts(Agency, ImportRun) == {"agencies": 0, "imports": 0}


def test_a_manager_may_not_import(db, write_csv, counts, audits) -> None:
    with pytest.raises(Refused, match=r"m \(manager\) may not import files: it needs the finance role"):
        import_file(db, Actor("m", Role.MANAGER), "agencies", write_csv(AGENCIES))
    assert counts(Agency) == {"agencies": 0}
    assert [(r.user_name, r.action, r.outcome) for r in audits()] == [("m", "import", "refused")]


PROJECTS = """
project_id,name,currency,agency_code,connected_at,disconnected_at
P1,Shop,UAH,AG01,2025-12-01,2026-01-15T00:00
P1,Shop,UAH,AG02,2026-01-15T00:00,
P2,Clinic,USD,AG02,2025-11-01,
"""


def test_projects_with_a_move_between_agencies(db, load, counts) -> None:
    load("agencies", AGENCIES)
    summary = load("projects", PROJECTS)
    assert (summary.rows, summary.added) == (3, 3)
    assert counts(Project, Connection) == {"projects": 2, "connections": 3}
    again = load("projects", PROJECTS)
    assert (again.added, again.known) == (0, 3)
    assert counts(Project, Connection) == {"projects": 2, "connections": 3}


def test_an_open_connection_may_be_closed_by_a_later_export(db, load) -> None:
    load("agencies", AGENCIES)
    load("projects", "project_id,name,currency,agency_code,connected_at\nP2,Clinic,USD,AG02,2025-11-01")
    summary = load("projects", "project_id,name,currency,agency_code,connected_at,disconnected_at\n"
                               "P2,Clinic,USD,AG02,2025-11-01,2026-02-01")
    assert summary.updated == 1
    with db.read() as session:
        conn = session.scalar(select(Connection))
        assert conn is not None
        assert conn.disconnected_at == datetime(2026, 1, 31, 22, 0, tzinfo=UTC)  # Kyiv midnight


def test_project_problems(db, load, counts) -> None:
    load("agencies", AGENCIES)
    load("projects", PROJECTS)
    text = """
project_id,name,currency,agency_code,connected_at,disconnected_at
P3,New,EUR,AG09,2026-01-01,
P2,Clinic Renamed,USD,AG02,2025-11-01,
P4,Late,EUR,AG01,2026-02-01,2026-01-01
P5,Twice,EUR,AG01,2026-01-01,2026-03-01
P5,Twice,EUR,AG02,2026-02-01,
P1,Shop,UAH,AG01,2025-12-01,2026-01-20
"""
    with pytest.raises(FileRejected) as caught:
        load("projects", text)
    assert str(caught.value).splitlines()[1:] == [
        "row 2: agency_code: unknown agency 'AG09'",
        "row 3: name: project P2 is known as 'Clinic'",
        "row 4: disconnected_at: is not after connected_at",
        "row 6: connected_at: connection of project P5 to AG02 from 2026-01-31T22:00:00+00:00 overlaps "
        "its connection to AG01 from 2025-12-31T22:00:00+00:00",
        "row 7: disconnected_at: this connection is known to end at 2026-01-14T22:00:00+00:00",
    ]
    assert counts(Project, Connection) == {"projects": 2, "connections": 3}


RATES = """
date,currency,per_usd
2026-01-01,UAH,41.25
2026-01-01,EUR,0.92
2026-01-01,USD,1
"""


def test_rates_import_exact_and_idempotent(db, load) -> None:
    summary = load("rates", RATES)
    assert summary.added == 3
    with db.read() as session:
        stored = {(r.currency, r.day): r.per_usd for r in session.scalars(select(Rate))}
    assert stored[("UAH", date(2026, 1, 1))] == Decimal("41.25")
    assert stored[("EUR", date(2026, 1, 1))] == Decimal("0.92")
    assert load("rates", RATES).known == 3


def test_rate_problems(db, load, counts) -> None:
    load("rates", RATES)
    text = """
date,currency,per_usd
2026-01-01,UAH,41.30
2026-01-02,USD,1.1
2026-01-02,EUR,0
2026-01-02,EUR,-1
2026-02-30,EUR,0.9
2026-01-03,GBP,0.8
2026-01-03,GBP,0.81
"""
    with pytest.raises(FileRejected) as caught:
        load("rates", text)
    assert str(caught.value).splitlines()[1:] == [
        "row 2: per_usd: UAH on 2026-01-01 is known as 41.25",
        "row 3: per_usd: USD's rate is always 1",
        "row 4: per_usd: '0' is not a positive rate",
        "row 5: per_usd: '-1' is not a positive rate",
        "row 6: date: '2026-02-30' is not a date (YYYY-MM-DD)",
        "row 8: per_usd: GBP on 2026-01-03 is listed on row 7 as 0.8",
    ]
    assert counts(Rate) == {"rates": 3}


def tables(db) -> dict[str, set[tuple[Decimal, Decimal]]]:
    with db.read() as session:
        versions = {v.id: str(v.effective_from) for v in session.scalars(select(TierVersion))}
        result: dict[str, set[tuple[Decimal, Decimal]]] = {p: set() for p in versions.values()}
        for level in session.scalars(select(TierLevel)):
            result[versions[level.version_id]].add((level.min_usd, level.percent))
    return result


def test_default_commission_table_is_there_from_the_beginning(db) -> None:
    assert tables(db) == {"0001-01": {
        (Decimal("0"), Decimal("10")), (Decimal("500"), Decimal("15")), (Decimal("1500"), Decimal("20")),
        (Decimal("5000"), Decimal("25")), (Decimal("10000"), Decimal("30")),
    }}


def test_a_new_commission_table_version(db, load) -> None:
    summary = load("tiers", "effective_from,min_turnover_usd,percent\n2026-03,0,12\n2026-03,1000,17.5")
    assert summary.added == 2
    assert tables(db)["2026-03"] == {(Decimal("0"), Decimal("12")), (Decimal("1000"), Decimal("17.5"))}
    # the same version again is known, not added
    assert load("tiers", "effective_from,min_turnover_usd,percent\n2026-03,1000,17.5\n2026-03,0,12").known == 2


def test_tier_problems(db, load) -> None:
    text = """
effective_from,min_turnover_usd,percent
2026-13,0,10
2026-04,-5,10
2026-04,100,101
2026-05,0,10
2026-05,0,11
"""
    with pytest.raises(FileRejected) as caught:
        load("tiers", text)
    assert str(caught.value).splitlines()[1:] == [
        "row 2: effective_from: '2026-13' is not a period (YYYY-MM)",
        "row 3: min_turnover_usd: is negative",
        "row 4: percent: is not between 0 and 100",
        "row 6: min_turnover_usd: 0 is listed for 2026-05 on row 5 too",
    ]
    assert set(tables(db)) == {"0001-01"}


def test_commission_tables_are_imported_by_admins_only(db, write_csv, audits) -> None:
    path = write_csv("effective_from,min_turnover_usd,percent\n2026-03,0,50")
    with pytest.raises(Refused, match=r"fin \(finance\) may not change commission tables: it needs the admin role"):
        import_file(db, Actor("fin", Role.FINANCE), "tiers", path)
    assert set(tables(db)) == {"0001-01"}
    assert (audits()[-1].user_name, audits()[-1].outcome) == ("fin", "refused")
    assert import_file(db, Actor("root", Role.ADMIN), "tiers", path).added == 1
    # other reference data stays with finance
    assert import_file(db, Actor("fin", Role.FINANCE), "rates", write_csv(RATES)).added == 3
