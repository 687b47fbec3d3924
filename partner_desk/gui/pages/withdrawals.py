"""The withdrawals page: the queue of payout requests by state; approve, reject, mark paid, cancel.

A button the signed-in user may not use for the selected request is disabled, and its tooltip lists
every reason (role, own request, state, or a withdrawal condition that fails today).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.withdrawals import Move, Status
from partner_desk.gui import colors, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.money_columns import (
    equivalent_header,
    footer_text,
    with_reporting,
)
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.withdrawal_batches import BatchActions
from partner_desk.gui.pages.withdrawal_columns import BUTTONS, STATUS_LABELS, TABS, columns
from partner_desk.gui.pages.withdrawals_dialogs import PaidDialog, RejectDialog, method_label
from partner_desk.gui.table_export import TableExport
from partner_desk.gui.table_model import RowTableModel, selected_row, table_view
from partner_desk.gui.widgets import into_table
from partner_desk.i18n import _, day, money, ngettext
from partner_desk.refusal_text import shown_error
from partner_desk.services import withdrawal_views, withdrawals
from partner_desk.services.changes import Area
from partner_desk.services.reporting import Reporting, reporting
from partner_desk.services.withdrawal_views import QueueRow
from partner_desk.services.withdrawals import WithdrawalView


class WithdrawalsPage(Page):
    """The queue, a tab per state; actions on the selected request."""

    areas = frozenset({Area.WITHDRAWALS, Area.BATCHES, Area.LEDGER, Area.AGENCIES, Area.RATES, Area.SETTINGS,
                       Area.USERS})


    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[QueueRow] = []
        self.dialog: RejectDialog | PaidDialog | None = None
        self._keep: int | None = None
        # refresh() calls in one turn of the event loop (the window's and the page's own) load once
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self._load)
        self._build()

    def _build(self) -> None:
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        for _status, label in TABS:
            self.tabs.addTab(_(label))
        self.tabs.currentChanged.connect(lambda _i: self._apply_filter())
        self.search = widgets.SearchField()
        self.search.setPlaceholderText(_("Filter by agency, user or details…"))
        self.search.search.connect(lambda _t: self._apply_filter())
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.refresh)

        self.reporting: Reporting | None = None
        self.model: RowTableModel[QueueRow] = RowTableModel(columns(self.ctx, with_reporting(self)), self)
        self.table = table_view(self.model, self)
        self.table.setObjectName("withdrawals_table")
        self.search.submitted.connect(self._select_first)
        self.search.down.connect(lambda: into_table(self.table))
        self.export = TableExport(self, self.ctx, self.table, self.model, self._export_title)
        self.totals = QLabel()
        self.totals.setObjectName("withdrawal_totals")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.doubleClicked.connect(
            lambda index: self.open_page.emit("agency", self.model.row(index.row()).request.agency))
        # several approved requests may be selected for a payout batch
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        self.buttons: dict[Move, QPushButton] = {}
        actions = QHBoxLayout()
        for move, label, _tip in BUTTONS:
            button = QPushButton(_(label))
            button.clicked.connect(lambda _c=False, m=move: self.act(m))
            self.buttons[move] = button
            actions.addWidget(button)
        actions.addSpacing(16)
        self.batch = BatchActions(self, self.ctx, self._batch_changed)
        actions.addWidget(self.batch.export_button)
        actions.addWidget(self.batch.paid_button)
        actions.addStretch(1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.tabs)
        top.addStretch(1)
        top.addWidget(self.search)
        top.addWidget(refresh)
        top.addWidget(self.export.button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._update_buttons()

    # Page -----------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_item(self, item: object) -> None:
        """Show a state ("pending"...) or select one request by its number."""
        if isinstance(item, int):
            self._keep = item
            self.show_status(None)
            self.refresh()
        elif isinstance(item, str) and item in {s.value for s in Status}:
            self.show_status(Status(item))

    def refresh(self) -> None:
        """Reload the queue (soon, once), keeping the selected request selected."""
        self._reload.start()

    def _load(self) -> None:
        current = self.selected()
        if current is not None and self._keep is None:
            self._keep = current.id
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> tuple[list[QueueRow], Reporting]:
            rows = withdrawal_views.queue(db, actor, None)
            return rows, reporting(db, {r.request.currency for r in rows})

        run_op(self, work, self._loaded, label=_("Loading withdrawals…"), generation=self.loads)

    def _loaded(self, result: tuple[list[QueueRow], Reporting]) -> None:
        rows, self.reporting = result
        self.rows = rows
        amount = next(i for i, c in enumerate(self.model.columns) if c.header == _("Amount"))
        self.model.columns[amount + 1].header = equivalent_header(_("Amount"), self.reporting)
        counts = withdrawal_views.counts(rows)
        for index, (status, label) in enumerate(TABS):
            count = counts[status] if status is not None else len(rows)
            self.tabs.setTabText(index, f"{_(label)} ({count})")
        self.model.set_rows(rows)
        self._apply_filter()
        self.loaded.emit()

    # filtering and selection ------------------------------------------------------------------------
    def current_status(self) -> Status | None:
        return TABS[self.tabs.currentIndex()][0]

    def show_status(self, status: Status | None) -> None:
        index = next(i for i, (s, _label) in enumerate(TABS) if s is status)
        self.tabs.setCurrentIndex(index)
        self._apply_filter()

    def _apply_filter(self) -> None:
        keep = self._keep if self._keep is not None else getattr(self.selected(), "id", None)
        self._keep = None
        status = self.current_status()
        needle = self.search.text().strip().lower()

        def visible(row: QueueRow) -> bool:
            if status is not None and row.status is not status:
                return False
            if not needle:
                return True
            w = row.request
            return any(needle in (text or "").lower() for text in (
                w.agency, row.agency_name, w.details, w.requested_by, w.decided_by, w.payout_reference,
                str(w.id)))

        self.model.set_filter(visible)
        # a tab of one state says the state already
        state = next(i for i, c in enumerate(self.model.columns) if c.header == _("State"))
        self.table.setColumnHidden(state, status is not None)
        shown = self.model.rows()
        text, tip = footer_text(((r.request.amount, r.request.currency) for r in shown), self.reporting)
        self.totals.setText(ngettext("{n} request shown: {totals}", "{n} requests shown: {totals}", len(shown))
                            .format(n=len(shown), totals=text))
        self.totals.setToolTip(tip or "")
        if not (keep is not None and self.select(keep)) and self.model.rowCount():
            self.table.selectRow(0)

    def _select_first(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)

    def _export_title(self) -> str:
        status = self.current_status()
        tab = _(next(label for s, label in TABS if s is status))
        return _("Withdrawals {tab}").format(tab=tab.lower())

    def select(self, withdrawal_id: int) -> bool:
        """Select a request by its number when it is shown; True if it is."""
        for index, row in enumerate(self.model.rows()):
            if row.id == withdrawal_id:
                # this request alone, whatever keys are held (selectRow would add to the selection)
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                self.table.selectionModel().setCurrentIndex(self.model.index(index, 0), flags)
                return True
        return False

    def selected(self) -> QueueRow | None:
        row = selected_row(self.table)
        return row if isinstance(row, QueueRow) else None

    def selected_rows(self) -> list[QueueRow]:
        """Every selected request, in table order."""
        indexes = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row(i) for i in indexes]

    def today(self) -> date:
        return self.ctx.today()

    def _update_buttons(self) -> None:
        row = self.selected()
        several = len(self.table.selectionModel().selectedRows()) > 1
        self.batch.update(self.rows)
        for move, _label, tip in BUTTONS:
            button = self.buttons[move]
            if row is None or several:
                button.setEnabled(False)
                button.setToolTip(_("Select one request first") if several else _("Select a request first"))
                continue
            reasons = row.refusals.get(move, [])
            button.setEnabled(not reasons)
            button.setToolTip("\n".join(reasons) if reasons else _(tip))
        self.detail.setText(self._detail_text(row) if row is not None else self._empty_text())

    def _empty_text(self) -> str:
        if self.model.rowCount():
            return _("Select a request to act on it.")
        status = self.current_status()
        if status is None:
            return _("No withdrawal has been requested yet. A request is made from the agency's page.")
        return _("No {state} requests. A request is made from the agency's page.").format(
            state=_(STATUS_LABELS[status]))

    def _detail_text(self, row: QueueRow) -> str:
        w = row.request
        parts = [_("Withdrawal {id} of {agency} ({name}): {amount} by {method}; details: {details}.").format(
            id=w.id, agency=w.agency, name=row.agency_name, amount=money(w.amount, w.currency),
            method=method_label(w.method), details=w.details)]
        parts.append(_("Requested by {who} on {when}.").format(
            who=self.ctx.person(w.requested_by) or _("set-up"), when=self.ctx.moment(w.requested_at)))
        if w.decided_by:
            parts.append(_("Decided by {who} on {when}.").format(
                who=self.ctx.person(w.decided_by), when=self.ctx.moment(w.decided_at)))
        if w.reason:
            parts.append(_("Reason: {reason}").format(reason=w.reason))
        if w.payout_reference:
            parts.append(_("Paid on {day} by {who}, reference {ref}.").format(
                day=day(w.paid_on) if w.paid_on else "?", who=self.ctx.person(w.paid_by) or "?",
                ref=w.payout_reference))
        if w.status is Status.PENDING and not row.allowed(Move.APPROVE):
            parts.append(_("You cannot approve it: {reasons}.").format(
                reasons="; ".join(row.refusals[Move.APPROVE])))
        return " ".join(parts)

    # actions ----------------------------------------------------------------------------------------
    def act(self, move: Move) -> None:
        """What a button does for the selected request: approve at once (after a confirmation),
        or open the dialog that asks for a reason, a reference or a confirmation. The request's state
        as shown goes with it: a request someone else moved on meanwhile is refused, not acted on."""
        row = self.selected()
        if row is None or not row.allowed(move):
            return
        w = row.request
        if move is Move.APPROVE:
            widgets.confirm(self, _("Approve withdrawal {id}: {amount} to {agency} by {method}?").format(
                id=w.id, amount=money(w.amount, w.currency), agency=w.agency, method=method_label(w.method)),
                lambda: self._run(move, w.id,
                                  lambda db, actor: withdrawals.approve(db, actor, w.id, expected=w.status)),
                yes_label=_("Approve"))
        elif move is Move.REJECT:
            reject = RejectDialog(w, self)
            reject.submitted.connect(lambda wid, reason: self._run(
                move, wid, lambda db, actor: withdrawals.reject(db, actor, wid, reason, expected=w.status)))
            self._open(reject)
        elif move is Move.PAID:
            paid = PaidDialog(w, self.today(), self)
            paid.submitted.connect(lambda wid, ref, on: self._run(
                move, wid, lambda db, actor: withdrawals.mark_paid(db, actor, wid, ref, on, expected=w.status)))
            self._open(paid)
        else:
            widgets.confirm(self, _("Cancel withdrawal {id} ({amount})? Its hold is released.").format(
                id=w.id, amount=money(w.amount, w.currency)),
                lambda: self._run(move, w.id, lambda db, actor: withdrawals.cancel(db, actor, w.id, expected=w.status)),
                yes_label=_("Cancel request"))

    def _open(self, dialog: RejectDialog | PaidDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _run(self, move: Move, withdrawal_id: int, call: Callable[..., WithdrawalView]) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> WithdrawalView:
            return call(db, actor)

        run_op(self, work, lambda view: self._moved(move, view), self._move_failed)

    def _moved(self, move: Move, view: WithdrawalView) -> None:
        self.status.setStyleSheet("")
        self.status.setText(_("Withdrawal {id} is now {state}.").format(id=view.id,
                                                                        state=_(STATUS_LABELS[view.status])))
        self._keep = view.id
        self.changed(f"withdraw.{move.value}", str(view.id))
        self.refresh()

    def _move_failed(self, exc: Exception) -> None:
        self.show_failure(exc)
        show_error(self, exc)

    def show_failure(self, exc: Exception) -> None:
        """Say in the status line why an action was refused, and show the queue as it is now."""
        self.status.setStyleSheet(colors.RED)
        self.status.setText(shown_error(exc))
        self.refresh()

    def _batch_changed(self, action: str, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.changed(action)
        self.refresh()
