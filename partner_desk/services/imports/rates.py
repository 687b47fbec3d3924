"""Exchange rates: date, currency, per_usd (units of the currency per 1 USD)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from partner_desk.domain.bounds import rate_problem
from partner_desk.domain.money import USD
from partner_desk.domain.refusals import Refusal
from partner_desk.files.table import RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store.models import Rate

COLUMNS = ("date", "currency", "per_usd")
OPTIONAL: tuple[str, ...] = ()


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    existing = {(r.currency, r.day): r.per_usd for r in ctx.session.scalars(select(Rate))}
    seen: dict[tuple[str, date], tuple[int, Decimal]] = {}
    new_rows = []
    for number, cells in source:
        summary.rows += 1
        row = ctx.row(number, cells)
        day = row.day("date")
        currency = row.currency()
        per_usd = row.decimal("per_usd")
        rate_wrong = None if per_usd is None else rate_problem(per_usd, cells.get("per_usd", ""))
        if rate_wrong is not None:
            row.fail("per_usd", rate_wrong)
        if currency == USD and per_usd is not None and per_usd != 1:
            row.fail("per_usd", Refusal("usd_rate_one"))
        if not row.ok or day is None or currency is None or per_usd is None:
            continue
        key = (currency, day)
        if key in seen:
            if seen[key][1] != per_usd:
                row.fail("per_usd", Refusal("rate_listed_again", {"currency": currency, "day": day, "row": seen[key][0],
                                                                  "rate": seen[key][1]}))
            continue
        seen[key] = (number, per_usd)
        if key in existing:
            if existing[key] != per_usd:
                row.fail("per_usd", Refusal("rate_known", {"currency": currency, "day": day, "rate": existing[key]}))
            else:
                summary.known += 1
            continue
        new_rows.append({"currency": currency, "day": day, "per_usd": per_usd})
    if new_rows and not ctx.problems:
        ctx.session.execute(insert(Rate), new_rows)
    summary.added += len(new_rows)
