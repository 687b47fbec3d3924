"""The agencies page: every agency in one table, with search-as-you-type and filters.

Rows come from two background reads (services.agency_views): first every agency with its balances
and today's conversions into the reporting currency (services.reporting), shown at once, the running
month's column, its equivalent and its total saying "computing…"; then the running month's preview,
which fills them when it arrives (a newer load drops an older one's result). Searching and filtering
run over the Python list and reset the model, which stays smooth at 10,000 agencies, and work while
the preview is computed. Each money column has its equivalent beside it and sorts by value; the
footer totals the rows shown per currency, with the grand total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.errors import PeriodNote, UserError
from partner_desk.domain.roles import Role
from partner_desk.files.table_export import Percent
from partner_desk.gui import colors, money_columns
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.preferences import remember_flag, remembered_flag
from partner_desk.gui.table_export import TableExport
from partner_desk.gui.table_model import CENTER, RIGHT, Column, RowTableModel, selected_row, table_view
from partner_desk.gui.widgets import SearchField, into_table
from partner_desk.i18n import _, day, money, ngettext, percent, short_day
from partner_desk.refusal_text import shown, shown_note
from partner_desk.services.agency_views import (
    AgencyFilter,
    AgencyList,
    AgencyRow,
    agency_list,
    with_running_month,
)
from partner_desk.services.changes import Area
from partner_desk.services.reporting import Reporting, reporting

GOOD = QColor("#1b7f3b")
_NO_FOOTERS: tuple[bool | None, list[tuple[str, str | None]]] = (None, [])


def _currency(row: AgencyRow) -> str:
    return row.currency


def _settled(_row: AgencyRow) -> bool:
    return False


class Columns:
    """The agencies table's columns; the headers that name a period or a currency follow the data."""

    def __init__(self, page: AgenciesPage) -> None:
        ctx, found = page.ctx, money_columns.with_reporting(page)
        self.turnover: Column[AgencyRow] = Column(_("Last month"), lambda r: r.last_turnover_usd,
                               display=lambda v: money(v, "USD") if v is not None else "", align=RIGHT,
                               width=96, min_width=86, tooltip=lambda r: _("Licence turnover of last month, in USD"))
        self.reached: Column[AgencyRow] = Column(_("Reached"), lambda r: r.last_percent,
                              display=lambda v: percent(v) if v is not None else "", align=RIGHT, width=62,
                              min_width=58,
                              export=lambda r: Percent(r.last_percent) if r.last_percent is not None else None)
        def pair(name: str, amount: Callable[[AgencyRow], Decimal | None], width: int,
                 pending: Callable[[AgencyRow], bool] = _settled) -> tuple[Column[AgencyRow], Column[AgencyRow]]:
            money, equivalent = money_columns.money_pair(name, amount, _currency, found, width, 94, pending)
            money.min_width, equivalent.min_width = 104, 78
            return money, equivalent

        self.running, self.running_eq = pair(_("This month"), lambda r: r.running_commission, 104,
                                             pending=lambda r: r.running_pending)
        self.running.tooltip = lambda r: _("Running commission of this month (preview)")
        self.balance, self.balance_eq = pair(_("Balance"), lambda r: r.balance, 112)
        self.available, self.available_eq = pair(_("Available"), lambda r: r.available, 112)
        self.all: list[Column[AgencyRow]] = [
            Column(_("Code"), lambda r: r.code, width=62, min_width=62),
            Column(_("Name"), lambda r: r.name, sort_key=str.lower, width=170, min_width=96),
            Column(_("Manager"), lambda r: ctx.person(r.manager), sort_key=str.lower, width=96, min_width=60),
            Column(_("Projects"), lambda r: r.projects, align=RIGHT, width=58, min_width=44),
            self.turnover, self.reached, self.running, self.running_eq, self.balance, self.balance_eq,
            self.available, self.available_eq,
            Column(_("Offer\naccepted"), lambda r: r.offer_accepted_on,
                   display=lambda v: short_day(v) if v is not None else "", align=CENTER, width=76,
                   tooltip=lambda r: day(r.offer_accepted_on) if r.offer_accepted_on else _("not accepted")),
            Column(_("Can\nwithdraw"), lambda r: r.can_withdraw,
                   display=lambda v: _("yes") if v else _("no"), align=CENTER, width=70, min_width=52,
                   tooltip=lambda r: "\n".join(shown(x) for x in r.reasons) or _("Both conditions hold"),
                   foreground=lambda r: GOOD if r.can_withdraw else None),
        ]

    def follow(self, data: AgencyList, found: Reporting | None) -> None:
        """Headers that name the months and the reporting currency of the data shown."""
        self.turnover.header = _("Turnover\n{period}").format(period=data.last_period)
        self.reached.header = _("Reached\n{period}").format(period=data.last_period)
        self.running.header = _("Commission\n{period}").format(period=data.running_period)
        self.running_eq.header = money_columns.equivalent_header(_("Commission"), found)
        self.balance_eq.header = money_columns.equivalent_header(_("Balance"), found)
        self.available_eq.header = money_columns.equivalent_header(_("Available"), found)


