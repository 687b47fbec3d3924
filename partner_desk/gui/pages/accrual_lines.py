"""The accruals page's lines: the selected agency's lines of the period shown (previewed or posted),
with the turnover that set its percent and the commission table in force; and the whole preview as
one workbook ("Export preview…"), marked as not posted on every sheet."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from partner_desk.domain.money import round_usd
from partner_desk.domain.tiers import BEGINNING
from partner_desk.files.statement_text import PREVIEW_MARK
from partner_desk.files.table_export import Cell, Money, Percent, Rate, Sheet
from partner_desk.gui import colors, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.labels import SERVICES, label
from partner_desk.gui.ops import Generation, run_op, show_error
from partner_desk.gui.table_export import TableExport, cell_of, default_folder
from partner_desk.gui.table_model import CENTER, RIGHT, Column, RowTableModel, table_view
from partner_desk.i18n import _, money, ngettext, percent, rate
from partner_desk.services import accrual_views as views
from partner_desk.services.accrual_views import AccrualRow, PeriodLine, PeriodView
from partner_desk.services.exports import export_table


def rate_text(value: Decimal | None) -> str:
    """A rate as stored, exact, with at least two decimals ("41.50", "0.8000123"); a dash for none."""
    return "—" if value is None else rate(value)


def table_text(row: AccrualRow) -> str:
    """Which commission table set the percent: its number and the period it is in force from."""
    if row.table_version is None:
        return _("the default commission table")
    if row.table_from == BEGINNING:
        return _("commission table no. {version}, in force from the beginning").format(version=row.table_version)
    return _("commission table no. {version}, in force from {period}").format(
        version=row.table_version, period=row.table_from)


def line_columns(ctx: AppContext, currency: Callable[[], str]) -> list[Column[PeriodLine]]:
    """The columns of an agency's lines; `currency` is its partner currency."""
    return [
        Column(_("Date"), lambda r: r.paid_at, display=ctx.moment, width=150, min_width=140,
               export=lambda r: ctx.local(r.paid_at).replace(tzinfo=None)),
        Column(_("Project"), lambda r: r.project_id, width=90),
        Column(_("Payment"), lambda r: r.payment_id, width=90),
        Column(_("Service"), lambda r: r.service, display=lambda v: label(SERVICES, v), width=90),
        Column(_("Amount"), lambda r: (r.amount, r.currency), display=lambda v: money(*v), align=RIGHT,
               sort_key=lambda v: v[0], width=110, min_width=100,
               foreground=lambda r: colors.NEGATIVE if r.amount < 0 else None),
        Column(_("Rate to USD"), lambda r: r.pay_rate, display=rate_text, align=RIGHT, width=80,
               tooltip=lambda r: _("{currency} per 1 USD on the payment's day").format(currency=r.currency),
               export=lambda r: Rate(r.pay_rate)),
        Column(_("Partner rate"), lambda r: r.partner_rate, display=rate_text, align=RIGHT, width=80,
               tooltip=lambda r: _("{currency} per 1 USD on the payment's day").format(currency=currency())
               if r.partner_rate is not None else _("Paid in the partner currency: no conversion"),
               export=lambda r: Rate(r.partner_rate) if r.partner_rate is not None else None),
        Column(_("USD"), lambda r: r.usd_amount, display=lambda v: money(v, "USD"), align=RIGHT, width=100,
               min_width=96,
               export=lambda r: Money(round_usd(r.usd_amount), "USD")),
        Column(_("Partner amount"), lambda r: r.partner_amount, display=lambda v: money(v, currency()),
               align=RIGHT, width=110, export=lambda r: Money(r.partner_amount, currency())),
        Column(_("Percent"), lambda r: r.percent, display=percent, align=RIGHT, width=60,
               export=lambda r: Percent(r.percent)),
        Column(_("Commission"), lambda r: r.commission, display=lambda v: money(v, currency()), align=RIGHT,
               width=110, export=lambda r: Money(r.commission, currency()),
               foreground=lambda r: colors.NEGATIVE if r.commission < 0 else None),
        Column(_("Late"), lambda r: r.late, display=lambda v: _("late") if v else "", align=CENTER, width=60,
               foreground=lambda r: colors.ATTENTION if r.late else None),
        Column(_("Refund of"), lambda r: r.refund_of, width=90),
    ]


