"""Commission tables: effective_from, min_turnover_usd, percent; each effective_from a whole version.

A version an accrued period used can no longer change, and no version may start in a period that is
already posted (that would change the table a posted period was computed under).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select

from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.tiers import BEGINNING, Level, TierHistory, validate_levels
from partner_desk.files.table import Problem, RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store.models import TierLevel, TierVersion
from partner_desk.store.queries import posted_periods, tier_history

COLUMNS = ("effective_from", "min_turnover_usd", "percent")
OPTIONAL: tuple[str, ...] = ()
# in an XLSX file, a cell formatted as a percent is read as the percent it shows here (0.15 is 15)
PERCENT_COLUMNS = ("percent",)


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    """Check every row and every version the file lists; write the versions while no problem is found."""
    versions = _read_versions(ctx, source, summary)
    history = tier_history(ctx.session)
    posted = posted_periods(ctx.session)
    existing = {v.effective_from: v for v in ctx.session.scalars(select(TierVersion))}
    used_versions = {history.table_for(p).version_id for p in posted}
    last_posted = posted[-1] if posted else None
    for period, rows in sorted(versions.items()):
        levels = tuple(level for _, level in rows)
        current = existing.get(period)
        if not _version_changes(ctx, history, used_versions, last_posted, period, rows, current, summary):
            continue
        if not ctx.problems:
            _write_version(ctx, period, levels, current, summary)


def _read_versions(ctx: ImportContext, source: RowSource, summary: ImportSummary
                   ) -> dict[Period, list[tuple[int, Level]]]:
    """The levels of each version, with the row each came from; a row's problems are recorded."""
    versions: dict[Period, list[tuple[int, Level]]] = {}
    for number, cells in source:
        summary.rows += 1
        row = ctx.row(number, cells)
        # the default table's version, from the beginning, may be replaced while no period used it
        period = row.period("effective_from", also=(BEGINNING,))
        threshold = row.decimal("min_turnover_usd")
        percent = row.decimal("percent")
        if threshold is not None and threshold < 0:
            row.fail("min_turnover_usd", Refusal("is_negative"))
        if percent is not None and not Decimal(0) <= percent <= 100:
            row.fail("percent", Refusal("percent_range"))
        if not row.ok or period is None or threshold is None or percent is None:
            continue
        rows = versions.setdefault(period, [])
        for other_number, other in rows:
            if other.min_usd == threshold:
                row.fail("min_turnover_usd", Refusal("threshold_listed_again", {
                    "threshold": threshold, "period": period, "row": other_number}))
                break
        else:
            rows.append((number, Level(threshold, percent)))
    return versions


def _version_changes(ctx: ImportContext, history: TierHistory, used_versions: set[int | None],
                     last_posted: Period | None, period: Period, rows: list[tuple[int, Level]],
                     current: TierVersion | None, summary: ImportSummary) -> bool:
    """Whether the version from `period` is new or changed and may be written; a version the file
    repeats as it is counts as known, one that may not change is a problem."""
    first_row = rows[0][0]
    levels = tuple(level for _, level in rows)
    for reason in validate_levels(levels):
        ctx.problems.append(Problem.of(first_row, "min_turnover_usd", reason))
    if current is not None:
        known = {(lv.min_usd, lv.percent) for t in history.tables if t.version_id == current.id
                 for lv in t.levels}
        if known == {(lv.min_usd, lv.percent) for lv in levels}:
            summary.known += len(levels)
            return False
        if current.id in used_versions:
            ctx.problems.append(Problem.of(first_row, "effective_from", Refusal("table_used", {"period": period})))
            return False
    if last_posted is not None and period <= last_posted:
        ctx.problems.append(Problem.of(first_row, "effective_from", Refusal(
            "table_posted", {"period": period, "next": last_posted.next()})))
        return False
    return True


def _write_version(ctx: ImportContext, period: Period, levels: tuple[Level, ...], current: TierVersion | None,
                   summary: ImportSummary) -> None:
    if current is not None:
        ctx.session.execute(delete(TierLevel).where(TierLevel.version_id == current.id))
        version = current
        summary.updated += len(levels)
    else:
        version = TierVersion(effective_from=period)
        ctx.session.add(version)
        ctx.session.flush()
        summary.added += len(levels)
    for level in levels:
        ctx.session.add(TierLevel(version_id=version.id, min_usd=level.min_usd, percent=level.percent))
