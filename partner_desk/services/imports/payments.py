"""Payments: payment_id, project_id, paid_at, service, amount, currency, refund_of?

Rows are checked and written in batches inside the import's one transaction; refunds are checked
at the end against their originals, wherever those came from, then written. Any problem rolls the
whole file back. Rows are written even once a problem is found (the transaction is rolled back at
the end), so a refund finds its original in the database and memory stays bounded by a batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import select

from partner_desk.domain.accrual import SERVICE_KINDS, SUBSCRIPTION
from partner_desk.domain.bounds import FIRST_DAY, LAST_DAY, MAX_INTEGER_DIGITS, currency_problem, payment_window
from partner_desk.domain.money import Money, from_minor, minor_digits, to_minor
from partner_desk.domain.periods import ONE_DAY, Period, local_date
from partner_desk.domain.refusals import Code, Refusal
from partner_desk.files.table import Cells, Problem, RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.store import accrual_scan as scan
from partner_desk.store.bulk import InsertsBehind, collector_paused, insert_rows, insert_values
from partner_desk.store.models import Connection, Payment
from partner_desk.store.sums import exact_sum

COLUMNS = ("payment_id", "project_id", "paid_at", "service", "amount", "currency")
OPTIONAL = ("refund_of",)
BATCH = 20_000
LOOKUP = 5_000
ID_LENGTH = 64
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
    # every import holds the posting lock (store/locks.py): the month a payment is late in cannot
    # close behind it
    last = scan.last_posted(ctx.session)
    quick = _Quick(ctx)
    batch: list[tuple[int, str, Content]] = []
    refunds: list[tuple[int, str, Content]] = []
    plain: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    new_by_project: Counter[str] = Counter()
    # payments of a month already closed wait, noted, for the next posting (store/accrual_scan.py)
    late: list[str] = []
    table = Payment.__table__

    def flush() -> None:
        if plain and batch and not {row[0] for row in plain}.isdisjoint(pid for _, pid, _ in batch):
            # an id both read the quick way and the careful way: the rows are told apart in the
            # order of the file, as the careful way alone does
            batch.extend((number, row[0], _content(row)) for number, row in zip(numbers, plain, strict=True))
            batch.sort(key=lambda item: item[0])
            plain.clear()
            numbers.clear()
        if plain:
            quick_rows, row_numbers = list(plain), list(numbers)

            def settle(done: bool) -> None:
                fresh = quick_rows if done else _insert_checked(ctx, quick_rows, row_numbers, summary)
                new_by_project.update(map(itemgetter(1), fresh))
                if last is not None:
                    late.extend(row[0] for row in fresh if row[5] == SUBSCRIPTION and row[4] <= last)
                summary.added += len(fresh)

            # written while the next rows are read; settled before any other statement of the import
            inserts.put_all_new(quick_rows, "payment_id", settle)
            plain.clear()
            numbers.clear()
        fresh = _drop_known(ctx, batch, summary)
        rows = [_insert_row(pid, content, ctx) for _, pid, content in fresh]
        insert_rows(ctx.session, table, INSERT_COLUMNS, rows)  # type: ignore[arg-type]
        for row in rows:
            new_by_project[row[1]] += 1  # type: ignore[index]
            if last is not None and row[5] == SUBSCRIPTION and row[4] <= last:  # type: ignore[operator]
                late.append(row[0])  # type: ignore[arg-type]
        summary.added += len(fresh)
        batch.clear()

    with InsertsBehind(ctx.session, table, INSERT_COLUMNS) as inserts:  # type: ignore[arg-type]
        _read(ctx, source, summary, quick, batch, refunds, plain, numbers, flush)
    _load_refunds(ctx, refunds, summary, new_by_project, last, late)
    scan.queue_late(ctx.session, late)
    _note_unconnected(ctx, summary, new_by_project)


def _read(ctx: ImportContext, source: RowSource, summary: ImportSummary, quick: _Quick,
          batch: list[tuple[int, str, Content]], refunds: list[tuple[int, str, Content]],
          plain: list[tuple[Any, ...]], numbers: list[int], flush: Callable[[], None]) -> None:
    """Read every row into the batches (`flush` writes them), the refunds kept for the end."""
    read = quick.read
    for number, values, cells in source.positional(COLUMNS + OPTIONAL):
        summary.rows += 1
        found = read(values) if cells is None else None
        if found is not None:
            plain.append(found)
            numbers.append(number)
            if len(plain) >= BATCH:
                flush()
            continue
        row = ctx.row(number, cells if cells is not None else Cells(zip(COLUMNS + OPTIONAL, values, strict=True)))
        payment_id = row.text("payment_id", max_length=64)
        project_id = row.text("project_id", max_length=64)
        paid_at = row.payment_time("paid_at", ctx.tz)
        service = row.text("service", max_length=16)
        if service is not None and service not in SERVICE_KINDS:
            row.fail("service", Refusal("not_a_service", {"service": service, "kinds": ", ".join(SERVICE_KINDS)}))
        currency = row.currency()
        amount = row.amount("amount", currency)
        refund_of = row.text("refund_of", required=False, max_length=64)
        if amount is not None:
            if amount < 0 and refund_of is None:
                row.fail("refund_of", Refusal("refund_unnamed"))
            if amount >= 0 and refund_of is not None:
                row.fail("amount", Refusal("refund_not_negative"))
        if refund_of is not None and refund_of == payment_id:
            row.fail("refund_of", Refusal("refunds_itself"))
        if not row.ok or not (payment_id and project_id and paid_at and service and currency):
            continue
        assert amount is not None
        content: Content = (project_id, paid_at, service, to_minor(amount, currency), currency, refund_of)
        # an identical repeat is harmless; a repeat with other content is reported by _drop_known
        (refunds if refund_of is not None else batch).append((number, payment_id, content))
        if len(batch) >= BATCH:
            flush()
    flush()


class _Quick:
    """Reads the common row the quick way: a payment (not a refund) whose every value is plainly
    written and within bounds gives its row as the database stores it; any other row gives None
    and is read the careful way (RowReader), which names each of its problems. Both ways agree on
    every row the quick one takes (tests/services/test_import_quick.py)."""

    def __init__(self, ctx: ImportContext) -> None:
        self.tz = ctx.tz
        self.today = ctx.today
        self.held = ctx.held
        start, until = payment_window(ctx.today, ctx.tz)
        self.start, self.until = start.replace(tzinfo=None), until.replace(tzinfo=None)
        dialect = ctx.session.get_bind().dialect
        # SQLite keeps moments and days as text (SQLAlchemy's formats); other databases take objects
        self.as_text = dialect.name == "sqlite"
        self.digits: dict[str, int | None] = {}
        self.days: dict[date, tuple[timedelta | None, Any, str]] = {}
        # SQLite: a local hour written "YYYY-MM-DDTHH" -> its UTC hour as stored, the day and period,
        # or None (it is read the long way); the stored texts compare as their moments do
        self.hours: dict[str, tuple[str, Any, str] | None] = {}
        self.start_text = self.start.isoformat(" ", "microseconds")
        self.until_text = self.until.isoformat(" ", "microseconds")

    def read(self, values: list[str]) -> tuple[Any, ...] | None:
        payment_id, project_id, paid_at, service, amount, currency, refund_of = values
        if (refund_of or not 0 < len(payment_id) <= ID_LENGTH or not 0 < len(project_id) <= ID_LENGTH
                or service not in _SERVICES or not payment_id.isprintable() or not project_id.isprintable()):
            return None
        digits = self.digits.get(currency)
        if digits is None:
            if currency in self.digits:
                return None
            digits = self.digits[currency] = (
                minor_digits(currency) if currency_problem(currency, self.today, self.held) is None else None)
            if digits is None:
                return None
        # a plain amount: 1 to 12 digits, a point and decimals; no sign, exponent or grouping
        whole, point, fraction = amount.partition(".")
        if not (0 < len(whole) <= MAX_INTEGER_DIGITS and whole.isdigit() and whole.isascii()):
            return None
        if not point:
            minor = int(whole) * 10**digits
        elif not (fraction.isdigit() and fraction.isascii()):
            return None
        elif len(fraction) == digits:
            minor = int(whole + fraction)  # the common case: "123.45" is 12345 cents
        elif len(fraction) < digits:
            minor = int(whole) * 10**digits + int(fraction) * 10 ** (digits - len(fraction))
        else:
            return None
        if self.as_text and len(paid_at) == 19:
            # the common moment, a local one to the second ("2026-09-01T10:15:42"), taken from its
            # hour's stored text: the moment's own text would cost most of the row
            hour = self.hours.get(paid_at[:13], _UNSEEN)
            if hour is _UNSEEN:
                hour = self._hour(paid_at[:13])
            rest = paid_at[13:]
            if hour is not None and rest in _MINUTES_SECONDS:
                stored = hour[0] + rest + ".000000"
                if not self.start_text <= stored < self.until_text:
                    return None
                return (payment_id, project_id, stored, hour[1], hour[2], service, minor, currency, None)
        try:
            written = datetime.fromisoformat(paid_at)
        except ValueError:
            return None
        day = written.date()
        if day < FIRST_DAY or day > LAST_DAY:
            return None
        if written.tzinfo is None:
            offset, stored_day, period = self.days.get(day) or self._day(day)
            if offset is None:
                return None  # the clocks change that day: the careful way knows the skipped hour
            moment = written - offset
        else:
            moment = written.astimezone(UTC)
            local = moment.astimezone(self.tz).date()
            _, stored_day, period = self._day(local)
            moment = moment.replace(tzinfo=None)
        if not self.start <= moment < self.until:
            return None
        stored_moment = moment.isoformat(" ", "microseconds") if self.as_text else moment
        return (payment_id, project_id, stored_moment, stored_day, period, service, minor, currency, None)

    def _hour(self, text: str) -> tuple[str, Any, str] | None:
        """A local hour's UTC hour as stored ("YYYY-MM-DD HH"), its day and period as stored; None
        unless it is written "YYYY-MM-DD?HH", within bounds, on a day whose UTC offset holds all day
        and is whole hours (so the moment's minutes and seconds are as written)."""
        found = None
        if text[4] == "-" and text[7] == "-" and text[11:].isdigit() and text[11:].isascii():
            try:
                written = datetime.fromisoformat(text)
            except ValueError:
                written = None
            if written is not None and FIRST_DAY <= written.date() <= LAST_DAY:
                offset, stored_day, period = self._day(written.date())
                if offset is not None and not offset.seconds % 3600 and not offset.microseconds:
                    found = ((written - offset).isoformat(" ")[:13], stored_day, period)
        if len(self.hours) >= _HOURS_KEPT:
            self.hours.clear()
        self.hours[text] = found
        return found

    def _day(self, day: date) -> tuple[timedelta | None, Any, str]:
        """The UTC offset of a local day (None when the clocks change that day), and the day and
        period as stored."""
        found = self.days.get(day)
        if found is None:
            begins = datetime(day.year, day.month, day.day, tzinfo=self.tz)
            ends = begins + ONE_DAY
            offset = begins.utcoffset()
            steady = offset is not None and offset == ends.utcoffset() and begins.dst() == ends.dst()
            found = self.days[day] = (offset if steady else None, day.isoformat() if self.as_text else day,
                                      _period_text(day.year, day.month))
        return found


_SERVICES = frozenset(SERVICE_KINDS)
# a moment's minutes and seconds as written after its hour: ":00:00" to ":59:59"
_MINUTES_SECONDS = frozenset(f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60))
_UNSEEN: Any = object()
_HOURS_KEPT = 20_000  # a year of hours is 8,760: the ones of a long file are let go now and then


