"""Projects and their connection history: project_id, name, currency, agency_code, connected_at,
disconnected_at? — one row per connection, never overlapping.

An open connection may be closed by a later export (disconnected_at filled in); any other change
to a known project or connection is an error.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import select

from partner_desk.files.table import Problem, RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store import accrual_scan as scan
from partner_desk.store.models import Agency, Connection, Project

COLUMNS = ("project_id", "name", "currency", "agency_code", "connected_at")
OPTIONAL = ("disconnected_at",)


class _Span:
    __slots__ = ("agency_code", "agency_id", "connected_at", "disconnected_at", "row", "stored")

    def __init__(self, agency_id: int, agency_code: str, connected_at: datetime,
                 disconnected_at: datetime | None, row: int, stored: Connection | None) -> None:
        self.agency_id = agency_id
        self.agency_code = agency_code
        self.connected_at = connected_at
        self.disconnected_at = disconnected_at
        self.row = row
        self.stored = stored


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    session = ctx.session
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    codes = {a.id: a.code for a in agencies.values()}
    projects = {p.project_id: p for p in session.scalars(select(Project))}
    spans: dict[str, dict[datetime, _Span]] = {}
    for c in session.scalars(select(Connection)):
        spans.setdefault(c.project_id, {})[c.connected_at] = _Span(
            c.agency_id, codes[c.agency_id], c.connected_at, c.disconnected_at, 0, c
        )
    file_projects: dict[str, tuple[int, str, str]] = {}
    touched: set[str] = set()
    for number, cells in source:
        summary.rows += 1
        row = ctx.row(number, cells)
        project_id = row.text("project_id", max_length=64)
        name = row.text("name")
        currency = row.currency()
        agency_code = row.text("agency_code", max_length=32)
        connected = row.moment("connected_at", ctx.tz)
        disconnected = row.moment("disconnected_at", ctx.tz, required=False)
        agency = agencies.get(agency_code) if agency_code else None
        if agency_code and agency is None:
            row.fail("agency_code", f"unknown agency '{agency_code}'")
        if connected and disconnected and disconnected <= connected:
            row.fail("disconnected_at", "is not after connected_at")
        if not row.ok or not (project_id and name and currency and agency and connected):
            continue
        known = projects.get(project_id)
        if known is not None:
            if known.name != name:
                row.fail("name", f"project {project_id} is known as '{known.name}'")
            if known.currency != currency:
                row.fail("currency", f"project {project_id} is known with currency {known.currency}")
        elif project_id in file_projects:
            first, first_name, first_currency = file_projects[project_id]
            if first_name != name:
                row.fail("name", f"project {project_id} is named '{first_name}' on row {first}")
            if first_currency != currency:
                row.fail("currency", f"project {project_id} has currency {first_currency} on row {first}")
        else:
            file_projects[project_id] = (number, name, currency)
        if not row.ok:
            continue
        project_spans = spans.setdefault(project_id, {})
        span = project_spans.get(connected)
        if span is None:
            project_spans[connected] = _Span(agency.id, agency.code, connected, disconnected, number, None)
            touched.add(project_id)
            continue
        if span.agency_id != agency.id:
            row.fail("agency_code", f"project {project_id} was connected at that moment to {span.agency_code}")
        elif disconnected is None or span.disconnected_at == disconnected:
            if span.stored is not None:
                summary.known += 1
        elif span.disconnected_at is None:
            span.disconnected_at = disconnected
            span.row = number
            touched.add(project_id)
        else:
            row.fail("disconnected_at", f"this connection is known to end at {span.disconnected_at.isoformat()}")

    for project_id in sorted(touched):
        ordered = sorted(spans[project_id].values(), key=lambda s: s.connected_at)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.disconnected_at is None or earlier.disconnected_at > later.connected_at:
                blamed = later if later.stored is None else earlier
                ctx.problems.append(_overlap(blamed.row, project_id, earlier, later))
    if ctx.problems:
        return
    for project_id, (_, name, currency) in file_projects.items():
        session.add(Project(project_id=project_id, name=name, currency=currency))
    session.flush()
    last = scan.last_posted(session)
    connected_anew: list[tuple[str, datetime]] = []
    for project_id in sorted(touched):
        for span in spans[project_id].values():
            if span.stored is None:
                session.add(Connection(project_id=project_id, agency_id=span.agency_id,
                                       connected_at=span.connected_at, disconnected_at=span.disconnected_at))
                summary.added += 1
                connected_anew.append((project_id, span.connected_at))
            elif span.stored.disconnected_at != span.disconnected_at:
                span.stored.disconnected_at = span.disconnected_at
                summary.updated += 1
    if last is not None:
        # payments of closed months a new connection covers may now earn: the next posting looks at them
        for project_id, since in connected_anew:
            scan.queue_project(session, project_id, since, last)


def _overlap(row: int, project_id: str, earlier: _Span, later: _Span) -> Problem:
    return Problem(
        row,
        "connected_at",
        f"connection of project {project_id} to {later.agency_code} from {later.connected_at.isoformat()} "
        f"overlaps its connection to {earlier.agency_code} from {earlier.connected_at.isoformat()}",
    )
