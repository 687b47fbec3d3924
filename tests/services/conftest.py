"""Fixtures for service tests: importing small CSV data sets and reading what was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from partner_desk.domain.roles import SETUP
from partner_desk.services.imports import ImportSummary, import_file
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord

Importer = Callable[[str, str], ImportSummary]


@pytest.fixture
def load(db: Database, write_csv: Callable[[str], Path]) -> Importer:
    """Import CSV text of a kind as the set-up actor: load("agencies", "code,name,currency\\n...")."""

    def run(kind: str, text: str) -> ImportSummary:
        return import_file(db, SETUP, kind, write_csv(text))

    return run


def count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_rows(db: Database) -> list[AuditRecord]:
    with db.read() as session:
        return list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))


@pytest.fixture
def counts(db: Database) -> Callable[..., dict[str, int]]:
    """Row counts of the given models, to show that a refused action wrote nothing."""

    def run(*models: Any) -> dict[str, int]:
        return {m.__tablename__: count(db, m) for m in models}

    return run


@pytest.fixture
def audits(db: Database) -> Callable[[], list[AuditRecord]]:
    return lambda: audit_rows(db)
