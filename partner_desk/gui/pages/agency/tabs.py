"""The agency page's tabs: projects, payments, accruals with their lines, ledger, withdrawals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from partner_desk.domain.accrual import SERVICE_KINDS
from partner_desk.domain.periods import Period
from partner_desk.gui import colors
from partner_desk.gui.context import AppContext
from partner_desk.gui.labels import ENTRY_KINDS, METHODS, SERVICES, STATES, entry_details, label
from partner_desk.gui.pages.accrual_lines import line_columns
from partner_desk.gui.table_model import CENTER, RIGHT, Column, RowTableModel, selected_row, table_view
from partner_desk.i18n import _, day, money, ngettext, percent
from partner_desk.services.accrual_views import PeriodLine
from partner_desk.services.agency_detail import AccrualRow, ConnectionRow, LedgerRow, PaymentRow


def _money(getter: Callable[[Any], Any], currency: Callable[[Any], str], header: str) -> Column[Any]:
    return Column(header, lambda r: (getter(r), currency(r)),
                  display=lambda v: money(v[0], v[1]) if v[0] is not None else "", align=RIGHT,
                  sort_key=lambda v: v[0], width=120,
                  foreground=lambda r: colors.NEGATIVE if (getter(r) or 0) < 0 else None)


class TableTab(QWidget):
    """A tab holding one table (and optionally a bar of filters above it)."""

    def __init__(self, columns: list[Column[Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RowTableModel[Any] = RowTableModel(columns, self)
        self.view = table_view(self.model)
        self.bar = QHBoxLayout()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.addLayout(self.bar)
        self.layout_.addWidget(self.view, 1)

    def set_rows(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)


def projects_tab(ctx: AppContext) -> TableTab:
    columns: list[Column[ConnectionRow]] = [
        Column(_("Project"), lambda r: r.project_id, width=110,
               bold=lambda r: r.current),
        Column(_("Name"), lambda r: r.project_name, width=200),
        Column(_("Currency"), lambda r: r.project_currency, align=CENTER, width=70),
        Column(_("Connected"), lambda r: r.connected_at, display=ctx.moment, width=170),
        Column(_("Disconnected"), lambda r: r.disconnected_at, display=ctx.moment, width=170),
        Column(_("Now"), lambda r: r.current, display=lambda v: _("connected") if v else _("history"),
               foreground=lambda r: None if r.current else colors.MUTED),
    ]
    tab = TableTab(columns)
    tab.bar.addWidget(QLabel(_("Every connection of every project, current ones in bold.")))
    return tab


class PaymentsTab(TableTab):
    """Payments while connected to the agency; filter by period and service kind."""

    def __init__(self, on_filter: Callable[[], None], parent: QWidget | None = None) -> None:
        columns: list[Column[PaymentRow]] = [
            Column(_("Date"), lambda r: r.local_date, display=day, width=110),
            Column(_("Payment"), lambda r: r.payment_id, width=110),
            Column(_("Project"), lambda r: r.project_id, width=100),
            Column(_("Service"), lambda r: r.service, display=lambda v: label(SERVICES, v), width=100),
            _money(lambda r: r.amount, lambda r: r.currency, _("Amount")),
            Column(_("Eligible"), lambda r: r.eligible, display=lambda v: "✓" if v else "", align=CENTER,
                   tooltip=lambda r: _("Subscription payment: earns commission") if r.eligible
                   else _("Only subscription payments earn commission")),
            Column(_("Accrued in"), lambda r: r.accrued_in, align=CENTER, width=90),
            Column(_("Refund of"), lambda r: r.refund_of),
        ]
        for column in columns:
            column.foreground = column.foreground or (lambda r: None if r.eligible else colors.MUTED)
        super().__init__(columns, parent)
        self.period = QComboBox()
        self.period.setObjectName("payment_period")
        self.period.addItem(_("All periods"), None)
        self.service = QComboBox()
        self.service.setObjectName("payment_service")
        self.service.addItem(_("All services"), None)
        for kind in SERVICE_KINDS:
            self.service.addItem(label(SERVICES, kind), kind)
        self.summary = QLabel()
        self.bar.addWidget(QLabel(_("Period:")))
        self.bar.addWidget(self.period)
        self.bar.addWidget(QLabel(_("Service:")))
        self.bar.addWidget(self.service)
        self.bar.addWidget(self.summary, 1)
        self.period.currentIndexChanged.connect(lambda _i: on_filter())
        self.service.currentIndexChanged.connect(lambda _i: on_filter())

    def set_periods(self, periods: list[Period]) -> None:
        current = self.period.currentData()
        self.period.blockSignals(True)
        while self.period.count() > 1:
            self.period.removeItem(1)
        for p in periods:
            self.period.addItem(str(p), str(p))
        self.period.setCurrentIndex(max(self.period.findData(current), 0) if current else 0)
        self.period.blockSignals(False)

    def chosen(self) -> tuple[Period | None, str | None]:
        text = self.period.currentData()
        return (Period.parse(text) if text else None), self.service.currentData()

    def set_rows(self, rows: list[Any]) -> None:
        super().set_rows(rows)
        eligible = sum(1 for r in rows if r.eligible)
        self.summary.setText(ngettext("{count} payment, {eligible} eligible", "{count} payments, {eligible} eligible",
                                      len(rows)).format(count=len(rows), eligible=eligible))


class AccrualsTab(QWidget):
    """Posted accruals above; the selected accrual's lines below."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        acc: list[Column[AccrualRow]] = [
            Column(_("Period"), lambda r: r.period, width=80),
            Column(_("Turnover"), lambda r: r.turnover_usd, display=lambda v: money(v, "USD"), align=RIGHT,
                   width=120),
            Column(_("Percent"), lambda r: r.percent, display=percent, align=RIGHT, width=70),
            _money(lambda r: r.amount, lambda r: r.currency, _("Commission")),
            Column(_("Reward"), lambda r: r.reward_usd, display=lambda v: money(v, "USD"), align=RIGHT,
                   width=110),
            Column(_("Lines"), lambda r: r.lines, align=RIGHT, width=60),
            Column(_("Late"), lambda r: r.late_lines, align=RIGHT, width=60),
            Column(_("Posted"), lambda r: r.posted_at, display=ctx.moment),
        ]
        self._currency = "USD"
        self.accruals: RowTableModel[AccrualRow] = RowTableModel(acc, self)
        # the same columns as the Accruals page's lines
        self.lines: RowTableModel[PeriodLine] = RowTableModel(line_columns(ctx, lambda: self._currency), self)
        self.accrual_view = table_view(self.accruals)
        self.line_view = table_view(self.lines)
        self.line_label = QLabel(_("Select an accrual to see its lines."))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.line_label)
        lower_layout.addWidget(self.line_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.accrual_view)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        self.accrual_view.selectionModel().selectionChanged.connect(lambda *_a: self._show_lines())

    def set_rows(self, rows: list[AccrualRow]) -> None:
        self.accruals.set_rows(rows)
        if rows:
            self.accrual_view.selectRow(0)
        self._show_lines()

    def _show_lines(self) -> None:
        row = selected_row(self.accrual_view)
        if row is None:
            self.lines.set_rows([])
            return
        self._currency = row.currency
        self.lines.set_rows(row.line_rows)
        self.line_label.setText(_("Lines of {period}: {count}").format(period=row.period, count=len(row.line_rows)))


