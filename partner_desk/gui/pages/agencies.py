"""The agencies page: every agency in one table, with search-as-you-type and filters.

Rows come from two background reads (services.agency_views): first every agency with its balances,
shown at once (the running month's column says "computing…"), then the running month's preview, which
fills that column when it arrives. Searching, filtering and sorting run over the Python list and reset
the model, which stays smooth at 10,000 agencies, and work while the preview is computed.
"""

from __future__ import annotations

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

from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Progress, run_op
from partner_desk.gui.pages import Page
from partner_desk.gui.table_model import CENTER, RIGHT, Column, RowTableModel, selected_row, table_view
from partner_desk.gui.widgets import SearchField
from partner_desk.i18n import _, day, money, ngettext, percent
from partner_desk.services.agency_views import (
    AgencyFilter,
    AgencyList,
    AgencyRow,
    agency_list,
    with_running_month,
)

NEGATIVE = QColor("#b00020")
GOOD = QColor("#1b7f3b")


def _money_of(getter: str) -> Column[AgencyRow]:
    return Column(
        "", lambda r: (getattr(r, getter), r.currency),
        display=lambda v: money(v[0], v[1]) if v[0] is not None else "",
        align=RIGHT, sort_key=lambda v: v[0] if v[0] is not None else Decimal("-1e30"),
        foreground=lambda r: NEGATIVE if (getattr(r, getter) or 0) < 0 else None, width=118,
    )


def _running_text(value: tuple[Decimal | None, str, bool]) -> str:
    commission, currency, pending = value
    if pending:
        return _("computing…")
    return money(commission, currency) if commission is not None else ""


def columns() -> list[Column[AgencyRow]]:
    balance = _money_of("balance")
    balance.header = _("Balance")
    available = _money_of("available")
    available.header = _("Available")
    running: Column[AgencyRow] = Column(
        _("This month"), lambda r: (r.running_commission, r.currency, r.running_pending),
        display=_running_text, align=RIGHT,
        sort_key=lambda v: v[0] if v[0] is not None else Decimal("-1e30"),
        foreground=lambda r: NEGATIVE if (r.running_commission or 0) < 0 else None, width=118,
        tooltip=lambda r: _("Running commission of this month (preview)"),
    )
    return [
        Column(_("Code"), lambda r: r.code, width=70),
        Column(_("Name"), lambda r: r.name, sort_key=str.lower, width=175),
        Column(_("Manager"), lambda r: r.manager, sort_key=str.lower, width=80),
        Column(_("Currency"), lambda r: r.currency, align=CENTER, width=64),
        Column(_("Projects"), lambda r: r.projects, align=RIGHT, width=62),
        Column(_("Last month"), lambda r: r.last_turnover_usd,
               display=lambda v: money(v, "USD") if v is not None else "", align=RIGHT, width=110,
               tooltip=lambda r: _("Licence turnover of last month, in USD")),
        Column(_("Reached"), lambda r: r.last_percent,
               display=lambda v: percent(v) if v is not None else "", align=RIGHT, width=80),
        running,
        balance,
        available,
        Column(_("Offer accepted"), lambda r: r.offer_accepted_on,
               display=lambda v: day(v) if v is not None else "", align=CENTER, width=100),
        Column(_("Can withdraw"), lambda r: r.can_withdraw,
               display=lambda v: _("yes") if v else _("no"), align=CENTER,
               tooltip=lambda r: "\n".join(r.reasons) or _("Both conditions hold"),
               foreground=lambda r: GOOD if r.can_withdraw else None),
    ]


