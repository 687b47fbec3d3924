"""The accruals page: preview a period, see every line of each agency, post it, and see a posted period
as it was posted. Commissions and balances have their equivalent in the reporting currency beside
them; the footer totals them per currency, with the grand total."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain import clock
from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import Period
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action
from partner_desk.files.table_export import Percent
from partner_desk.gui import colors, money_columns, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Cancelled, Generation, Operation, Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.accrual_lines import LinesPanel, PreviewExport
from partner_desk.gui.table_export import TableExport
from partner_desk.gui.table_model import RIGHT, Column, RowTableModel, selected_row, table_view
from partner_desk.gui.widgets import into_table
from partner_desk.i18n import _, day, money, ngettext, number, percent
from partner_desk.refusal_text import shown, shown_error
from partner_desk.services import accrual_views as views
from partner_desk.services.accrual_views import AccrualRow, Calendar, PeriodView
from partner_desk.services.accruals import AccrualRun, post_period
from partner_desk.services.changes import Area
from partner_desk.services.reporting import Reporting, reporting


def priced_reporter(progress: Progress, text: str, period: Period) -> Callable[[int], None]:
    """A service's `priced(n)` callback that shows the count and stops when the user cancels."""

    def priced(count: int) -> None:
        progress.check()
        progress.report(count, 0, text.format(period=period, n=number(Decimal(count), 0)))

    return priced


def totals_text(totals: dict[str, Decimal]) -> str:
    """"$1,234.50 · €345.00" in the display locale; an em dash when there is nothing."""
    return " · ".join(money(amount, cur) for cur, amount in totals.items()) or "—"


def _currency(row: AccrualRow) -> str:
    return row.currency


def _columns(posted: bool, found: Callable[[], Reporting | None]) -> list[Column[AccrualRow]]:
    columns: list[Column[AccrualRow]] = [
        Column(_("Agency"), lambda r: r.code, width=80, min_width=64),
        Column(_("Name"), lambda r: r.name, width=200, min_width=100),
        Column(_("Turnover"), lambda r: r.turnover_usd, lambda v: money(v, "USD"), RIGHT, width=110,
               tooltip=lambda r: _("Licence turnover, USD: it set the percent")),
        Column(_("Percent"), lambda r: r.percent, percent, RIGHT, width=64,
               export=lambda r: Percent(r.percent)),
        *money_columns.money_pair(_("Commission"), lambda r: r.commission, _currency, found, width=120),
        Column(_("Lines"), lambda r: r.lines, align=RIGHT, width=54),
        Column(_("Late lines"), lambda r: r.late_lines, lambda v: str(v) if v else "", RIGHT, width=70,
               foreground=lambda r: colors.ATTENTION if r.late_lines else None),
        Column(_("Reward"), lambda r: r.reward_usd, lambda v: money(v, "USD"), RIGHT, width=100),
    ]
    if posted:
        columns += money_columns.money_pair(_("Balance now"), lambda r: r.balance, _currency, found, width=120)
    return columns


