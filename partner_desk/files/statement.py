"""The partner statement as an Excel workbook: Summary, Lines and Ledger sheets (SPEC section 9).

Written with openpyxl's write-only mode, so a statement of any length streams to disk in constant
memory. Every figure is a real cell: amounts are numbers with their currency's number format,
percents are fractions with a percent format, dates are date cells. Totals are written as values,
so a reader without a spreadsheet engine sees them too. Words are in the statement's language
(`StatementText`); each sheet prints readably: A4, fitted to one page wide, headings repeated on
every page, the agency, period and "page N of M" in the page header and footer.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from partner_desk.domain.money import USD
from partner_desk.domain.periods import Period
from partner_desk.files.figures import Money, Percent
from partner_desk.files.statement_model import (
    INTEGER_FORMAT,
    RATE_FORMAT,
    GroupTotal,
    LedgerRow,
    LineGroup,
    LineSheet,
    LineTotals,
    Statement,
    StatementLine,
    StatementSummary,
    Sums,
    money_format,
    percent_format,
    percent_value,
)
from partner_desk.files.statement_text import (
    COL_COMMISSION,
    COL_PARTNER,
    GROUP_HEADINGS,
    GROUP_TOTALS,
    LEDGER_HEADINGS,
    LINE_HEADINGS,
    PREVIEW_MARK,
    Benefits,
    LedgerLine,
    StatementText,
    SummaryValue,
    Words,
    ledger_lines,
    summary_rows,
)
from partner_desk.files.xlsx_rows import CellPool, StyledCells, fast_rows

# the workbook's default typeface, named on every font: a font without a name is shown by some
# spreadsheet programs in another typeface
FACE = "Calibri"
BOLD = Font(name=FACE, bold=True)
TITLE = Font(name=FACE, bold=True, size=14)
MARK = Font(name=FACE, bold=True, color="C00000")
HEADING = Font(name=FACE, bold=True, italic=True)
NOTE = Font(name=FACE, italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD = Alignment(wrap_text=True, vertical="bottom")
TOP = Alignment(vertical="top")
HEAD_NUMBER = Alignment(wrap_text=True, vertical="bottom", horizontal="right")  # over a column of figures
TOP_CENTER = Alignment(horizontal="center", vertical="top")
A4 = "9"  # the paper size code of A4
LINE_HEIGHT = 15.0  # points: one line of 11-point text
BOLD_FIT = 0.9  # bold letters per width unit (the width of a digit)

# column widths in characters, a little more where a word of the heading needs it
LINE_WIDTHS = (16, 11, 24, 14, 15, 13, 13, 9, 12, 12, 13, 14, 9, 14, 10)
LEDGER_WIDTHS = (12, 22, 40, 12, 14, 10, 12, 15, 15, 15)
assert len(LINE_WIDTHS) == len(LINE_HEADINGS)
assert len(LEDGER_WIDTHS) == len(LEDGER_HEADINGS)
COL_PROJECT, COL_USD = 3, 11
LINE_FIGURES = {7, 9, 10, 11, 12, 13, 14}  # columns (1-based) of numbers
LEDGER_FIGURES = {5, 7, 8, 9, 10}
USD_FORMAT = money_format(USD)


def write_statement(statement: Statement, path: Path, language: str = "en", *,
                    audit_head: str | None = None) -> LineTotals:
    """Write the workbook to `path` in `language` ('uk' or 'en') and return the Lines sheet's totals
    as written.

    The caller compares the totals with what was posted before it keeps the file. `audit_head`
    (COUNT:HASH of the audit trail when the statement was read) goes into the document properties
    (keywords and description), anchoring the trail outside the database.
    """
    text = StatementText(language)
    _ = text.gettext
    summary = statement.summary
    ledger = ledger_lines(summary, statement.ledger)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Partner Desk"
    workbook.properties.title = f"{_('Partner statement')} {summary.agency_code} {summary.period}"
    workbook.properties.language = text.locale.replace("_", "-")
    if audit_head is not None:
        workbook.properties.keywords = f"audit-head {audit_head}"
        workbook.properties.description = f"Partner Desk audit trail head {audit_head}"
    try:
        summary_sheet = workbook.create_sheet(_("Summary"))
        lines_sheet = workbook.create_sheet(_("Lines"))
        ledger_sheet = workbook.create_sheet(_("Ledger"))
        _write_summary(summary_sheet, summary, text)
        totals = _write_lines(lines_sheet, summary, statement.lines, text)
        _write_ledger(ledger_sheet, summary, ledger, text)
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


def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (a cautious guess: a
    bold or capital letter is wider than the digit a column width counts)."""
    per_line = max(1, int(width * (BOLD_FIT if bold else 1.0)))
    lines = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                count += 1
            used = len(word)
            while used > per_line:  # a word longer than the column is broken
                count += 1
                used -= per_line
        lines += count
    return lines


