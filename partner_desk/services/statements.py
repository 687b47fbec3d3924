"""Partner statements (SPEC section 9): one agency's posted period, a preview, or every agency.

A statement reads posted accruals and ledger entries only, so it is the same whenever it is
produced (but for its 'produced on' date). It is an Excel workbook or a PDF (the file name's
suffix chooses), written in the agency's language unless another is asked for. Producing one needs
the manager role; it changes nothing, so a successful export writes no audit record, while a
refused one is recorded. Every file is written under a temporary name beside its target and renamed
into place, so an interrupted run never leaves a half-written statement; the temporary files of a
run that was killed outright are removed by the next run into the same folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.errors import UserError
from partner_desk.domain.languages import parse_language, statement_language
from partner_desk.domain.periods import Period, parse_period, today_in
from partner_desk.domain.refusals import Refusal, Said
from partner_desk.domain.rewards import RewardSchedule
from partner_desk.domain.roles import Action, Actor
from partner_desk.files.atomic import atomic_path, close_abandoned_zips, remove_stale
from partner_desk.files.statement import write_statement
from partner_desk.files.statement_model import FORMATS, LineTotals, Statement
from partner_desk.refusal_text import Refused, read
from partner_desk.services.accruals import preview_period
from partner_desk.services.audit_trail import Head, head_in
from partner_desk.services.guard import checked
from partner_desk.services.statement_data import Expected, check_totals, posted_statement, preview_statement
from partner_desk.store.engine import Database
from partner_desk.store.models import Accrual, Agency, LedgerEntry, PostedPeriod
from partner_desk.store.queries import company_tz, default_statement_language, reward_schedule

ACTION = Action.STATEMENT
Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


class StatementWriter(Protocol):
    """A statement format's writer: the workbook or the PDF."""

    def __call__(self, statement: Statement, path: Path, language: str = ..., *,
                 audit_head: str | None = ...) -> LineTotals: ...
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# the names statement_file_name gives: CODE_YYYY-MM.xlsx or .pdf
_STATEMENT_NAME = re.compile(r"[A-Za-z0-9._-]+_\d{4}-\d{2}\.(xlsx|pdf)")


@dataclass(frozen=True)
class StatementResult:
    """One statement written: where, and the figures it shows."""

    path: Path
    agency: str
    period: Period
    currency: str
    lines: int
    commission: Decimal
    closing_balance: Decimal
    preview: bool = False
    language: str = "en"


@dataclass(frozen=True)
class BulkResult:
    """A run over every agency of a period; `cancelled` when it stopped early on request."""

    period: Period
    folder: Path
    total: int
    written: list[StatementResult] = field(default_factory=list)
    cancelled: bool = False


def statement_file_name(code: str, period: Period, fmt: str = "xlsx") -> str:
    """`CODE_PERIOD.xlsx` (or `.pdf`); characters a file name cannot safely hold become '_'."""
    return f"{_UNSAFE.sub('_', code)}_{period}.{fmt}"


def export_statement(db: Database, actor: Actor, code: str, period: Period | str, path: Path | str,
                     *, produced_on: date | None = None, language: str | None = None) -> StatementResult:
    """Write the statement of a posted period for one agency to `path`: an .xlsx or a .pdf file, in
    `language` ('uk' or 'en'), or by default in the agency's language."""
    with (_one_file(db, actor, code, period, path, language) as (period_value, target, chosen),
          db.read() as session):
        tz = company_tz(session)
        _require_posted(session, period_value)
        agency = _agency(session, code)
        statement, expected = posted_statement(session, agency, period_value, tz, reward_schedule(session),
                                               produced_on or today_in(tz))
        return _write(statement, expected, target, _language_of(session, agency, chosen), head_in(session))


def export_preview(db: Database, actor: Actor, code: str, period: Period | str, path: Path | str,
                   *, as_of: date | None = None, produced_on: date | None = None,
                   language: str | None = None) -> StatementResult:
    """Write what the statement of a period not yet posted would show, marked as a preview."""
    with _one_file(db, actor, code, period, path, language, preview=True) as (period_value, target, chosen):
        with db.read() as session:
            _agency(session, code)  # an unknown agency is refused before the period is computed
        run = preview_period(db, actor, period_value, as_of)
        if run.already_accrued:
            raise Refused(Refusal("preview_posted", {"period": period_value}))
        accrual = next((a for a in run.accruals if a.agency == code), None)
        with db.read() as session:
            tz = company_tz(session)
            agency = _agency(session, code)
            statement, expected = preview_statement(session, agency, period_value, accrual, tz,
                                                    reward_schedule(session), produced_on or today_in(tz))
            return _write(statement, expected, target, _language_of(session, agency, chosen), head_in(session))


@contextmanager
def _one_file(db: Database, actor: Actor, code: str, period: Period | str, path: Path | str, language: str | None,
              *, preview: bool = False) -> Iterator[tuple[Period, Path, str | None]]:
    """What exporting one agency's statement checks first, its refusals recorded: the period, the file
    and the language asked for."""
    period_value = _period(period)
    target = Path(path)
    with checked(db, actor, ACTION, f"{code}:{period_value}{':preview' if preview else ''}"):
        _check_file(target)
        yield period_value, target, _language(language)