class AccrualsPage(Page):
    """Pick a period; see its preview (or, once posted, the posted accruals); post it."""

    areas = frozenset({Area.ACCRUALS, Area.PAYMENTS, Area.RATES, Area.TIERS, Area.REWARDS, Area.AGENCIES,
                       Area.PROJECTS, Area.LEDGER, Area.SETTINGS, Area.USERS})

    # a period was shown (after loading or failing to load); tests wait for it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.calendar: Calendar | None = None
        self.view: PeriodView | None = None
        self.refusals: list[str] = []
        self._confirmed: PeriodView | None = None
        self.operation: Operation[Any] | None = None  # the computation or posting running (or last run)
        # refresh() calls in one turn of the event loop (the window's and the page's own) load once
        self.calendar_loads = Generation()
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self._load_calendar)

        self.period_box = QComboBox()
        self.period_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_box.activated.connect(lambda _i: self.load(self.selected_period()))
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.clicked.connect(lambda: self.load(self.selected_period()))
        self.post_button = QPushButton(_("Post…"))
        self.post_button.clicked.connect(self.confirm_post)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.search = widgets.SearchField()
        self.search.setPlaceholderText(_("Filter by agency code or name…"))
        self.search.search.connect(self._filter)

        self.search.submitted.connect(self.show_first)
        self.reporting: Reporting | None = None
        self.model: RowTableModel[AccrualRow] = RowTableModel(_columns(False, money_columns.with_reporting(self)), self)
        self._posted_columns = False
        self.table = table_view(self.model, self)
        self.table.setObjectName("accruals_table")
        self.table.doubleClicked.connect(lambda index: self.open_page.emit("agency", self.model.row(index.row()).code))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_lines())
        self.search.down.connect(lambda: into_table(self.table))
        self.lines = LinesPanel(ctx)
        self.export = TableExport(self, ctx, self.table, self.model, self._export_title)
        self.preview = PreviewExport(self, ctx)
        self.preview_button = self.preview.button
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grand_totals = QLabel()
        self.grand_totals.setObjectName("accrual_totals")
        self.grand_totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()
        self._set_post_enabled([_("loading…")])
        self._update_preview_button()

    def _lay_out(self) -> None:
        """The period bar over the accruals and their totals, and the selected agency's lines below."""
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Period:")))
        top.addWidget(self.period_box)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.search)
        top.addWidget(self.export.button)
        top.addWidget(self.preview_button)
        top.addWidget(self.post_button)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addWidget(self.totals)
        upper_layout.addWidget(self.grand_totals)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.lines)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_item(self, item: object) -> None:
        """Show a period ("YYYY-MM") another page asked for."""
        try:
            period = Period.parse(str(item))
        except ValueError:
            return
        self.load(period)

    # loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the calendar (soon, once) and show the chosen (or default) period."""
        self._reload.start()

    def _load_calendar(self) -> None:
        chosen = self.selected_period() if self.calendar is not None else None
        db = self.ctx.db
        run_op(self, lambda _p: views.calendar(db), lambda cal: self._calendar_loaded(cal, chosen),
               generation=self.calendar_loads)

    def _calendar_loaded(self, calendar: Calendar, chosen: Period | None) -> None:
        self.calendar = calendar
        posted = set(calendar.posted)
        self.period_box.clear()
        for period in calendar.choices:
            notes = []
            if period in posted:
                notes.append(_("posted"))
            if period == calendar.next_to_post:
                notes.append(_("next to post"))
            if period == calendar.running:
                notes.append(_("running month"))
            label = f"{period}  ({', '.join(notes)})" if notes else str(period)
            self.period_box.addItem(label, str(period))
        self.load(chosen if chosen in calendar.choices else calendar.default)

    def selected_period(self) -> Period:
        data = self.period_box.currentData()
        if data:
            return Period.parse(str(data))
        return self.calendar.default if self.calendar else Period.of(clock.now().date())

    def select_period(self, period: Period) -> None:
        index = self.period_box.findData(str(period))
        if index < 0:
            self.period_box.insertItem(0, str(period), str(period))
            index = 0
        self.period_box.setCurrentIndex(index)

    def load(self, period: Period) -> None:
        """Show `period`: its posted accruals when posted, else its preview, computed off the GUI thread."""
        self.select_period(period)
        self.status.setText(_("Computing {period}…").format(period=period))
        self._set_post_enabled([_("loading…")])
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> tuple[PeriodView, list[Refusal], Reporting]:
            view = views.period_view(db, actor, period, priced=priced_reporter(progress, _(
                "Computing {period}: {n} agencies priced…"), period))
            found = reporting(db, {r.currency for r in view.rows})
            return view, ([] if view.posted else views.post_refusals(db, actor, period)), found

        self.operation = run_op(self, work, self._loaded, lambda exc: self._failed(period, exc),
                                label=_("Computing {period}…").format(period=period), cancellable=True,
                                generation=self.loads)

    def _loaded(self, result: tuple[PeriodView, list[Refusal], Reporting]) -> None:
        view, reasons, found = result
        refusals = [shown(r) for r in reasons]  # in the window's language
        selected = selected_row(self.table)
        self.view = view
        self.reporting = found
        if view.posted:
            refusals = [_("{period} is already posted").format(period=view.period)]
        if view.posted != self._posted_columns:
            # a posted period adds the balance column
            self._posted_columns = view.posted
            self.model.columns = _columns(view.posted, money_columns.with_reporting(self))
        self._follow_reporting(found)
        self.lines.clear()
        self.model.set_rows(view.rows)
        if selected is not None:
            self.select_agency(selected.code)
        text = self._status_text(view)
        if refusals and not view.posted:
            text += " " + _("It cannot be posted now: {reasons}.").format(reasons="; ".join(refusals))
        self.status.setText(text)
        self.status.setStyleSheet("")
        count = len(view.rows)
        self.totals.setText(
            ngettext("{n} accrual", "{n} accruals", count).format(n=count) + "  ·  "
            + ngettext("{n} agency without lines", "{n} agencies without lines", view.without_lines).format(
                n=view.without_lines) + "  ·  "
            + _("late lines: {n}").format(n=view.late_lines)
        )
        self._show_totals()
        self._set_post_enabled(refusals)
        self._update_preview_button()
        self.loaded.emit()

    def _failed(self, period: Period, exc: Exception) -> None:
        self.view = None
        self.lines.clear()
        self.model.set_rows([])
        self.totals.setText("")
        self.grand_totals.setText("")
        self._update_preview_button()
        if isinstance(exc, UserError):
            # a preview that cannot be computed (a missing rate) says why, and cannot be posted either
            self.status.setText(_("{period}: {error}").format(period=period, error=shown_error(exc)))
            self.status.setStyleSheet(colors.RED)
            self._set_post_enabled([shown_error(exc)])
        elif isinstance(exc, Cancelled):
            self.status.setText(_("Stopped: {period} was not computed. Press Refresh to compute it.").format(
                period=period))
            self._set_post_enabled([_("the period was not computed")])
        else:
            self._set_post_enabled([_("the period could not be computed")])
            show_error(self, exc)
        self.loaded.emit()

    def _status_text(self, view: PeriodView) -> str:
        if not view.posted:
            return _("Preview of {period}: nothing is written until it is posted.").format(period=view.period)
        when = self.ctx.moment(view.posted_at) if view.posted_at else "?"
        return _("{period} was posted on {when} by {who} (as of {as_of}). Posted accruals never change; "
                 "this is what was posted.").format(
            period=view.period, when=when, who=view.posted_by or _("set-up"),
            as_of=day(view.posted_as_of) if view.posted_as_of else "?")

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        self.model.set_filter(
            (lambda r: needle in r.code.lower() or needle in r.name.lower()) if needle else None)
        self._show_totals()

    def _follow_reporting(self, found: Reporting) -> None:
        for i, column in enumerate(self.model.columns):
            if not column.header and i > 0:
                column.header = money_columns.equivalent_header(self.model.columns[i - 1].header, found)

    def _show_totals(self) -> None:
        """The commissions of the rows shown, per currency, and their grand total."""
        rows = self.model.rows()
        text, tip = money_columns.footer_text(((r.commission, r.currency) for r in rows), self.reporting)
        self.grand_totals.setText(_("Commission of the {n} shown: {totals}").format(n=len(rows), totals=text))
        self.grand_totals.setToolTip(tip or "")

    # the lines of the agency selected ---------------------------------------------------------------
    def _show_lines(self) -> None:
        row = selected_row(self.table)
        if row is None or self.view is None:
            self.lines.clear()
            return
        self.lines.show_agency(self.view, row)

    def select_agency(self, code: str) -> bool:
        """Select an agency's row (its lines show below); False when it has no row in the period."""
        for i, row in enumerate(self.model.rows()):
            if row.code == code:
                self.table.selectRow(i)
                return True
        return False

    def show_first(self) -> None:
        """Enter in the search field: the first agency shown, its lines below."""
        if self.model.rowCount():
            self.table.selectRow(0)

    # exporting --------------------------------------------------------------------------------------
    def _export_title(self) -> str:
        return _("Accruals {period}").format(period=self.view.period if self.view else "")

    def _update_preview_button(self) -> None:
        self.preview.update(self.view)

    def _set_post_enabled(self, refusals: list[str]) -> None:
        self.refusals = refusals
        self.post_button.setEnabled(not refusals)
        self.post_button.setToolTip("\n".join(refusals) if refusals else
                                    _("Post this period's accruals and credit the agencies' balances"))

    # posting ------------------------------------------------------------------------------------
    def confirmation_text(self, view: PeriodView) -> str:
        count = len(view.rows)
        lines = [
            _("Post {period}?").format(period=view.period),
            ngettext("{n} accrual will be posted", "{n} accruals will be posted", count).format(n=count)
            + (" " + _("({n} late lines)").format(n=view.late_lines) if view.late_lines else "") + ".",
            _("Totals per currency: {totals}.").format(totals=totals_text(view.totals)),
            _("Each agency's balance is credited with its total. Posted accruals cannot be changed."),
        ]
        return "\n\n".join(lines)

    def confirm_post(self) -> QMessageBox | None:
        """Ask to post the period shown, stating exactly what the preview will post."""
        view = self.view
        if view is None or view.posted or self.refusals:
            return None
        self._confirmed = view
        return widgets.confirm(self, self.confirmation_text(view), self._post,
                               title=_("Post {period}").format(period=view.period), yes_label=_("Post"))

    def _post(self) -> None:
        confirmed = self._confirmed
        if confirmed is None:
            return
        db, actor, period = self.ctx.db, self.ctx.actor, confirmed.period
        self._set_post_enabled([_("posting…")])

        def work(progress: Progress) -> AccrualRun:
            # stopping before the end rolls the whole posting back: nothing is posted
            return post_period(db, actor, period,
                               priced=priced_reporter(progress, _("Posting {period}: {n} agencies priced…"), period))

        self.operation = run_op(self, work, lambda run: self._posted(confirmed, run),
                                lambda exc: self._post_failed(period, exc),
                                label=_("Posting {period}…").format(period=period), cancellable=True)

    def _posted(self, confirmed: PeriodView, run: AccrualRun) -> None:
        self.changed(Action.ACCRUE_POST, str(run.period))
        if run.already_accrued:
            widgets.inform(self, _("{period} was already posted: nothing was posted.").format(period=run.period))
        else:
            totals = run.totals_by_currency()
            text = _("Posted {period}: {count} accruals, totals {totals}.").format(
                period=run.period, count=len(run.accruals), totals=totals_text(totals))
            if len(run.accruals) != len(confirmed.rows) or totals != confirmed.totals:
                # the data changed between the preview and the posting (an import meanwhile)
                widgets.warn(self, text + "\n\n" + _("The data changed after the preview you confirmed "
                                                     "({totals}); the posted figures are shown now.").format(
                    totals=totals_text(confirmed.totals)))
            else:
                widgets.inform(self, text)
        self.refresh()

    def _post_failed(self, period: Period, exc: Exception) -> None:
        if isinstance(exc, Cancelled):
            widgets.inform(self, _("Posting {period} was stopped: nothing was posted.").format(period=period))
        else:
            show_error(self, exc)
        self.load(period)