def ledger_tab() -> TableTab:
    columns: list[Column[LedgerRow]] = [
        Column(_("Date"), lambda r: r.effective_on, display=day, width=110),
        Column(_("Entry"), lambda r: r.kind, display=lambda v: label(ENTRY_KINDS, v), width=175),
        _money(lambda r: r.amount, lambda r: r.currency, _("Amount")),
        _money(lambda r: r.balance_after, lambda r: r.currency, _("Balance")),
        Column(_("Project"), lambda r: (r.project_id, r.project_amount, r.project_currency),
               display=lambda v: f"{v[0]} ({money(v[1], v[2])})" if v[0] and v[1] is not None else (v[0] or ""),
               sort_key=lambda v: v[0] or "", width=170),
        Column(_("By"), lambda r: r.user_name, width=80),
        Column(_("Note"), entry_details),
    ]
    tab = TableTab(columns)
    tab.bar.addWidget(QLabel(_("Append-only: a mistake is undone by a reversing entry. Holds earmark money "
                               "and leave the balance as it is.")))
    return tab


def withdrawals_tab(ctx: AppContext) -> TableTab:
    columns: list[Column[Any]] = [
        Column(_("No."), lambda r: r.id, align=RIGHT, width=50),
        Column(_("Requested"), lambda r: r.requested_at, display=ctx.moment, width=170),
        _money(lambda r: r.amount, lambda r: r.currency, _("Amount")),
        Column(_("Status"), lambda r: str(r.status.value), display=lambda v: label(STATES, v), width=90),
        Column(_("Method"), lambda r: r.method, display=lambda v: label(METHODS, v), width=100),
        Column(_("By"), lambda r: r.requested_by, width=80),
        Column(_("Decided by"), lambda r: r.decided_by, width=90),
        Column(_("Reference / reason"), lambda r: r.payout_reference or r.reason),
    ]
    return TableTab(columns)