def _insert_checked(ctx: ImportContext, rows: list[tuple[Any, ...]], numbers: list[int],
                    summary: ImportSummary) -> list[tuple[Any, ...]]:
    """Write the new ones of rows read the quick way, of which some id is stored already or repeated
    (so none was written all at once), checked one by one; the rows written."""
    batch = [(number, row[0], _content(row)) for number, row in zip(numbers, rows, strict=True)]
    fresh = {number for number, _, _ in _drop_known(ctx, batch, summary)}
    kept = [row for number, row in zip(numbers, rows, strict=True) if number in fresh]
    insert_values(ctx.session, Payment.__table__, INSERT_COLUMNS, kept)  # type: ignore[arg-type]
    return kept


def _content(row: tuple[Any, ...]) -> Content:
    """A row read the quick way, as a row read the careful way is kept."""
    _payment_id, project_id, moment, _day, _period, service, minor, currency, refund_of = row
    paid_at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return project_id, paid_at.replace(tzinfo=UTC), service, minor, currency, refund_of


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


def _known_other(pid: str, content: Content) -> Refusal:
    """A payment id stored (or listed before) with other content: the content it has."""
    project_id, paid_at, service, minor, currency, refund_of = content
    params = {"id": pid, "project": project_id, "moment": paid_at, "service": Code("service", str(service)),
              "amount": Money(from_minor(minor, currency), currency)}
    if refund_of:
        return Refusal("refund_known_other", {**params, "payment": refund_of})
    return Refusal("payment_known_other", params)


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
            ctx.problems.append(Problem.of(number, "payment_id", _known_other(pid, known)))
        elif pid in stored:
            summary.known += 1
    return fresh