class LinesPanel(QWidget):
    """The selected agency's lines, below the accruals; what set its percent above them."""

    # the lines of an agency were shown; tests wait for it
    shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row: AccrualRow | None = None
        self.view_shown: PeriodView | None = None
        self.loads = Generation()
        self.heading = QLabel(_("Select an agency to see its lines."))
        self.heading.setObjectName("lines_heading")
        self.heading.setWordWrap(True)
        self.model: RowTableModel[PeriodLine] = RowTableModel(line_columns(ctx, self.currency), self)
        self.table = table_view(self.model, self)
        self.table.setObjectName("accrual_lines")
        self.export = TableExport(self, ctx, self.table, self.model, self.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)

    def currency(self) -> str:
        return self.row.currency if self.row is not None else "USD"

    def title(self) -> str:
        if self.row is None or self.view_shown is None:
            return _("Lines")
        return _("Lines {code} {period}").format(code=self.row.code, period=self.view_shown.period)

    def clear(self) -> None:
        self.loads.forget()
        self.row = None
        self.model.set_rows([])
        self.heading.setText(_("Select an agency to see its lines."))

    def show_agency(self, view: PeriodView, row: AccrualRow) -> None:
        """Show `row`'s lines of `view`: a preview's at once, a posted period's read in the background."""
        self.view_shown, self.row = view, row
        if not view.posted:
            self._lines(views.lines_of(self.ctx.db, view, row.code))
            return
        self.heading.setText(_("Reading the lines of {code}…").format(code=row.code))
        db = self.ctx.db
        run_op(self, lambda _p: views.lines_of(db, view, row.code), self._lines,
               lambda exc: show_error(self, exc), quiet=True, generation=self.loads)

    def _lines(self, lines: list[PeriodLine]) -> None:
        row, view = self.row, self.view_shown
        if row is None or view is None:
            return
        self.model.set_rows(lines)
        self.heading.setText(
            _("<b>{code} — {name}</b>: licence turnover {turnover} set {percent} ({table}).").format(
                code=row.code, name=row.name, turnover=money(row.turnover_usd, "USD"),
                percent=percent(row.percent), table=table_text(row))
            + " " + ngettext("{n} line, commission {total}.", "{n} lines, commission {total}.", len(lines)).format(
                n=len(lines), total=money(sum((line.commission for line in lines), Decimal(0)), row.currency)))
        self.shown.emit()


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def preview_sheets(view: PeriodView, ctx: AppContext) -> list[Sheet]:
    """The whole preview as two sheets, both marked as not posted: every agency, and every line of
    every agency (its code first)."""
    agency_columns: list[tuple[str, Callable[[AccrualRow], Cell]]] = [
        (_("Agency"), lambda r: r.code),
        (_("Name"), lambda r: r.name),
        (_("Currency"), lambda r: r.currency),
        (_("Licence turnover, USD"), lambda r: Money(r.turnover_usd, "USD")),
        (_("Percent"), lambda r: Percent(r.percent)),
        (_("Commission table"), table_text),
        (_("Commission"), lambda r: Money(r.commission, r.currency)),
        (_("Lines"), lambda r: r.lines),
        (_("Late lines"), lambda r: r.late_lines),
        (_("Reward, USD"), lambda r: Money(r.reward_usd, "USD")),
    ]
    mark = _(PREVIEW_MARK)
    agencies = Sheet(_("Accruals {period}").format(period=view.period), [h for h, _get in agency_columns],
                     [[get(r) for _h, get in agency_columns] for r in view.rows], mark)
    line_rows: list[list[Cell]] = []
    headers = [_("Agency")] + [c.header for c in line_columns(ctx, lambda: "USD")]
    for row in view.rows:
        columns = line_columns(ctx, _constant(row.currency))
        line_rows += [[row.code, *(cell_of(c, line, ctx) for c in columns)] for line in view.lines.get(row.code, ())]
    lines = Sheet(_("Lines {period}").format(period=view.period), headers, line_rows, mark)
    return [agencies, lines]


class PreviewExport:
    """"Export preview…": the whole preview shown, every agency and every line, to one workbook."""

    def __init__(self, page: QWidget, ctx: AppContext) -> None:
        self.page, self.ctx = page, ctx
        self.view: PeriodView | None = None
        self.dialog: QFileDialog | None = None
        self.written: Path | None = None
        self.button = QPushButton(_("Export preview…"))
        self.button.setObjectName("export_preview")
        self.button.clicked.connect(self.choose_file)
        self.update(None)

    def update(self, view: PeriodView | None) -> None:
        """Export `view` from now on: enabled for a preview with lines, its tooltip saying why not."""
        self.view = view
        reasons = []
        if view is None:
            reasons.append(_("no period is shown"))
        elif view.posted:
            reasons.append(_("{period} is posted: export its statements, or these rows with Export…").format(
                period=view.period))
        elif not view.rows:
            reasons.append(_("the preview has no lines"))
        self.button.setEnabled(not reasons)
        self.button.setToolTip("\n".join(reasons) if reasons else _(
            "Write the whole preview (every agency, every line) to one Excel workbook marked "
            "\u201cPreview \u2014 not posted\u201d"))

    def choose_file(self) -> QFileDialog | None:
        view = self.view
        if view is None or view.posted:
            return None
        name = _("Preview {period}").format(period=view.period) + ".xlsx"
        dialog = QFileDialog(self.page, _("Export the preview"), str(default_folder() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([_("Excel workbook (*.xlsx)")])
        dialog.setDefaultSuffix("xlsx")
        dialog.fileSelected.connect(lambda chosen: self.export_to(Path(chosen)))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: Path) -> None:
        """Write the preview shown (every agency and every line) to one workbook, in the background."""
        view = self.view
        if view is None or view.posted:
            return
        sheets = preview_sheets(view, self.ctx)

        def written(result: Path) -> None:
            self.written = result
            widgets.inform(self.page, _("The preview of {period} was written to {path}").format(
                period=view.period, path=result))

        run_op(self.page, lambda _p: export_table(path, sheets), written, label=_("Exporting…"))
