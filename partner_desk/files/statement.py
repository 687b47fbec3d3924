"""The partner statement as an Excel workbook: Summary, Lines and Ledger sheets (SPEC section 9).

Written with openpyxl's write-only mode, so a statement of any length streams to disk in constant
memory. Every figure is a real cell: amounts are numbers with their currency's number format,
percents are fractions with a percent format, dates are date cells. Totals are written as values,
so a reader without a spreadsheet engine sees them too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from partner_desk.domain.ledger import HOLD_KINDS, Position
from partner_desk.domain.money import USD
from partner_desk.files.statement_model import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    INTEGER_FORMAT,
    RATE_FORMAT,
    LedgerRow,
    LineTotals,
    Statement,
    StatementLine,
    StatementSummary,
    last_day,
    money_format,
    percent_format,
    percent_value,
)
from partner_desk.files.xlsx_rows import CellPool, StyledCells, fast_rows
from partner_desk.i18n import N_, _

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MARK = Font(bold=True, color="C00000")

KIND_LABELS = {
    "accrual": N_("Accrual"),
    "refund_reversal": N_("Refund reversal"),
    "project_payment": N_("Project payment"),
    "withdrawal_hold": N_("Withdrawal hold"),
    "hold_release": N_("Hold release"),
    "payout": N_("Payout"),
    "correction": N_("Correction"),
}

# Lines sheet: (heading, width); the partner currency is added to the headings that need it
LINE_COLUMNS = (
    (N_("Payment date"), 20), (N_("Project ID"), 14), (N_("Project"), 26), (N_("Payment ID"), 18),
    (N_("Service"), 13), (N_("Refund of"), 16), (N_("Amount"), 14), (N_("Currency"), 9),
    (N_("Rate to USD"), 13), (N_("Partner currency rate"), 13), (N_("USD amount"), 14),
    (N_("Partner amount"), 16), (N_("Percent"), 9), (N_("Commission"), 15), (N_("Late"), 7),
)
LEDGER_COLUMNS = (
    (N_("Date"), 12), (N_("Entry"), 20), (N_("Details"), 36), (N_("Project ID"), 14),
    (N_("Project amount"), 15), (N_("Project currency"), 10), (N_("Withdrawal"), 11),
    (N_("Amount"), 15), (N_("Balance"), 15), (N_("Held"), 15),
)
COL_USD, COL_PARTNER, COL_COMMISSION = 11, 12, 14
USD_FORMAT = money_format(USD)


def write_statement(statement: Statement, path: Path, *, audit_head: str | None = None) -> LineTotals:
    """Write the workbook to `path` and return the Lines sheet's totals as written.

    The caller compares the totals with what was posted before it keeps the file. `audit_head`
    (COUNT:HASH of the audit trail when the statement was read) goes into the document properties
    (keywords and description), anchoring the trail outside the database.
    """
    summary = statement.summary
    running = _running_balances(summary, statement.ledger)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Partner Desk"
    workbook.properties.title = f"{_('Partner statement')} {summary.agency_code} {summary.period}"
    if audit_head is not None:
        workbook.properties.keywords = f"audit-head {audit_head}"
        workbook.properties.description = f"Partner Desk audit trail head {audit_head}"
    try:
        summary_sheet = workbook.create_sheet(_("Summary"))
        lines_sheet = workbook.create_sheet(_("Lines"))
        ledger_sheet = workbook.create_sheet(_("Ledger"))
        _write_summary(summary_sheet, summary)
        totals = _write_lines(lines_sheet, summary, statement.lines)
        _write_ledger(ledger_sheet, summary, statement.ledger, running)
        workbook.save(path)
    except BaseException:
        _discard(workbook)
        raise
    return totals


def _discard(workbook: Workbook) -> None:
    """Drop a workbook that failed half-way: close each sheet's stream and remove its scratch file.

    Write-only sheets stream into scratch files of their own until the workbook is saved; left
    alone they would stay on disk until the process ends.
    """
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _columns(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _start(sheet: WriteOnlyWorksheet, summary: StatementSummary) -> StyledCells:
    """Take over the sheet's rows; a preview's first row says so, on every sheet."""
    fast_rows(sheet)
    cell = StyledCells(sheet)
    if summary.preview:
        sheet.append([cell(_("Preview - not posted"), font=MARK)])
    return cell


def _write_summary(sheet: WriteOnlyWorksheet, s: StatementSummary) -> None:
    _columns(sheet, (32, 28, 10))
    cell = _start(sheet, s)
    cur = s.currency
    money = money_format(cur)
    usd = USD_FORMAT

    def row(label: str, value: Any = None, number_format: str | None = None, unit: str | None = None) -> None:
        cells: list[Any] = [cell(label, font=BOLD)]
        cells.append(None if value is None else cell(value, number_format))
        if unit is not None:
            cells.append(cell(unit))
        sheet.append(cells)

    sheet.append([cell(_("Partner statement"), font=TITLE)])
    sheet.append([])
    row(_("Agency"), s.agency_name)
    row(_("Code"), s.agency_code)
    row(_("Manager"), s.manager or "")
    row(_("Period"), str(s.period))
    row(_("Period from"), s.period.first_day, DATE_FORMAT)
    row(_("Period to"), last_day(s.period), DATE_FORMAT)
    row(_("Partner currency"), cur)
    sheet.append([])
    if s.turnover_usd is None or s.percent is None:
        row(_("Licence turnover"), _("no accrual in this period"))
        row(_("Percent"), None)
    else:
        row(_("Licence turnover"), s.turnover_usd, usd, USD)
        row(_("Percent"), percent_value(s.percent), percent_format(s.percent))
    row(_("Commission total"), s.commission_total, money, cur)
    row(_("Lines"), s.line_count, INTEGER_FORMAT)
    row(_("Late lines"), s.late_count, INTEGER_FORMAT)
    row(_("Reward"), s.reward_usd, usd, USD)
    if s.reward_level_usd is None:
        row(_("Reward level reached"), _("none"))
    else:
        row(_("Reward level reached"), s.reward_level_usd, usd, USD)
    for index, benefit in enumerate(s.benefits or (_("none"),)):
        row(_("Benefits reached") if index == 0 else "", benefit)
    sheet.append([])
    row(_("Opening balance"), s.opening.balance, money, cur)
    row(_("Closing balance"), s.closing.balance, money, cur)
    row(_("Held for withdrawals at period end"), s.closing.held, money, cur)
    row(_("Available at period end"), s.closing.available, money, cur)
    sheet.append([])
    row(_("Produced on"), s.produced_on, DATE_FORMAT)


def _line_row(pool: CellPool, line: StatementLine, partner_format: str) -> list[Any]:
    cell = pool.cell
    return [
        cell(1, line.paid_at, DATETIME_FORMAT),
        cell(2, line.project_id),
        cell(3, line.project_name),
        cell(4, line.payment_id),
        cell(5, line.service),
        cell(6, line.refund_of),
        cell(7, line.amount, money_format(line.currency)),
        cell(8, line.currency),
        cell(9, line.pay_rate, RATE_FORMAT),
        cell(10, line.partner_rate, RATE_FORMAT),
        cell(COL_USD, line.usd_amount, USD_FORMAT),
        cell(COL_PARTNER, line.partner_amount, partner_format),
        cell(13, percent_value(line.percent), percent_format(line.percent)),
        cell(COL_COMMISSION, line.commission, partner_format),
        cell(15, line.late),
    ]


def _write_lines(sheet: WriteOnlyWorksheet, s: StatementSummary, lines: Iterable[StatementLine]) -> LineTotals:
    _columns(sheet, [width for _heading, width in LINE_COLUMNS])
    header_row = 2 if s.preview else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # the sheet's layout goes out with its first row
    cell = _start(sheet, s)
    headings = [_(heading) for heading, _width in LINE_COLUMNS]
    headings[COL_PARTNER - 1] = f"{headings[COL_PARTNER - 1]}, {s.currency}"
    headings[COL_COMMISSION - 1] = f"{headings[COL_COMMISSION - 1]}, {s.currency}"
    sheet.append([cell(h, font=BOLD) for h in headings])

    pool = CellPool(sheet)
    partner_format = money_format(s.currency)
    count = late = 0
    usd = partner = commission = Decimal(0)
    for line in lines:
        sheet.append(_line_row(pool, line, partner_format))
        count += 1
        late += line.late
        usd += line.usd_amount
        partner += line.partner_amount
        commission += line.commission
    last = get_column_letter(len(LINE_COLUMNS))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"

    money = money_format(s.currency)
    total_row: list[Any] = [None] * len(LINE_COLUMNS)
    total_row[0] = cell(_("Total"), font=BOLD)
    total_row[COL_USD - 1] = cell(usd, USD_FORMAT, BOLD)
    total_row[COL_PARTNER - 1] = cell(partner, money, BOLD)
    total_row[COL_COMMISSION - 1] = cell(commission, money, BOLD)
    sheet.append(total_row)
    return LineTotals(count, late, usd, partner, commission)


def _running_balances(s: StatementSummary, entries: Sequence[LedgerRow]) -> list[tuple[Decimal, Decimal]]:
    """Balance and held amount after each entry; the last must be the closing position."""
    balance, held = s.opening.balance, s.opening.held
    running = []
    for entry in entries:
        if entry.kind in HOLD_KINDS:
            held -= entry.amount
        else:
            balance += entry.amount
        running.append((balance, held))
    if Position(s.currency, balance, held) != s.closing:
        raise ValueError(f"ledger of {s.agency_code} for {s.period} does not add up: opening plus entries "
                         f"give {balance} (held {held}), the closing balance is {s.closing.balance} "
                         f"(held {s.closing.held})")
    return running


def _write_ledger(sheet: WriteOnlyWorksheet, s: StatementSummary, entries: Sequence[LedgerRow],
                  running: list[tuple[Decimal, Decimal]]) -> None:
    _columns(sheet, [width for _heading, width in LEDGER_COLUMNS])
    sheet.freeze_panes = "A3" if s.preview else "A2"
    cell = _start(sheet, s)
    sheet.append([cell(_(heading), font=BOLD) for heading, _width in LEDGER_COLUMNS])
    money = money_format(s.currency)

    def row(day: Any, label: str, amount: Decimal | None, balance: Decimal, held: Decimal,
            entry: LedgerRow | None = None, font: Font | None = None) -> None:
        cells: list[Any] = [None] * len(LEDGER_COLUMNS)
        cells[0] = cell(day, DATE_FORMAT, font)
        cells[1] = cell(label, font=font)
        if entry is not None:
            details = entry.note or ""
            if entry.projected:
                details = f"{details} ({_('preview: not posted')})".strip()
            cells[2] = cell(details)
            if entry.project_id is not None:
                cells[3] = cell(entry.project_id)
            if entry.project_amount is not None and entry.project_currency is not None:
                cells[4] = cell(entry.project_amount, money_format(entry.project_currency))
                cells[5] = cell(entry.project_currency)
            if entry.withdrawal_id is not None:
                cells[6] = cell(entry.withdrawal_id, INTEGER_FORMAT)
        if amount is not None:
            cells[7] = cell(amount, money, font)
        cells[8] = cell(balance, money, font)
        cells[9] = cell(held, money, font)
        sheet.append(cells)

    row(s.period.first_day, _("Opening balance"), None, s.opening.balance, s.opening.held, font=BOLD)
    for entry, (balance, held) in zip(entries, running, strict=True):
        row(entry.day, _(KIND_LABELS.get(entry.kind, entry.kind)), entry.amount, balance, held, entry)
    row(last_day(s.period), _("Closing balance"), None, s.closing.balance, s.closing.held, font=BOLD)
