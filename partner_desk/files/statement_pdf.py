"""The partner statement as a PDF, written with Qt's own PDF writer (SPEC sections 9 and 10).

The same values and words as the workbook (statement_model, statement_text): a Summary page, the
Lines and the Ledger, each laid out by a QTextDocument from an HTML table whose heading row
(`<thead>`) repeats on every page. Summary is printed upright, Lines and Ledger across the page;
every page carries the agency, the period and "page N of M". Figures are written in the statement
language's own way ("1 234,50" in Ukrainian, "1,234.50" in English).

Qt needs an application object to lay text out; the command line has none, so one is made on the
`offscreen` platform: a PDF never needs a display.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from partner_desk.domain.money import USD
from partner_desk.domain.periods import Period
from partner_desk.files import statement_model as model
from partner_desk.files.figures import Money, Percent
from partner_desk.files.statement_text import (
    GROUP_HEADINGS,
    GROUP_TOTALS,
    LINE_HEADINGS,
    PREVIEW_MARK,
    Benefits,
    LedgerLine,
    StatementText,
    SummaryRow,
    SummaryValue,
    Words,
    ledger_lines,
    summary_rows,
)

FONT = "DejaVu Sans"
RESOLUTION = 300  # dots per inch of the PDF's coordinate system
MARGIN_MM = 12.0
BAND_PT = 16.0  # height of the page header and footer bands
_app: Any = None  # the application made for writing PDFs outside the window, kept for the process


def ensure_qt() -> None:
    """Make sure a Qt application exists. Without one (the command line) it is created on the
    offscreen platform unless QT_QPA_PLATFORM names another, so no display is needed. It is a
    QApplication (a QGuiApplication with widgets), so a window may still be opened in the process."""
    global _app

    if QApplication.instance() is not None:
        return
    arguments = ["partner-desk"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        arguments += ["-platform", "offscreen"]
    _app = QApplication(arguments)


@dataclass
class _Row:
    """A table row: plain texts (escaped when rendered); `span` joins the first cells into one."""

    cells: list[str]
    bold: bool = False
    italic: bool = False
    span: int = 1
    shade: str | None = None


@dataclass
class _Table:
    """A table whose column widths come from its content: a column that does not wrap is as wide as
    its widest cell, any other at least as wide as its longest word (headings wrap between words);
    what is left of the page goes to the columns that wrap. Its heading row repeats on every page."""

    headings: list[str]
    numeric: set[int]
    nowrap: set[int]
    rows: list[_Row] = field(default_factory=list)

    def widths(self, font: Any, device: Any, page_width: float) -> list[float]:
        """Each column's share of the page width, in percent, for `font` on the paint `device`."""

        heavy = QFont(font)
        heavy.setBold(True)
        plain, strong = QFontMetricsF(font, device), QFontMetricsF(heavy, device)
        pad = plain.horizontalAdvance("M")  # cell padding and borders
        count = len(self.headings)
        need = [max((strong.horizontalAdvance(w) for w in h.split()), default=0.0) for h in self.headings]
        want = list(need)
        for row in self.rows:
            metrics = strong if row.bold else plain
            for i, value in enumerate(row.cells):
                column = i + row.span - 1 if i else 0
                if (i == 0 and row.span > 1) or not value:
                    continue
                whole = metrics.horizontalAdvance(value)
                if column in self.nowrap:
                    need[column] = max(need[column], whole)
                else:
                    longest = max((metrics.horizontalAdvance(w) for w in value.split()), default=0.0)
                    need[column] = max(need[column], longest)
                want[column] = max(want[column], whole)
        need = [n + pad for n in need]
        want = [max(w + pad, n) for w, n in zip(want, need, strict=True)]
        spare = page_width - sum(need)
        if spare > 0:
            wrapping = [i for i in range(count) if i not in self.nowrap]
            desire = sum(want[i] - need[i] for i in wrapping)
            for i in wrapping:
                share = (want[i] - need[i]) / desire if desire else 1 / len(wrapping)
                need[i] += spare * share
        total = sum(need)
        return [100 * n / total for n in need]

    def html(self, widths: Sequence[float], rows: Sequence[_Row]) -> str:
        """The heading row and `rows`; with no widths, the columns share the page by their content."""

        def align(i: int) -> str:
            return "right" if i in self.numeric else "left"

        def width(i: int) -> str:
            return f' width="{widths[i]:.2f}%"' if widths else ""

        head = "".join(f'<th{width(i)} align="{align(i)}">{_e(h)}</th>' for i, h in enumerate(self.headings))
        body = []
        for row in rows:
            cells = []
            for i, value in enumerate(row.cells):
                column = i + row.span - 1 if i else 0
                text = _e(value)
                if row.bold:
                    text = f"<b>{text}</b>"
                if row.italic:
                    text = f"<i>{text}</i>"
                span = f' colspan="{row.span}"' if i == 0 and row.span > 1 else ""
                nowrap = ' style="white-space:nowrap;"' if column in self.nowrap and value and not span else ""
                cells.append(f'<td{span} align="{align(column) if not span else "left"}"{nowrap}>{text}</td>')
            shade = f' style="background-color:{row.shade};"' if row.shade else ""
            body.append(f"<tr{shade}>{''.join(cells)}</tr>")
        return ('<table width="100%" border="1" cellspacing="0" cellpadding="2" '
                'style="border-collapse:collapse; border-color:#999;">'
                f'<thead><tr style="background-color:#e8e8e8;">{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


@dataclass
class _Section:
    title: str
    landscape: bool
    before: str  # HTML
    table: _Table | None = None
    after: str = ""


def write_statement_pdf(statement: model.Statement, path: Path, language: str = "en", *,
                        audit_head: str | None = None) -> model.LineTotals:
    """Write the statement as a PDF in `language` and return the Lines totals as written.

    `audit_head` (COUNT:HASH of the audit trail when the statement was read) goes into the PDF's
    metadata (keywords and description), as the workbook carries it in its document properties."""
    text = StatementText(language)
    _ = text.gettext
    s = statement.summary
    ledger = ledger_lines(s, statement.ledger)
    lines, totals = _lines(s, statement.lines, text)
    sections = [_summary(s, text), lines, _ledger(s, ledger, text)]
    _print(sections, s, text, path, audit_head)
    return totals


def xmp_metadata(title: str, audit_head: str) -> bytes:
    """The PDF's XMP metadata: its title, the producing program, and the audit trail's head as the
    keywords (`audit-head COUNT:HASH`) and the description, as the workbook's properties hold it."""
    def attr(value: str) -> str:
        return html.escape(value, quote=True)

    return (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        f'pdf:Keywords="audit-head {attr(audit_head)}" pdf:Producer="Partner Desk" xmp:CreatorTool="Partner Desk">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{attr(title)}</rdf:li></rdf:Alt></dc:title>'
        '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
        f'Partner Desk audit trail head {attr(audit_head)}</rdf:li></rdf:Alt></dc:description>'
        "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    ).encode()


# content ----------------------------------------------------------------------------------------------
def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _mark(s: model.StatementSummary, text: StatementText) -> str:
    if not s.preview:
        return ""
    return f'<p style="color:#c00000; font-weight:bold;">{_e(text(PREVIEW_MARK))}</p>'


def _summary_html(row: SummaryRow, text: StatementText) -> str:
    """A Summary figure as the PDF writes it: amounts with their currency, a missing figure as a dash."""
    shown = _summary_figure(row.value, text)
    return f"<b>{shown}</b>" if row.strong else shown


def _summary_figure(value: SummaryValue, text: StatementText) -> str:
    _ = text.gettext
    if isinstance(value, Money):
        return f"{text.amount(value.amount, value.currency)} {value.currency}"
    if isinstance(value, Percent):
        return text.percent(value.value)
    if isinstance(value, Words):
        return _e(_(value.message))
    if isinstance(value, Benefits):
        return "<br>".join(_e(text.benefit(b)) for b in value.names) or _e(_("none"))
    if isinstance(value, Period):
        return _e(f"{value} ({text.month(value)})")
    if isinstance(value, date):
        return text.day(value)
    if isinstance(value, int):
        return text.integer(value)
    return _e(value or "—")


def _summary(s: model.StatementSummary, text: StatementText) -> _Section:
    _ = text.gettext
    rows = [None if row is None else (_(row.label), _summary_html(row, text)) for row in summary_rows(s)]
    body = []
    for row in rows:
        if row is None:
            body.append('<tr><td colspan="2" style="padding-top:6px;"></td></tr>')
        else:
            body.append(f'<tr><td width="45%"><b>{_e(row[0])}</b></td><td width="55%">{row[1]}</td></tr>')
    return _Section(_("Summary"), False,
                    f"{_mark(s, text)}<h1>{_e(_('Partner statement'))}</h1>"
                    f"<p>{_e(s.agency_code)} — {_e(s.agency_name)}, {_e(text.month(s.period))}</p>"
                    f'<table width="100%" cellspacing="0" cellpadding="3">{"".join(body)}</table>')


LINE_NUMERIC = {6, 8, 9, 10, 11, 12, 13}
LINE_NOWRAP = {0, 1, 3, 6, 7, 8, 9, 10, 11, 12, 13}
SUMS_SHADE = "#f4f4f4"


def _line_cells(line: model.StatementLine, s: model.StatementSummary, text: StatementText) -> list[str]:
    return [
        text.moment(line.paid_at), line.project_id, line.project_name, line.payment_id,
        text.service(line.service), line.refund_of or "", text.amount(line.amount, line.currency),
        line.currency, text.rate(line.pay_rate), text.rate(line.partner_rate) if line.partner_rate else "",
        text.amount(line.usd_amount, USD), text.amount(line.partner_amount, s.currency), text.percent(line.percent),
        text.amount(line.commission, s.currency), text.late(line.late),
    ]


def _sums_row(label: str, sums: model.Sums, s: model.StatementSummary, text: StatementText) -> _Row:
    """A totals row: its label spans the empty cells up to the first figure, so a long one is not cut."""
    return _Row([label, text.amount(sums.usd_amount(), USD), text.amount(sums.partner_amount(s.currency), s.currency),
                 "", text.amount(sums.commission, s.currency), ""], bold=True, span=10, shade=SUMS_SHADE)


def _lines(s: model.StatementSummary, lines: Iterable[model.StatementLine],
           text: StatementText) -> tuple[_Section, model.LineTotals]:
    _ = text.gettext
    table = _Table(text.line_headings(s.currency), LINE_NUMERIC, LINE_NOWRAP)
    sheet_lines = model.LineSheet(lines)
    for row in sheet_lines:
        if isinstance(row, model.LineGroup):
            table.rows.append(_Row([_(GROUP_HEADINGS[row])], bold=True, italic=True, span=len(LINE_HEADINGS)))
        elif isinstance(row, model.GroupTotal):
            label = _("Total") if row.group is None else _(GROUP_TOTALS[row.group])
            table.rows.append(_sums_row(label, row.sums, s, text))
        else:
            table.rows.append(_Row(_line_cells(row, s, text)))
    notes = "".join(f'<p style="color:#595959;"><i>{_e(n)}</i></p>' for n in text.rounding_notes())
    totals = sheet_lines.totals(s.currency)
    return _Section(_("Lines"), True, f"{_mark(s, text)}<h2>{_e(_('Lines'))}</h2>", table, notes), totals


LEDGER_NUMERIC = {4, 6, 7, 8, 9}
LEDGER_NOWRAP = {0, 3, 4, 5, 6, 7, 8, 9}


def _ledger(s: model.StatementSummary, ledger: list[LedgerLine], text: StatementText) -> _Section:
    _ = text.gettext
    cur = s.currency
    headings = text.ledger_headings()
    headings[7] = f"{headings[7]}, {cur}"
    table = _Table(headings, LEDGER_NUMERIC, LEDGER_NOWRAP)
    for line in ledger:
        day, balance, held = text.day(line.day), text.amount(line.balance, cur), text.amount(line.held, cur)
        entry = line.entry
        if entry is None:
            table.rows.append(_Row([day, _(line.label), "", "", "", "", "", "", balance, held], bold=True))
            continue
        project = (text.amount(entry.project_amount, entry.project_currency)
                   if entry.project_amount is not None and entry.project_currency else "")
        table.rows.append(_Row([
            day, text.entry(entry.kind), text.details(entry), entry.project_id or "",
            project, (entry.project_currency or "") if project else "",
            str(entry.withdrawal_id) if entry.withdrawal_id is not None else "", text.amount(entry.amount, cur),
            balance, held,
        ]))
    return _Section(_("Ledger"), True, f"{_mark(s, text)}<h2>{_e(_('Ledger'))}</h2>", table)


# printing ---------------------------------------------------------------------------------------------
STYLE = "h1 { font-size: 16pt; } h2 { font-size: 12pt; } th { font-weight: bold; }"


def _page_layout(landscape: bool) -> Any:
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)


class _Pages:
    """Lays a section out in documents of about a page each: Qt lays out and draws a long table in time
    that grows with its length for every page, so a table is cut into pages first (each with its
    heading row), and a document is checked to fit its page. Only each page's HTML and page count are
    kept; the page is laid out again when it is printed, so memory does not grow with the pages."""

    def __init__(self, writer: Any, section: _Section, band: float) -> None:
        self.writer = writer
        self.section = section
        self.font = QFont(FONT, 8 if section.landscape else 10)
        self.page = _page_layout(section.landscape).paintRectPixels(RESOLUTION)
        self.height = self.page.height() - 2 * band

    def document(self, html: str, paginate: bool = True) -> Any:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self.writer)
        document.setDefaultFont(self.font)
        document.setDefaultStyleSheet(STYLE)
        document.setDocumentMargin(0)
        document.setHtml(html)
        if paginate:
            document.setPageSize(QSizeF(self.page.width(), self.height))
        else:
            document.setTextWidth(self.page.width())
        return document

    def parts(self) -> list[tuple[str, int]]:
        """Each document's HTML and the pages it takes (one, unless a single row is taller than a page)."""
        section, table = self.section, self.section.table
        if table is None or not table.rows:
            html = section.before + (table.html([], table.rows) if table else "") + section.after
            return [(html, self.document(html).pageCount())]
        widths = table.widths(self.font, self.writer, self.page.width())
        per_page = self._rows_per_page(table, widths)
        rows, start, parts = table.rows, 0, []
        while start < len(rows):
            count = min(per_page, len(rows) - start)
            while True:
                last = start + count >= len(rows)
                html = ((section.before if start == 0 else "") + table.html(widths, rows[start:start + count])
                        + (section.after if last else ""))
                document = self.document(html)
                if document.pageCount() <= 1 or count == 1:
                    break
                count -= max(1, count // 20)
            parts.append((html, document.pageCount()))
            start += count
            per_page = count  # what fitted this page is the best guess for the next one
        return parts

    def _rows_per_page(self, table: _Table, widths: list[float]) -> int:
        """How many rows of an average height fill a page below the heading row."""
        sample = table.rows[:40]
        head = self.document(table.html(widths, []), paginate=False).size().height()
        body = self.document(table.html(widths, sample), paginate=False).size().height() - head
        row = max(body / len(sample), 1.0)
        return max(1, int((self.height - head) / row))


def _margins(painter: QPainter, top: QRectF, bottom: QRectF, head: tuple[str, str], foot: tuple[str, str, str]
             ) -> None:
    """The agency on the left, the period and the section on the right; the date produced, a preview's
    mark and the page number at the foot."""
    painter.setPen(Qt.GlobalColor.darkGray)
    painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, head[0])
    painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, head[1])
    painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, foot[0])
    painter.drawText(bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, foot[1])
    painter.drawText(bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, foot[2])