def export_statements(db: Database, actor: Actor, period: Period | str, folder: Path | str, *,
                      produced_on: date | None = None, progress: Progress | None = None,
                      cancelled: CancelCheck | None = None, fmt: str = "xlsx",
                      language: str | None = None) -> BulkResult:
    """Write `CODE_PERIOD.xlsx` (or `.pdf`, with `fmt`) into `folder` for every agency with lines or
    ledger activity in a posted period, each in its agency's language unless `language` is given.
    `progress(done, total, code)` is called after each file; `cancelled()` is asked before each one,
    and a true answer stops the run (the files already written are complete)."""
    period_value = _period(period)
    target = Path(folder)
    with checked(db, actor, ACTION, f"*:{period_value}"):
        if fmt not in FORMATS:
            raise UserError(f"'{fmt}' is not a statement format: use xlsx or pdf")
        chosen = _language(language)
        with db.read() as session:
            tz = company_tz(session)
            _require_posted(session, period_value)
            _check_folder(target)
            remove_stale(target, _STATEMENT_NAME)
            agencies = _active_agencies(session, period_value)
            return _write_all(session, agencies, period_value, target, tz, reward_schedule(session),
                              produced_on or today_in(tz), progress, cancelled, fmt, chosen)


def _write_all(session: Session, agencies: list[Agency], period: Period, folder: Path, tz: ZoneInfo,
               rewards: RewardSchedule, produced_on: date, progress: Progress | None,
               cancelled: CancelCheck | None, fmt: str, language: str | None) -> BulkResult:
    result = BulkResult(period, folder, len(agencies))
    default = default_statement_language(session)
    head = head_in(session)
    for done, agency in enumerate(agencies, 1):
        if cancelled is not None and cancelled():
            return BulkResult(period, folder, len(agencies), result.written, cancelled=True)
        statement, expected = posted_statement(session, agency, period, tz, rewards, produced_on)
        result.written.append(_write(statement, expected, folder / statement_file_name(agency.code, period, fmt),
                                     statement_language(language, agency.language, default), head))
        if progress is not None:
            progress(done, len(agencies), agency.code)
    return result


def _write(statement: Statement, expected: Expected, target: Path, language: str, head: Head) -> StatementResult:
    """Write one statement; its document properties carry the audit trail's head as it was read."""
    s = statement.summary
    try:
        with atomic_path(target) as temporary:
            totals = _writer(target)(statement, temporary, language, audit_head=str(head))
            check_totals(s.agency_code, s.period, s.currency, totals, expected)
    except OSError as exc:
        close_abandoned_zips(exc.__traceback__)
        raise _cannot_write(target, exc) from None
    return StatementResult(target, s.agency_code, s.period, s.currency, totals.count, totals.commission,
                           s.closing.balance, s.preview, language)


def _writer(target: Path) -> StatementWriter:
    """The writer the file name's suffix asks for."""
    if target.suffix.lower() == ".pdf":
        from partner_desk.files.statement_pdf import write_statement_pdf  # noqa: PLC0415 - the PDF writer loads Qt: only for a PDF

        return write_statement_pdf
    return write_statement


def _language(chosen: str | None) -> str | None:
    """A language asked for by the caller, checked; None leaves it to each agency."""
    return None if chosen is None else read(parse_language, chosen)


def _language_of(session: Session, agency: Agency, chosen: str | None) -> str:
    return statement_language(chosen, agency.language, default_statement_language(session))


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else read(parse_period, period)


def _check_file(target: Path) -> None:
    if target.suffix.lower().lstrip(".") not in FORMATS:
        raise Refused(Refusal("statement_name", {"path": str(target)}))
    try:
        if not target.parent.is_dir():
            raise Refused(Refusal("no_folder", {"path": str(target), "folder": str(target.parent)}))
        if target.is_dir():
            raise Refused(Refusal("is_a_folder", {"path": str(target)}))
    except OSError as exc:  # a name too long for the file system, say
        raise _cannot_write(target, exc) from None


def _cannot_write(target: Path, exc: OSError) -> Refused:
    return Refused(Refusal("cannot_write", {"path": str(target), "detail": Said(str(exc.strerror or exc))}))


def _check_folder(target: Path) -> None:
    try:
        if target.exists() and not target.is_dir():
            raise Refused(Refusal("is_a_file", {"path": str(target)}))
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(Refusal("cannot_create_folder", {"path": str(target),
                                                       "detail": Said(str(exc.strerror or exc))})) from None


def _require_posted(session: Session, period: Period) -> None:
    if session.get(PostedPeriod, str(period)) is None:
        raise Refused(Refusal("not_posted", {"period": period}))


def _agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise Refused(Refusal("unknown_agency", {"agency": code}))
    return agency


def _active_agencies(session: Session, period: Period) -> list[Agency]:
    """Agencies with an accrual in the period or a ledger entry effective in it, by code."""
    with_lines = select(Accrual.agency_id).where(Accrual.period == str(period))
    with_entries = select(LedgerEntry.agency_id).where(
        LedgerEntry.effective_on >= period.first_day, LedgerEntry.effective_on < period.end)
    stmt = select(Agency).where(Agency.id.in_(with_lines.union(with_entries))).order_by(Agency.code)
    return list(session.scalars(stmt))
