"""What every import kind shares: its context and its summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from partner_desk.files.table import Problem


@dataclass
class ImportContext:
    session: Session
    tz: ZoneInfo
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportSummary:
    kind: str
    file_name: str
    rows: int = 0
    added: int = 0
    known: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)

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