def _load_refunds(ctx: ImportContext, refunds: list[tuple[int, str, Content]], summary: ImportSummary,
                  new_by_project: Counter[str], last: str | None, late: list[str]) -> None:
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
            code = "refund_of_refund_in_file" if original_id in in_file else "unknown_payment"
            ctx.problems.append(Problem.of(number, "refund_of", Refusal(code, {"payment": original_id})))
            continue
        o_project, o_paid_at, _o_service, o_minor, o_currency, o_refund_of = original
        problems_before = len(ctx.problems)
        if o_refund_of is not None:
            ctx.problems.append(Problem.of(number, "refund_of", Refusal("refund_of_refund", {"payment": original_id})))
        if o_project != project_id:
            ctx.problems.append(Problem.of(number, "project_id", Refusal(
                "refund_other_project", {"payment": original_id, "project": o_project})))
        if o_currency != currency:
            ctx.problems.append(Problem.of(number, "currency", Refusal(
                "refund_other_currency", {"payment": original_id, "currency": o_currency})))
        if paid_at < o_paid_at:
            ctx.problems.append(Problem.of(number, "paid_at", Refusal(
                "refund_before", {"payment": original_id, "moment": o_paid_at})))
        if len(ctx.problems) > problems_before:
            continue
        total = refunded.get(original_id, 0) + (-minor)
        if total > o_minor:
            left = o_minor - refunded.get(original_id, 0)
            ctx.problems.append(Problem.of(number, "amount", Refusal(
                "refund_too_much", {"payment": original_id, "amount": Money(from_minor(left, currency), currency)})))
            continue
        refunded[original_id] = total
        accepted.append(_insert_row(pid, content, ctx))
        new_by_project[project_id] += 1
        if last is not None and accepted[-1][4] <= last:  # type: ignore[operator]
            late.append(pid)
    summary.added += len(accepted)
    if not ctx.problems:
        insert_rows(ctx.session, Payment.__table__, INSERT_COLUMNS, accepted)  # type: ignore[arg-type]


def _note_unconnected(ctx: ImportContext, summary: ImportSummary, new_by_project: Counter[str]) -> None:
    if not new_by_project or ctx.problems:
        return
    connected = set(ctx.session.scalars(select(Connection.project_id).distinct()))
    never = sum(n for project, n in new_by_project.items() if project not in connected)
    if never:
        summary.unconnected = never
        summary.notes.append(
            f"{never} payment{'s' if never != 1 else ''} of projects never connected to an agency "
            "(kept, earn nothing)"
        )