class _Rows:
    """Appends a sheet's rows and counts them, so a row can be given the height its wrapped text needs
    (spreadsheet programs do not all grow a row to fit its text)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.count = 0

    def append(self, cells: list[Any], lines: int = 1) -> None:
        self.count += 1
        if lines > 1:
            self.sheet.row_dimensions[self.count].height = lines * LINE_HEIGHT
        self.sheet.append(cells)


def column_width(heading: str, width: float) -> float:
    """A column at least as wide as the longest word of its (wrapped) heading: no word is cut."""
    return max(width, max((len(word) for word in heading.split()), default=0) + 2)


def _columns(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _header_text(value: str) -> str:
    """User text in a page header: '&' starts a code there, so it is doubled; kept short."""
    return value[:60].replace("&", "&&")


def _page_layout(sheet: WriteOnlyWorksheet, s: StatementSummary, text: StatementText, *, landscape: bool,
                 title_rows: str | None = None) -> None:
    """A4, one page wide (as many pages down as needed), headings repeated, and the agency, period and
    page number on every page. Must run before the sheet's first row: write-only sheets write their
    properties with it."""
    _ = text.gettext
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup = sheet.page_setup
    setup.paperSize = A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if title_rows is not None:
        sheet.print_title_rows = title_rows
    # the agency on the left, the period and the sheet's name (&A) on the right; a preview's mark in the footer
    sheet.oddHeader.left.text = _header_text(f"{s.agency_code} — {s.agency_name}")
    sheet.oddHeader.right.text = f"{s.period} · &A"
    if s.preview:
        sheet.oddFooter.center.text = _header_text(_(PREVIEW_MARK))
    sheet.oddFooter.left.text = _header_text(_("Produced on {day}").format(day=text.day(s.produced_on)))
    sheet.oddFooter.right.text = _("Page {page} of {pages}").format(page="&P", pages="&N")


def _start(sheet: WriteOnlyWorksheet, summary: StatementSummary, text: StatementText) -> tuple[StyledCells, _Rows]:
    """Take over the sheet's rows; a preview's first row says so, on every sheet."""
    fast_rows(sheet)
    cell = StyledCells(sheet)
    rows = _Rows(sheet)
    if summary.preview:
        rows.append([cell(text(PREVIEW_MARK), font=MARK)])
    return cell, rows


def _heading_row(cell: StyledCells, rows: _Rows, headings: Sequence[str], widths: Sequence[float],
                 figures: set[int]) -> None:
    """The column headings, wrapped between words; over a column of figures (1-based) set right."""
    lines = max(text_lines(h, w, bold=True) for h, w in zip(headings, widths, strict=True))
    rows.append([cell(h, font=BOLD, alignment=HEAD_NUMBER if i in figures else HEAD)
                 for i, h in enumerate(headings, 1)], lines)


SUMMARY_WIDTHS = (18.0, 8.0, 34.0)  # figure, its unit, room for text that spans all three


def _summary_cells(label: str, value: SummaryValue,
                   text: StatementText) -> list[tuple[str, Any, str | None, str | None] | None]:
    """A Summary row as label, cell value, number format and unit; the benefits take a row each."""
    _ = text.gettext
    if isinstance(value, Money):
        return [(label, value.amount, money_format(value.currency), value.currency)]
    if isinstance(value, Percent):
        return [(label, percent_value(value.value), percent_format(value.value), None)]
    if isinstance(value, Words):
        return [(label, _(value.message), None, None)]
    if isinstance(value, Benefits):
        names = [text.benefit(b) for b in value.names] or [_("none")]
        return [(label if i == 0 else "", name, None, None) for i, name in enumerate(names)]
    if isinstance(value, Period):
        return [(label, str(value), None, None)]
    if isinstance(value, date):
        return [(label, value, text.date_format, None)]
    if isinstance(value, int):
        return [(label, value, INTEGER_FORMAT, None)]
    return [(label, value, None, None)]


def _write_summary(sheet: WriteOnlyWorksheet, s: StatementSummary, text: StatementText) -> None:
    """Labels in column A; a figure in B with its unit in C; a text (a name, a benefit) across B to D."""
    _ = text.gettext
    rows: list[tuple[str, Any, str | None, str | None] | None] = []
    for shown in summary_rows(s):
        rows += [None] if shown is None else _summary_cells(_(shown.label), shown.value, text)
    labels = [r[0] for r in rows if r is not None]
    label_width = min(math.ceil(max(len(label) for label in labels) / BOLD_FIT) + 1, 48)  # a longer one wraps
    _columns(sheet, (label_width, *SUMMARY_WIDTHS))
    text_width = sum(SUMMARY_WIDTHS)
    _page_layout(sheet, s, text, landscape=False)
    cell, out = _start(sheet, s, text)
    out.append([cell(_("Partner statement"), font=TITLE)], 2)
    out.append([])
    for entry in rows:
        if entry is None:
            out.append([])
            continue
        label, value, number_format, unit = entry
        lines = text_lines(label, label_width, bold=True)
        cells: list[Any] = [cell(label, font=BOLD, alignment=WRAP) if label else None]
        if isinstance(value, str):
            cells.append(cell(value, alignment=WRAP))
            lines = max(lines, text_lines(value, text_width))
            row = out.count + 1
            sheet.merged_cells.add(f"B{row}:D{row}")
        elif value is not None:
            cells.append(cell(value, number_format, alignment=TOP))
        if unit is not None:
            cells.append(cell(unit, alignment=TOP))
        out.append(cells, lines)


def _line_row(pool: CellPool, line: StatementLine, partner_format: str, text: StatementText) -> list[Any]:
    """One accrual line; every cell at the top of its row (a long project name makes the row taller)."""
    cell = pool.cell
    return [
        cell(1, line.paid_at, text.datetime_format, TOP),
        cell(2, line.project_id, alignment=TOP),
        cell(COL_PROJECT, line.project_name, alignment=WRAP),
        cell(4, line.payment_id, alignment=TOP),
        cell(5, text.service(line.service), alignment=TOP),
        cell(6, line.refund_of, alignment=TOP),
        cell(7, line.amount, money_format(line.currency), TOP),
        cell(8, line.currency, alignment=TOP_CENTER),
        cell(9, line.pay_rate, RATE_FORMAT, TOP),
        cell(10, line.partner_rate, RATE_FORMAT, TOP),
        cell(COL_USD, line.usd_amount, USD_FORMAT, TOP),
        cell(COL_PARTNER, line.partner_amount, partner_format, TOP),
        cell(13, percent_value(line.percent), percent_format(line.percent), TOP),
        cell(COL_COMMISSION, line.commission, partner_format, TOP),
        cell(15, text.late(line.late), alignment=TOP),
    ]


def _sums_row(cell: StyledCells, label: str, sums: Sums, currency: str) -> list[Any]:
    money = money_format(currency)
    row: list[Any] = [None] * len(LINE_HEADINGS)
    row[0] = cell(label, font=BOLD)
    row[COL_USD - 1] = cell(sums.usd_amount(), USD_FORMAT, BOLD)
    row[COL_PARTNER - 1] = cell(sums.partner_amount(currency), money, BOLD)
    row[COL_COMMISSION - 1] = cell(sums.commission, money, BOLD)
    return row


def _write_lines(sheet: WriteOnlyWorksheet, s: StatementSummary, lines: Iterable[StatementLine],
                 text: StatementText) -> LineTotals:
    _ = text.gettext
    headings = text.line_headings(s.currency)
    widths = [column_width(h, width) for h, width in zip(headings, LINE_WIDTHS, strict=True)]
    _columns(sheet, widths)
    header_row = 2 if s.preview else 1
    _page_layout(sheet, s, text, landscape=True, title_rows=f"1:{header_row}")
    sheet.freeze_panes = f"A{header_row + 1}"  # the sheet's layout goes out with its first row
    cell, out = _start(sheet, s, text)
    _heading_row(cell, out, headings, widths, LINE_FIGURES)

    pool = CellPool(sheet)
    partner_format = money_format(s.currency)
    project_width = widths[COL_PROJECT - 1]
    sheet_lines = LineSheet(lines)
    for row in sheet_lines:
        if isinstance(row, LineGroup):
            out.append([cell(_(GROUP_HEADINGS[row]), font=HEADING)])
        elif isinstance(row, GroupTotal) and row.group is not None:
            out.append(_sums_row(cell, _(GROUP_TOTALS[row.group]), row.sums, s.currency))
        elif isinstance(row, GroupTotal):
            sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(LINE_HEADINGS))}{out.count}"
            out.append(_sums_row(cell, _("Total"), row.sums, s.currency))
        else:
            # most names fit on one line; a longer one wraps and its row grows
            lines_needed = 1 if len(row.project_name) < project_width * 0.8 else text_lines(row.project_name,
                                                                                           project_width)
            out.append(_line_row(pool, row, partner_format, text), lines_needed)
    for note in text.rounding_notes():
        out.append([cell(note, font=NOTE)])
    return sheet_lines.totals(s.currency)


def _write_ledger(sheet: WriteOnlyWorksheet, s: StatementSummary, ledger: list[LedgerLine],
                  text: StatementText) -> None:
    _ = text.gettext
    headings = text.ledger_headings()
    widths = [column_width(h, width) for h, width in zip(headings, LEDGER_WIDTHS, strict=True)]
    _columns(sheet, widths)
    header_row = 2 if s.preview else 1
    _page_layout(sheet, s, text, landscape=True, title_rows=f"1:{header_row}")
    sheet.freeze_panes = f"A{header_row + 1}"
    cell, out = _start(sheet, s, text)
    _heading_row(cell, out, headings, widths, LEDGER_FIGURES)
    money = money_format(s.currency)

    def row(day: Any, label: str, amount: Decimal | None, balance: Decimal, held: Decimal,
            entry: LedgerRow | None = None, font: Font | None = None) -> None:
        cells: list[Any] = [None] * len(LEDGER_HEADINGS)
        cells[0] = cell(day, text.date_format, font, TOP)
        cells[1] = cell(label, font=font, alignment=WRAP)
        lines = text_lines(label, widths[1], bold=font is not None)
        if entry is not None:
            details = text.details(entry)
            cells[2] = cell(details, alignment=WRAP)
            lines = max(lines, text_lines(details, widths[2]))
            if entry.project_id is not None:
                cells[3] = cell(entry.project_id, alignment=TOP)
            if entry.project_amount is not None and entry.project_currency is not None:
                cells[4] = cell(entry.project_amount, money_format(entry.project_currency), alignment=TOP)
                cells[5] = cell(entry.project_currency, alignment=TOP)
            if entry.withdrawal_id is not None:
                cells[6] = cell(entry.withdrawal_id, INTEGER_FORMAT, alignment=TOP)
        if amount is not None:
            cells[7] = cell(amount, money, font, TOP)
        cells[8] = cell(balance, money, font, TOP)
        cells[9] = cell(held, money, font, TOP)
        out.append(cells, lines)

    for line in ledger:
        if line.entry is None:
            row(line.day, _(line.label), None, line.balance, line.held, font=BOLD)
        else:
            row(line.day, text.entry(line.entry.kind), line.entry.amount, line.balance, line.held, line.entry)