class AgenciesPage(Page):
    """All agencies; double-click (or Enter) opens one."""

    areas = frozenset({Area.AGENCIES, Area.PROJECTS, Area.PAYMENTS, Area.RATES, Area.TIERS, Area.ACCRUALS, Area.LEDGER,
                       Area.WITHDRAWALS, Area.SETTINGS, Area.USERS})

    usable = Signal()  # the rows are shown, the running month's column maybe still computing (`loaded`: all of it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Agencies")
        self.data: AgencyList | None = None
        self.reporting: Reporting | None = None
        # the footers' texts when every row is shown, and whether the running month was pending then
        self._all_footers: tuple[bool | None, list[tuple[str, str | None]]] = _NO_FOOTERS
        self.search = SearchField()
        self.search.setObjectName("agency_search")
        self.search.setPlaceholderText(_("Search code, name or manager (Ctrl+F)"))
        self.search.search.connect(lambda _text: self.apply_filter())
        self.search.submitted.connect(self.open_first)
        self.manager = self._combo(_("All managers"))
        self.currency = self._combo(_("All currencies"))
        self.level = self._combo(_("All levels"))
        self.level.setToolTip(_("The commission percent reached last month"))
        self.withdraw = QCheckBox(_("Can withdraw"))
        self.withdraw.toggled.connect(lambda _on: self.apply_filter())
        self.mine = QCheckBox(_("My agencies"))
        self.mine.setToolTip(_("Only the agencies whose manager is {user}").format(user=ctx.person(ctx.user_name)))
        self.mine.toggled.connect(self._mine_toggled)
        self.reload = QPushButton(_("Refresh"))
        self.reload.setToolTip(_("Reload from the database (F5)"))
        self.reload.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for widget in (self.manager, self.currency, self.level, self.withdraw, self.mine, self.reload):
            bar.addWidget(widget)
        self.columns = Columns(self)
        self.model: RowTableModel[AgencyRow] = RowTableModel(self.columns.all, self)
        self.view = table_view(self.model)
        self.view.setObjectName("agency_table")
        self.view.activated.connect(lambda _index: self.open_selected())
        self.search.down.connect(lambda: into_table(self.view))
        self.export = TableExport(self, ctx, self.view, self.model, lambda: _("Agencies"))
        bar.addWidget(self.export.button)
        self.count = QLabel()
        self.balance_totals = QLabel()
        self.balance_totals.setObjectName("balance_totals")
        self.available_totals = QLabel()
        self.available_totals.setObjectName("available_totals")
        self.running_totals = QLabel()
        self.running_totals.setObjectName("running_totals")
        for label in (self.running_totals, self.balance_totals, self.available_totals):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(colors.AMBER)
        self.notes.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notes)
        layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count)
        footer.addStretch(1)
        totals = QVBoxLayout()
        totals.addWidget(self.running_totals, 0, Qt.AlignmentFlag.AlignRight)
        totals.addWidget(self.balance_totals, 0, Qt.AlignmentFlag.AlignRight)
        totals.addWidget(self.available_totals, 0, Qt.AlignmentFlag.AlignRight)
        footer.addLayout(totals)
        layout.addLayout(footer)
        # a manager starts on their own agencies; the choice is remembered for each user
        mine = remembered_flag(self._mine_key(), ctx.actor.role is Role.MANAGER)
        self.mine.setChecked(mine)

    def _combo(self, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        combo.setMinimumContentsLength(10)
        return combo

    # loading ------------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        """The rows are shown and the running month's column is still being computed."""
        return self.data is not None and self.data.running_pending

    def refresh(self) -> None:
        self.count.setText(_("Loading agencies…"))
        ctx = self.ctx

        def work(_progress: Progress) -> tuple[AgencyList, Reporting]:
            data = agency_list(ctx.db, ctx.actor, running=False)
            return data, reporting(ctx.db, data.currencies, data.today)

        # quiet: the table stays usable (and the old rows shown) while the new ones load
        run_op(self, work, lambda loaded: self._show_balances(*loaded), self._failed, quiet=True,
               generation=self.loads)

    def _show_balances(self, data: AgencyList, found: Reporting) -> None:
        """The rows without the running month: shown now; its preview follows in the background, as
        the same generation of loads, so that a newer refresh drops it."""
        self.show_list(data, found)
        ctx = self.ctx

        def work(_progress: Progress) -> AgencyList:
            return with_running_month(ctx.db, ctx.actor, data)

        run_op(self, work, lambda filled: self.show_list(filled, found), self._running_failed, quiet=True,
               generation=self.loads)

    def _failed(self, exc: Exception) -> None:
        self.count.setText(_("The agencies could not be loaded."))
        show_error(self, exc)

    def _running_failed(self, exc: Exception) -> None:
        """The rows stay; the running month's column must not keep saying "computing…"."""
        data = self.data
        if data is not None:
            error = exc if isinstance(exc, UserError) else UserError(
                _("The running month's commission could not be computed."))
            self.show_list(replace(data, rows=[replace(r, running_pending=False) for r in data.rows],
                                   notes=[*data.notes, PeriodNote(data.running_period, error)],
                                   running_pending=False), self.reporting)
        show_error(self, exc)

    def show_list(self, data: AgencyList, found: Reporting | None = None) -> None:
        """Show freshly loaded rows, keeping the search, filters, sort and selection; `usable` at once,
        `loaded` once the running month's column is filled too."""
        self.data = data
        self.reporting = found
        self.columns.follow(data, found)
        self._fill(self.manager, [(self.ctx.person(m), m) for m in data.managers])
        self._fill(self.currency, [(c, c) for c in data.currencies])
        # combo data are strings: a Decimal does not survive the round trip through Qt
        self._fill(self.level, [(percent(p), str(p)) for p in data.percents])
        self.notes.setText("\n".join(shown_note(n) for n in data.notes))
        self.notes.setVisible(bool(data.notes))
        selected = selected_row(self.view)
        self._all_footers = _NO_FOOTERS
        self.model.set_rows(data.rows)
        self.apply_filter()
        if selected is not None:
            self.select(selected.code)
        self.usable.emit()
        if not data.running_pending:
            self.loaded.emit()

    def _fill(self, combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for label, value in items:
            combo.addItem(label, value)
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    # filtering ----------------------------------------------------------------------------------
    def current_filter(self) -> AgencyFilter:
        return AgencyFilter(
            text=self.search.text(),
            manager=self.manager.currentData(),
            currency=self.currency.currentData(),
            percent=Decimal(self.level.currentData()) if self.level.currentData() else None,
            can_withdraw=self.withdraw.isChecked(),
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        rows = self.model.rows()
        shown, total = len(rows), len(self.model.all_rows())
        self.count.setText(ngettext("{shown} of {total} agency", "{shown} of {total} agencies", total)
                           .format(shown=shown, total=total))
        pending = self.loading
        running = self.data.running_period if self.data is not None else ""
        # every row shown (no filter, or one cleared): the totals of the rows as loaded, worked out once
        footers = self._all_footers if shown == total and self._all_footers[0] == pending else None
        if footers is None:
            footers = (pending, [money_columns.footer_text(amounts, self.reporting, pending=computing)
                                 for amounts, computing in (
                                     ([] if pending else [(r.running_commission, r.currency) for r in rows], pending),
                                     ([(r.balance, r.currency) for r in rows], False),
                                     ([(r.available, r.currency) for r in rows], False))])
            if shown == total:
                self._all_footers = footers
        for label, name, (text, tip) in zip(
                (self.running_totals, self.balance_totals, self.available_totals),
                (_("Commission {period}").format(period=running), _("Balance"), _("Available")), footers[1],
                strict=True):
            label.setText(_("{name}: {totals}").format(name=name, totals=text))
            label.setToolTip(tip or "")

    def _mine_key(self) -> str:
        return f"agencies/mine/{self.ctx.actor.name}"

    def _mine_toggled(self, on: bool) -> None:
        remember_flag(self._mine_key(), on)
        if on:
            index = self.manager.findData(self.ctx.actor.name)
            if index < 0:  # no agency has this manager yet: show none rather than all
                self.manager.addItem(str(self.ctx.actor.name), self.ctx.actor.name)
                index = self.manager.count() - 1
            self.manager.setCurrentIndex(index)
        else:
            self.manager.setCurrentIndex(0)
        self.manager.setEnabled(not on)

    # opening ------------------------------------------------------------------------------------
    def select(self, code: str) -> bool:
        for i, row in enumerate(self.model.rows()):
            if row.code == code:
                self.view.selectRow(i)
                self.view.scrollTo(self.model.index(i, 0))
                return True
        return False

    def open_first(self) -> None:
        """Open the first agency shown (Enter in the search field): the only match, or the best."""
        if self.model.rowCount():
            self.view.selectRow(0)
            self.open_selected()

    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is not None:
            self.open_page.emit("agency", row.code)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