class AgenciesPage(Page):
    """All agencies; double-click (or Enter) opens one."""

    usable = Signal()  # the rows are shown; the running month's column may still be computing
    loaded = Signal()  # every column is filled

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Agencies")
        self.data: AgencyList | None = None
        self.loading = False
        self.again = False  # a refresh was asked for while loading: run it when the load ends
        self.search = SearchField()
        self.search.setObjectName("agency_search")
        self.search.setPlaceholderText(_("Search code, name or manager (Ctrl+F)"))
        self.search.search.connect(lambda _text: self.apply_filter())
        self.manager = self._combo(_("All managers"))
        self.currency = self._combo(_("All currencies"))
        self.level = self._combo(_("All levels"))
        self.level.setToolTip(_("The commission percent reached last month"))
        self.withdraw = QCheckBox(_("Can withdraw"))
        self.withdraw.toggled.connect(lambda _on: self.apply_filter())
        self.mine = QCheckBox(_("My agencies"))
        self.mine.setToolTip(_("Only the agencies whose manager is {user}").format(user=ctx.user_name))
        self.mine.toggled.connect(self._mine_toggled)
        self.reload = QPushButton(_("Refresh"))
        self.reload.setToolTip(_("Reload from the database (F5)"))
        self.reload.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for widget in (self.manager, self.currency, self.level, self.withdraw, self.mine, self.reload):
            bar.addWidget(widget)
        self.model: RowTableModel[AgencyRow] = RowTableModel(columns(), self)
        self.view = table_view(self.model)
        self.view.setObjectName("agency_table")
        self.view.activated.connect(lambda _index: self.open_selected())
        self.count = QLabel()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8a5a00;")
        self.notes.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notes)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

    def _combo(self, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        combo.setMinimumContentsLength(10)
        return combo

    # loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.loading:
            self.again = True
            return
        self.loading = True
        self.again = False
        self.count.setText(_("Loading agencies…"))
        ctx = self.ctx

        def work(_progress: Progress) -> AgencyList:
            return agency_list(ctx.db, ctx.actor, running=False)

        # quiet: the table stays usable (and the old rows shown) while the new ones load
        run_op(self, work, self._show_balances, self._failed, quiet=True)

    def _show_balances(self, data: AgencyList) -> None:
        """The rows without the running month: shown now; its preview follows in the background."""
        self.show_list(data)
        ctx = self.ctx

        def work(_progress: Progress) -> AgencyList:
            return with_running_month(ctx.db, ctx.actor, data)

        run_op(self, work, self.show_list, self._failed, quiet=True)

    def _failed(self, exc: Exception) -> None:
        from partner_desk.gui.ops import show_error

        self.loading = False
        self.again = False
        if self.data is not None and self.data.running_pending:
            # the rows stay; the running month's column must not keep saying "computing…"
            self.model.set_rows([replace(row, running_pending=False) for row in self.data.rows])
        self.count.setText(_("The agencies could not be loaded."))
        show_error(self, exc)

    def show_list(self, data: AgencyList) -> None:
        """Show freshly loaded rows, keeping the search, filters, sort and selection; `loaded` once the
        running month's column is filled too."""
        self.loading = data.running_pending
        self.data = data
        self.model.columns[5].header = _("Turnover\n{period}").format(period=data.last_period)
        self.model.columns[6].header = _("Reached\n{period}").format(period=data.last_period)
        self.model.columns[7].header = _("Commission\n{period}").format(period=data.running_period)
        self._fill(self.manager, [(m, m) for m in data.managers])
        self._fill(self.currency, [(c, c) for c in data.currencies])
        # combo data are strings: a Decimal does not survive the round trip through Qt
        self._fill(self.level, [(percent(p), str(p)) for p in data.percents])
        self.notes.setText("\n".join(data.notes))
        self.notes.setVisible(bool(data.notes))
        selected = selected_row(self.view)
        self.model.set_rows(data.rows)
        self.apply_filter()
        if selected is not None:
            self.select(selected.code)
        self.usable.emit()
        if data.running_pending:
            return
        self.loaded.emit()
        if self.again:
            self.refresh()

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
        shown, total = self.model.rowCount(), len(self.model.all_rows())
        self.count.setText(ngettext("{shown} of {total} agency", "{shown} of {total} agencies", total)
                           .format(shown=shown, total=total))

    def _mine_toggled(self, on: bool) -> None:
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

    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is not None:
            self.open_page.emit("agency", row.code)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
