"""The agency page: who the agency is, where it stands, what it may do, and its history in tabs."""

from __future__ import annotations

import html

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.periods import Period
from partner_desk.domain.rewards import Fulfilment
from partner_desk.domain.roles import Action, role_refusal
from partner_desk.domain.withdrawals import THRESHOLD_USD
from partner_desk.gui import colors, labels
from partner_desk.gui.context import AppContext
from partner_desk.gui.ops import Generation, Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.agency.actions import AgencyActions
from partner_desk.gui.pages.agency.chart import TurnoverChart
from partner_desk.gui.pages.agency.data import Loaded, load
from partner_desk.gui.pages.agency.language import describe_language
from partner_desk.gui.pages.agency.levels import LevelsBox
from partner_desk.gui.pages.agency.tabs import (
    AccrualsTab,
    PaymentsTab,
    ledger_tab,
    projects_tab,
    withdrawals_tab,
)
from partner_desk.gui.preferences import remember_flag, remembered_flag
from partner_desk.i18n import N_, _, day, money, ngettext
from partner_desk.refusal_text import shown, shown_note
from partner_desk.services import agency_detail as views
from partner_desk.services.agency_detail import AgencyDetail
from partner_desk.services.agency_views import agency_names
from partner_desk.services.changes import Area

FOLDED = "agency/header_folded"
STATE_LABELS = {
    Fulfilment.OFFERED.value: N_("offered"),
    Fulfilment.IN_PROGRESS.value: N_("in progress"),
    Fulfilment.DELIVERED.value: N_("delivered"),
}


