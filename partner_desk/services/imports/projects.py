"""Projects and their connection history: project_id, name, currency, agency_code, connected_at,
disconnected_at? — one row per connection, never overlapping.

An open connection may be closed by a later export (disconnected_at filled in); any other change
to a known project or connection is an error.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from partner_desk.domain.refusals import Refusal
from partner_desk.files.table import Problem, RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.services.imports.fields import RowReader
from partner_desk.store import accrual_scan as scan
from partner_desk.store.models import Agency, Connection, Project

COLUMNS = ("project_id", "name", "currency", "agency_code", "connected_at")
OPTIONAL = ("disconnected_at",)


@dataclass(slots=True)
class _Span:
    """One connection of a project as it will stand: its agency, its moments, the file row that
    gave it (0: stored), and the stored connection it is."""

    agency_id: int
    agency_code: str
    connected_at: datetime
    disconnected_at: datetime | None
    row: int
    stored: Connection | None


class _Plan:
    """What a projects file adds: new projects, and every project's connections as they will stand."""

    def __init__(self, ctx: ImportContext) -> None:
        session = ctx.session
        self.agencies = {a.code: a for a in session.scalars(select(Agency))}
        codes = {a.id: a.code for a in self.agencies.values()}
        self.projects = {p.project_id: p for p in session.scalars(select(Project))}
        self.spans: dict[str, dict[datetime, _Span]] = {}
        for c in session.scalars(select(Connection)):
            self.spans.setdefault(c.project_id, {})[c.connected_at] = _Span(
                c.agency_id, codes[c.agency_id], c.connected_at, c.disconnected_at, 0, c
            )
        self.file_projects: dict[str, tuple[int, str, str]] = {}
        self.touched: set[str] = set()


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    """Check every row and the connections they make; write them only when no row has a problem."""
    plan = _Plan(ctx)
    for number, cells in source:
        summary.rows += 1
        _read_row(ctx, plan, number, ctx.row(number, cells), summary)
    _check_overlaps(ctx, plan)
    if not ctx.problems:
        _write(ctx, plan, summary)


def _read_row(ctx: ImportContext, plan: _Plan, number: int, row: RowReader, summary: ImportSummary) -> None:
    project_id = row.text("project_id", max_length=64)
    name = row.text("name")
    currency = row.currency()
    agency_code = row.text("agency_code", max_length=32)
    connected = row.moment("connected_at", ctx.tz)
    disconnected = row.moment("disconnected_at", ctx.tz, required=False)
    agency = plan.agencies.get(agency_code) if agency_code else None
    if agency_code and agency is None:
        row.fail("agency_code", Refusal("unknown_agency", {"agency": agency_code}))
    if connected and disconnected and disconnected <= connected:
        row.fail("disconnected_at", Refusal("not_after_connected"))
    if not row.ok or not (project_id and name and currency and agency and connected):
        return
    _check_project(plan, row, number, project_id, name, currency)
    if row.ok:
        _connect(plan, row, number, project_id, agency, connected, disconnected, summary)


def _check_project(plan: _Plan, row: RowReader, number: int, project_id: str, name: str, currency: str) -> None:
    """A project keeps its name and currency: as stored, or as the file's first row of it says."""
    known = plan.projects.get(project_id)
    if known is not None:
        if known.name != name:
            row.fail("name", Refusal("project_known_as", {"project": project_id, "name": known.name}))
        if known.currency != currency:
            row.fail("currency", Refusal("project_known_currency", {"project": project_id, "currency": known.currency}))
    elif project_id in plan.file_projects:
        first, first_name, first_currency = plan.file_projects[project_id]
        if first_name != name:
            row.fail("name", Refusal("project_named_on_row", {"project": project_id, "name": first_name, "row": first}))
        if first_currency != currency:
            row.fail("currency", Refusal("project_currency_on_row", {"project": project_id, "currency": first_currency,
                                                                 "row": first}))
    else:
        plan.file_projects[project_id] = (number, name, currency)


def _connect(plan: _Plan, row: RowReader, number: int, project_id: str, agency: Agency, connected: datetime,
             disconnected: datetime | None, summary: ImportSummary) -> None:
    """A connection: new, already known, or an open one now closed; any other change is a problem."""
    project_spans = plan.spans.setdefault(project_id, {})
    span = project_spans.get(connected)
    if span is None:
        project_spans[connected] = _Span(agency.id, agency.code, connected, disconnected, number, None)
        plan.touched.add(project_id)
    elif span.agency_id != agency.id:
        row.fail("agency_code", Refusal("connected_elsewhere", {"project": project_id, "agency": span.agency_code}))
    elif disconnected is None or span.disconnected_at == disconnected:
        if span.stored is not None:
            summary.known += 1
    elif span.disconnected_at is None:
        span.disconnected_at = disconnected
        span.row = number
        plan.touched.add(project_id)
    else:
        row.fail("disconnected_at", Refusal("connection_ends", {"moment": span.disconnected_at}))


def _check_overlaps(ctx: ImportContext, plan: _Plan) -> None:
    """A project's connections never overlap, stored ones and the file's together."""
    for project_id in sorted(plan.touched):
        ordered = sorted(plan.spans[project_id].values(), key=lambda s: s.connected_at)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.disconnected_at is None or earlier.disconnected_at > later.connected_at:
                blamed = later if later.stored is None else earlier
                ctx.problems.append(_overlap(blamed.row, project_id, earlier, later))


def _write(ctx: ImportContext, plan: _Plan, summary: ImportSummary) -> None:
    session = ctx.session
    for project_id, (_, name, currency) in plan.file_projects.items():
        session.add(Project(project_id=project_id, name=name, currency=currency))
    session.flush()
    last = scan.last_posted(session)
    connected_anew: list[tuple[str, datetime]] = []
    for project_id in sorted(plan.touched):
        for span in plan.spans[project_id].values():
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
    return Problem.of(row, "connected_at", Refusal("connections_overlap", {
        "project": project_id, "agency": later.agency_code, "moment": later.connected_at,
        "other": earlier.agency_code, "since": earlier.connected_at}))
