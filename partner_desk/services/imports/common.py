"""What every import kind shares: its context and its summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.periods import today_in
from partner_desk.files.table import Problems
from partner_desk.services.imports.fields import RowReader
from partner_desk.store.models import Agency, Project


@dataclass
class ImportContext:
    """One import's transaction, company time zone, today, and the problems found so far.

    `held` are the currencies the database already has agencies or projects in: they stay usable
    in new rows even after they are withdrawn (domain/bounds.py)."""

    session: Session
    tz: ZoneInfo
    problems: Problems
    today: date  # the product's today in the company time zone (domain/clock.py)
    held: frozenset[str] = frozenset()

    @classmethod
    def open(cls, session: Session, tz: ZoneInfo) -> ImportContext:
        held = set(session.scalars(select(Agency.currency).distinct()))
        held.update(session.scalars(select(Project.currency).distinct()))
        return cls(session, tz, Problems(), today_in(tz), frozenset(held))

    def row(self, number: int, cells: dict[str, str]) -> RowReader:
        """A reader of one row's cells that records its problems here."""
        return RowReader(number, cells, self.problems, today=self.today, held=self.held)


@dataclass
class ImportSummary:
    kind: str
    file_name: str
    rows: int = 0
    added: int = 0
    known: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)
    # new payments of projects never connected to an agency (the window words its own note of them)
    unconnected: int = 0

    def __str__(self) -> str:
        text = (
            f"{self.kind}: {self.rows} row{'s' if self.rows != 1 else ''} read, {self.added} added, "
            f"{self.known} already known"
        )
        if self.updated:
            text += f", {self.updated} updated"
        return "; ".join([text, *self.notes])

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "rows": self.rows,
            "added": self.added,
            "known": self.known,
            "updated": self.updated,
            "notes": list(self.notes),
        }