def _box(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    label = QLabel(f"<b>{title}</b>")
    layout.addWidget(label)
    return frame, layout


class AgencyPage(Page):
    """One agency; opened from the agencies page (or any page) with `show_item(code)`."""

    areas = frozenset({Area.AGENCIES, Area.PROJECTS, Area.PAYMENTS, Area.RATES, Area.TIERS, Area.REWARDS,
                       Area.BENEFITS, Area.ACCRUALS, Area.LEDGER, Area.WITHDRAWALS, Area.SETTINGS, Area.USERS})


    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Agency")
        self.code: str | None = None
        self.previous: str | None = None  # the agency shown before, while another one opens
        self.data: Loaded | None = None
        self.names_loads = Generation()
        self.payment_loads = Generation()
        self.controller = AgencyActions(self)
        self.go = QLineEdit()
        self.go.setObjectName("go_to_agency")
        self.go.setPlaceholderText(_("Go to agency: type a code or name (Ctrl+F)"))
        self.go.setClearButtonEnabled(True)
        self.go.setMaximumWidth(420)
        self.names = QStringListModel(self)
        completer = QCompleter(self.names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self.go_to)
        self.go.setCompleter(completer)
        self.go.returnPressed.connect(lambda: self.go_to(self.go.text()))
        self.stack = QStackedWidget()
        empty = QLabel(_("Open an agency from the Agencies page (double-click or Enter), or type its code above."))
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(empty)
        self.stack.addWidget(self._build())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 6, 0, 0)
        layout.addWidget(self.go)
        layout.addWidget(self.stack)

    # layout -------------------------------------------------------------------------------------
    def _build(self) -> QWidget:  # noqa: PLR0915 - the page top to bottom, one widget after another
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setObjectName("agency_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.subheading = QLabel()
        self.subheading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # the boxes and benefits fold away so the tabs get the room (remembered on this computer)
        self.fold = QToolButton()
        self.fold.setObjectName("fold_header")
        self.fold.setCheckable(True)
        self.fold.toggled.connect(self.collapse_header)
        title = QHBoxLayout()
        title.addWidget(self.heading)
        title.addStretch(1)
        title.addWidget(self.fold)
        layout.addLayout(title)
        layout.addWidget(self.subheading)
        self.notes = QLabel()
        self.notes.setStyleSheet(colors.AMBER)
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)

        self.header_details = QWidget()
        details = QVBoxLayout(self.header_details)
        details.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header_details)
        boxes = QHBoxLayout()
        money_box, money_layout = _box(_("Balance"))
        self.balance = QLabel()
        self.balance.setObjectName("balance")
        money_layout.addWidget(self.balance)
        money_layout.addStretch(1)
        self.levels = LevelsBox()
        levels_box = self.levels
        withdraw_box, withdraw_layout = _box(_("Withdrawal"))
        self.eligibility = QLabel()
        self.eligibility.setObjectName("eligibility")
        self.eligibility.setWordWrap(True)
        withdraw_layout.addWidget(self.eligibility)
        withdraw_layout.addStretch(1)
        boxes.addWidget(money_box, 2)
        boxes.addWidget(levels_box, 4)
        boxes.addWidget(withdraw_box, 3)
        details.addLayout(boxes)

        self.benefits = QTableWidget(0, 4)
        self.benefits.setObjectName("benefits")
        self.benefits.setHorizontalHeaderLabels([_("Benefit"), _("From reward"), _("Months qualified"),
                                                 _("Fulfilment")])
        self.benefits.verticalHeader().setVisible(False)
        self.benefits.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.benefits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.benefits.setMaximumHeight(160)
        self.benefits.verticalHeader().setDefaultSectionSize(self.benefits.fontMetrics().height() + 12)
        details.addWidget(self.benefits)
        self.fold.setChecked(remembered_flag(FOLDED, False))
        self.collapse_header(self.fold.isChecked())

        layout.addLayout(self.controller.bar)

        self.tabs = QTabWidget()
        self.projects = projects_tab(self.ctx)
        self.payments = PaymentsTab(self._reload_payments)
        self.accruals = AccrualsTab(self.ctx)
        self.ledger = ledger_tab()
        self.withdrawals = withdrawals_tab(self.ctx)
        self.chart = TurnoverChart()
        self.tabs.addTab(self.projects, _("Projects"))
        self.tabs.addTab(self.payments, _("Payments"))
        self.tabs.addTab(self.accruals, _("Accruals"))
        self.tabs.addTab(self.ledger, _("Ledger"))
        self.tabs.addTab(self.withdrawals, _("Withdrawals"))
        self.tabs.addTab(self.chart, _("Chart"))
        layout.addWidget(self.tabs, 1)
        return body

    def collapse_header(self, folded: bool) -> None:
        """Hide (or show again) the balance, levels, withdrawal boxes and the benefits."""
        self.header_details.setVisible(not folded)
        self.fold.setText("▸ " + _("Show details") if folded else "▾ " + _("Hide details"))
        self.fold.setToolTip(_("Show the balance, levels, withdrawal and benefits again") if folded
                             else _("Fold the balance, levels, withdrawal and benefits away so the tabs get the room"))
        remember_flag(FOLDED, folded)

    # loading ------------------------------------------------------------------------------------
    def show_item(self, item: object) -> None:
        code = str(item)
        if code != self.code:
            self.previous = self.code if self.data is not None else self.previous
            self.code = code
            self.data = None
        self.refresh()

    def go_to(self, text: str) -> None:
        """Open the agency whose code (or "code — name" completion) was entered."""
        code = text.split(" — ")[0].strip()
        known = {entry.split(" — ")[0] for entry in self.names.stringList()}
        if code.upper() in known and code not in known:
            code = code.upper()
        if code:
            self.go.clear()
            self.show_item(code)

    def focus_search(self) -> None:
        self.go.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _load_names(self) -> None:
        db = self.ctx.db
        run_op(self, lambda _p: agency_names(db),
               lambda names: self.names.setStringList([f"{code} — {name}" for code, name in names]), quiet=True,
               generation=self.names_loads)

    def refresh(self) -> None:
        self._load_names()
        if self.code is None:
            self.stack.setCurrentIndex(0)
            return
        ctx, code = self.ctx, self.code
        period, service = self.payments.chosen()

        def work(_progress: Progress) -> Loaded:
            return load(ctx.db, ctx.actor, code, period, service)

        # reloading the agency shown is quiet; opening another one shows progress if it takes a while
        same = self.data is not None and self.data.detail.code == code
        self.payment_loads.forget()  # the payments come with the agency
        run_op(self, work, self._show, self._failed, label=_("Loading {code}…").format(code=code), quiet=same,
               generation=self.loads)

    def _failed(self, exc: Exception) -> None:
        show_error(self, exc)
        if self.data is None:  # the agency could not be opened (an unknown code): back to the one before
            self.code, self.previous = self.previous, None
            if self.code is None:
                self.stack.setCurrentIndex(0)
            else:
                self.refresh()

    def _reload_payments(self) -> None:
        if self.code is None or self.data is None:
            return
        ctx, code = self.ctx, self.code
        period, service = self.payments.chosen()
        run_op(self, lambda _p: views.agency_payments(ctx.db, code, period, service), self.payments.set_rows,
               quiet=True, generation=self.payment_loads)

    def _show(self, loaded: Loaded) -> None:
        self.data = loaded
        d = loaded.detail
        self.stack.setCurrentIndex(1)
        self.heading.setText(f"{d.code} — {d.name}")
        offer = (_("offer accepted on {day}").format(day=day(d.offer_accepted_on)) if d.offer_accepted_on
                 else _("offer not accepted"))
        self.subheading.setText(" · ".join([
            d.currency, _("manager: {name}").format(name=self.ctx.person(d.manager) or "—"), offer,
            ngettext("{count} connected project", "{count} connected projects", len(d.current_projects))
            .format(count=len(d.current_projects)), describe_language(d)]))
        self.notes.setText("\n".join(shown_note(n) for n in d.notes))
        self.notes.setVisible(bool(d.notes))
        self.balance.setText(
            _("Balance: <b>{balance}</b><br>Held by requests: {held}<br>Available: <b>{available}</b>").format(
                balance=money(d.balance, d.currency), held=money(d.held, d.currency),
                available=money(d.available, d.currency)))
        self.levels.show_detail(d)
        if d.can_withdraw:
            self.eligibility.setText(_("<span style='color:#1b7f3b'>Can withdraw</span>: the offer is accepted "
                                       "and the available balance is worth more than {minimum}.").format(
                minimum=money(THRESHOLD_USD, "USD")))
        else:
            reasons = "".join(f"<li>{html.escape(shown(r))}</li>" for r in d.reasons)
            self.eligibility.setText(_("Cannot withdraw:") + f"<ul>{reasons}</ul>"
                                     + _("The funds can still pay its projects."))
        self._benefits(d)
        self.controller.show(loaded)
        self.projects.set_rows(d.connections)
        periods = sorted({p.period for p in loaded.payments}, reverse=True) if self.payments.chosen()[0] is None else []
        if periods:
            self.payments.set_periods([Period.parse(p) for p in periods])
        self.payments.set_rows(loaded.payments)
        self.accruals.set_rows(loaded.accruals)
        self.ledger.set_rows(loaded.ledger)
        self.withdrawals.set_rows(loaded.withdrawals)
        self.chart.set_points(d.chart, d.currency)
        self.loaded.emit()

    def _benefits(self, d: AgencyDetail) -> None:
        may = role_refusal(self.ctx.actor, Action.BENEFIT_UPDATE) is None
        self.benefits.setRowCount(len(d.benefits))
        for i, b in enumerate(d.benefits):
            name = QTableWidgetItem(labels.benefit(b.name))
            if b.reached_last_month:
                font = name.font()
                font.setBold(True)
                name.setFont(font)
                name.setToolTip(_("Reached last month"))
            self.benefits.setItem(i, 0, name)
            self.benefits.setItem(i, 1, QTableWidgetItem(money(b.min_reward_usd, "USD")))
            months = ", ".join(b.months_qualified) or _("not yet")
            self.benefits.setItem(i, 2, QTableWidgetItem(months))
            combo = QComboBox()
            combo.setObjectName(f"benefit_state_{b.benefit_id}")
            combo.addItem("—", None)
            for value, label in STATE_LABELS.items():
                combo.addItem(_(label), value)
            combo.setCurrentIndex(max(combo.findData(b.state), 0) if b.state else 0)
            combo.setEnabled(may)
            if b.changed_by:
                combo.setToolTip(_("Set by {user}").format(user=b.changed_by))
            combo.currentIndexChanged.connect(
                lambda _i, benefit=b.benefit_id, box=combo: self.controller.set_benefit_state(
                    benefit, box.currentData()))
            self.benefits.setCellWidget(i, 3, combo)
        self.benefits.resizeColumnsToContents()
        self.benefits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