def _print(sections: list[_Section], s: model.StatementSummary, text: StatementText, path: Path,
           audit_head: str | None) -> None:
    ensure_qt()

    _ = text.gettext
    # Qt's writer does not report a failed write (a full disk leaves a cut-off file behind): the PDF
    # is made in memory and written out by Python, whose write fails as the operating system says
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setCreator("Partner Desk")
    title = f"{_('Partner statement')} {s.agency_code} {s.period}"
    writer.setTitle(title)
    if audit_head is not None:
        writer.setDocumentXmpMetadata(xmp_metadata(title, audit_head))
    band = BAND_PT * RESOLUTION / 72
    laid_out = []
    for section in sections:
        writer.setPageLayout(_page_layout(section.landscape))
        pages = _Pages(writer, section, band)
        laid_out.append((section, pages, pages.parts()))
    total = sum(count for _s, _p, parts in laid_out for _html, count in parts)

    header = f"{s.agency_code} — {s.agency_name}"
    produced = _("Produced on {day}").format(day=text.day(s.produced_on))
    mark = _(PREVIEW_MARK) if s.preview else ""
    small = QFont(FONT, 7)
    writer.setPageLayout(_page_layout(sections[0].landscape))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        number = 0
        for section, pages, parts in laid_out:
            width = pages.page.width()
            for html, _count in parts:
                document = pages.document(html)
                height = document.pageSize().height()
                for index in range(document.pageCount()):
                    if number:
                        writer.setPageLayout(_page_layout(section.landscape))
                        writer.newPage()
                    number += 1
                    painter.setFont(small)
                    _margins(painter, QRectF(0, 0, width, band),
                             QRectF(0, pages.page.height() - band * 0.8, width, band * 0.8),
                             (header, f"{s.period} · {section.title}"),
                             (produced, mark, _("Page {page} of {pages}").format(page=number, pages=total)))
                    painter.save()
                    painter.translate(0, band - index * height)
                    document.drawContents(painter, QRectF(0, index * height, width, height))
                    painter.restore()
    finally:
        painter.end()
    buffer.close()
    path.write_bytes(content.data())
