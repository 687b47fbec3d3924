"""Payments: payment_id, project_id, paid_at, service, amount, currency, refund_of?

Rows are checked and written in batches inside the import's one transaction; refunds are checked
at the end against their originals, wherever those came from, then written. Any problem rolls the
whole file back. Rows are written even once a problem is found (the transaction is rolled back at
the end), so a refund finds its original in the database and memory stays bounded by a batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from functools import cache

from sqlalchemy import select

from partner_desk.domain.accrual import SERVICE_KINDS
from partner_desk.domain.money import format_amount, from_minor, to_minor
from partner_desk.domain.periods import Period, local_date
from partner_desk.files.table import Problem, RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store.bulk import collector_paused, insert_rows
from partner_desk.store.models import Connection, Payment
from partner_desk.store.sums import exact_sum

COLUMNS = ("payment_id", "project_id", "paid_at", "service", "amount", "currency")
OPTIONAL = ("refund_of",)
BATCH = 20_000
LOOKUP = 5_000
INSERT_COLUMNS = (
    "payment_id", "project_id", "paid_at", "local_date", "period", "service", "amount_minor", "currency",
    "refund_of",
)
# (project_id, paid_at, service, amount_minor, currency, refund_of)
Content = tuple[str, datetime, str, int, str, str | None]


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    with collector_paused():
        _load(ctx, source, summary)


def _load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    batch: list[tuple[int, str, Content]] = []
    refunds: list[tuple[int, str, Content]] = []
    new_by_project: Counter[str] = Counter()
    table = Payment.__table__

    def flush() -> None:
        fresh = _drop_known(ctx, batch, summary)
        rows = [_insert_row(pid, content, ctx) for _, pid, content in fresh]
        insert_rows(ctx.session, table, INSERT_COLUMNS, rows)  # type: ignore[arg-type]
        for _, _, content in fresh:
            new_by_project[content[0]] += 1
        summary.added += len(fresh)
        batch.clear()

    for number, cells in source:
        summary.rows += 1
        row = ctx.row(number, cells)
        payment_id = row.text("payment_id", max_length=64)
        project_id = row.text("project_id", max_length=64)
        paid_at = row.payment_time("paid_at", ctx.tz)
        service = row.text("service", max_length=16)
        if service is not None and service not in SERVICE_KINDS:
            row.fail("service", f"'{service}' is not a service kind ({', '.join(SERVICE_KINDS)})")
        currency = row.currency()
        amount = row.amount("amount", currency)
        refund_of = row.text("refund_of", required=False, max_length=64)
        if amount is not None:
            if amount < 0 and refund_of is None:
                row.fail("refund_of", "is empty, but a negative amount is a refund and must name its payment")
            if amount >= 0 and refund_of is not None:
                row.fail("amount", "a refund must have a negative amount")
        if refund_of is not None and refund_of == payment_id:
            row.fail("refund_of", "a payment cannot refund itself")
        if not row.ok or not (payment_id and project_id and paid_at and service and currency):
            continue
        assert amount is not None
        content: Content = (project_id, paid_at, service, to_minor(amount, currency), currency, refund_of)
        # an identical repeat is harmless; a repeat with other content is reported by _drop_known
        (refunds if refund_of is not None else batch).append((number, payment_id, content))
        if len(batch) >= BATCH:
            flush()
    flush()
    _load_refunds(ctx, refunds, summary, new_by_project)
    _note_unconnected(ctx, summary, new_by_project)


def _insert_row(payment_id: str, content: Content, ctx: ImportContext) -> tuple[object, ...]:
    project_id, paid_at, service, minor, currency, refund_of = content
    day = local_date(paid_at, ctx.tz)
    return (payment_id, project_id, paid_at, day, _period_text(day.year, day.month), service, minor, currency,
            refund_of)


@cache
def _period_text(year: int, month: int) -> str:
    return str(Period(year, month))


def _stored(ctx: ImportContext, ids: Iterable[str]) -> dict[str, Content]:
    found: dict[str, Content] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), LOOKUP):
        chunk = id_list[start:start + LOOKUP]
        rows = ctx.session.execute(
            select(Payment.payment_id, Payment.project_id, Payment.paid_at, Payment.service,
                   Payment.amount_minor, Payment.currency, Payment.refund_of)
            .where(Payment.payment_id.in_(chunk))
        )
        for pid, *rest in rows:
            found[pid] = tuple(rest)  # type: ignore[assignment]
    return found


def _describe(content: Content) -> str:
    project_id, paid_at, service, minor, currency, refund_of = content
    amount = format_amount(from_minor(minor, currency), currency)
    text = f"{project_id}, {paid_at.isoformat()}, {service}, {amount} {currency}"
    return text + (f", refund of {refund_of}" if refund_of else "")


def _drop_known(ctx: ImportContext, batch: list[tuple[int, str, Content]],
                summary: ImportSummary) -> list[tuple[int, str, Content]]:
    """The rows of a batch that are new; known ids with other content are problems."""
    stored = _stored(ctx, {pid for _, pid, _ in batch})
    fresh: list[tuple[int, str, Content]] = []
    in_batch: dict[str, Content] = {}
    for number, pid, content in batch:
        known = stored.get(pid) or in_batch.get(pid)
        if known is None:
            in_batch[pid] = content
            fresh.append((number, pid, content))
        elif known != content:
            message = f"'{pid}' is known with other content ({_describe(known)})"
            ctx.problems.append(Problem(number, "payment_id", message))
        elif pid in stored:
            summary.known += 1
    return fresh


def _load_refunds(ctx: ImportContext, refunds: list[tuple[int, str, Content]], summary: ImportSummary,
                  new_by_project: Counter[str]) -> None:
    if not refunds:
        return
    fresh = _drop_known(ctx, refunds, summary)
    wanted = {c[5] for _, _, c in fresh if c[5] is not None}
    originals = _stored(ctx, wanted)
    in_file = {pid: content for _, pid, content in fresh}
    refunded: dict[str, int] = {}
    already = ctx.session.execute(
        select(Payment.refund_of, exact_sum(Payment.amount_minor))
        .where(Payment.refund_of.in_(list(originals)) if len(originals) < LOOKUP else Payment.refund_of.is_not(None))
        .group_by(Payment.refund_of)
    )
    for original_id, total in already:
        if original_id is not None:
            refunded[original_id] = -int(total)
    accepted = []
    for number, pid, content in fresh:
        project_id, paid_at, _service, minor, currency, original_id = content
        assert original_id is not None
        original = originals.get(original_id)
        if original is None:
            message = (f"'{original_id}' is itself a refund in this file" if original_id in in_file
                       else f"unknown payment '{original_id}'")
            ctx.problems.append(Problem(number, "refund_of", message))
            continue
        o_project, o_paid_at, _o_service, o_minor, o_currency, o_refund_of = original
        problems_before = len(ctx.problems)
        if o_refund_of is not None:
            ctx.problems.append(Problem(number, "refund_of", f"'{original_id}' is itself a refund"))
        if o_project != project_id:
            ctx.problems.append(Problem(number, "project_id",
                                        f"the refunded payment {original_id} belongs to project {o_project}"))
        if o_currency != currency:
            ctx.problems.append(Problem(number, "currency", f"the refunded payment {original_id} is in {o_currency}"))
        if paid_at < o_paid_at:
            ctx.problems.append(Problem(number, "paid_at",
                                        f"is before the refunded payment {original_id} ({o_paid_at.isoformat()})"))
        if len(ctx.problems) > problems_before:
            continue
        total = refunded.get(original_id, 0) + (-minor)
        if total > o_minor:
            left = o_minor - refunded.get(original_id, 0)
            ctx.problems.append(Problem(
                number, "amount",
                f"refunds more than is left of {original_id}: "
                f"{format_amount(from_minor(left, currency), currency)} {currency} left",
            ))
            continue
        refunded[original_id] = total
        accepted.append(_insert_row(pid, content, ctx))
        new_by_project[project_id] += 1
    summary.added += len(accepted)
    if not ctx.problems:
        insert_rows(ctx.session, Payment.__table__, INSERT_COLUMNS, accepted)  # type: ignore[arg-type]


def _note_unconnected(ctx: ImportContext, summary: ImportSummary, new_by_project: Counter[str]) -> None:
    if not new_by_project or ctx.problems:
        return
    connected = set(ctx.session.scalars(select(Connection.project_id).distinct()))
    never = sum(n for project, n in new_by_project.items() if project not in connected)
    if never:
        summary.notes.append(
            f"{never} payment{'s' if never != 1 else ''} of projects never connected to an agency "
            "(kept, earn nothing)"
        )


