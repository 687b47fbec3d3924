"""The "Today" page, the first of the window: what a partnership department looks at each morning.

Each box answers one question and opens the page that acts on it: the period to post next (and why
it cannot be posted yet) opens Accruals; requests waiting for approval and approved ones not yet paid
open Withdrawals on their tab; an agency close to its next level, with a benefit to fulfil or with a
balance it could withdraw opens its agency page; the imports and today's rates open Import. A manager
sees the agencies they manage only. What each box says comes from `services/today.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from partner_desk.domain.tiers import NEAR_NEXT_LEVEL
from partner_desk.gui import colors, labels
from partner_desk.gui.context import AppContext
from partner_desk.gui.money_columns import totals_text
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.gui.page import Page
from partner_desk.gui.pages.agency.page import STATE_LABELS
from partner_desk.i18n import _, day, money, ngettext, percent
from partner_desk.names import IMPORT_KINDS
from partner_desk.refusal_text import shown
from partner_desk.services.changes import EVERYTHING, Area
from partner_desk.services.today import Requests, Today, near_levels, today_view

LIST_ROWS = 5

# an entry of a box's list: its text, its tooltip (or None) and what opening it passes on
Entry = tuple[str, str | None, object]


class Entries(QAbstractListModel):
    """A box's list: its rows, each made into an entry (`Entry`) only when the view first shows it, so
    a list of thousands costs the window the few rows on screen."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Any] = ()
        self._entry: Callable[[Any], Entry] = lambda row: row
        self._made: dict[int, Entry] = {}

    def set_rows(self, rows: Sequence[Any], entry: Callable[[Any], Entry]) -> None:
        self.beginResetModel()
        self._rows, self._entry, self._made = rows, entry, {}
        self.endResetModel()

    def entry(self, row: int) -> Entry:
        found = self._made.get(row)
        if found is None:
            found = self._made[row] = self._entry(self._rows[row])
        return found

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.entry(index.row())[0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.entry(index.row())[1]
        if role == Qt.ItemDataRole.UserRole:
            return self.entry(index.row())[2]
        return None


class Box(QFrame):
    """A titled box: a summary line, optionally a list whose entries open a page, and a button."""

    def __init__(self, name: str, title: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(QLabel(f"<b>{title}</b>"), 1)
        self.button = QPushButton(button)
        self.button.setObjectName(f"{name}_open")
        head.addWidget(self.button)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setObjectName(f"{name}_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.entries = Entries(self)
        self.list = QListView()
        self.list.setObjectName(f"{name}_list")
        self.list.setModel(self.entries)
        self.list.setUniformItemSizes(True)
        self.list.setMaximumHeight(self.list.fontMetrics().height() * (LIST_ROWS + 1) + 8)
        self.list.setVisible(False)
        layout.addWidget(self.list)
        layout.addStretch(1)

    def set_entries(self, rows: Sequence[Any], entry: Callable[[Any], Entry]) -> None:
        """List `rows`, each shown as `entry(row)` makes it: (text, tooltip, what opening it passes on)."""
        self.entries.set_rows(rows, entry)
        self.list.setVisible(bool(rows))

    def current(self) -> object | None:
        """What opening the entry selected passes on; None when none is selected."""
        index = self.list.currentIndex()
        return self.entries.entry(index.row())[2] if index.isValid() else None

    def set_summary(self, text: str, style: str = "") -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(style)


class TodayPage(Page):
    """Eight boxes in two columns; each opens the page that acts on what it shows."""

    # everything but the trail itself: a refused attempt changes nothing the page shows
    areas = EVERYTHING - {Area.AUDIT}

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view: Today | None = None
        self.heading = QLabel()
        self.heading.setObjectName("today_heading")
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.scope = QLabel()
        self.scope.setObjectName("today_scope")

        open_ = _("Open")
        self.posting = Box("posting", _("Posting"), _("Open Accruals"))
        self.pending = Box("pending", _("Waiting for approval"), _("Open"))
        self.approved = Box("approved", _("Approved, not paid yet"), _("Open"))
        self.near = Box("near", _("Close to the next commission level"), open_)
        self.benefits = Box("benefits", _("Benefits reached, not delivered"), open_)
        self.idle = Box("idle", _("Could withdraw, no request"), open_)
        self.imports = Box("imports", _("Last imports"), _("Open Import"))
        self.rates = Box("rates", _("Today's exchange rates"), _("Import rates"))
        self.boxes = [self.posting, self.pending, self.approved, self.near, self.benefits, self.idle,
                      self.imports, self.rates]

        self.posting.button.clicked.connect(self._open_posting)
        self.pending.button.clicked.connect(lambda: self.open_page.emit("withdrawals", "pending"))
        self.approved.button.clicked.connect(lambda: self.open_page.emit("withdrawals", "approved"))
        self.imports.button.clicked.connect(lambda: self.open_page.emit("import", None))
        self.rates.button.clicked.connect(lambda: self.open_page.emit("import", "rates"))
        for box in (self.near, self.benefits, self.idle):
            box.list.activated.connect(lambda index, b=box: self._open_agency(b.entries.entry(index.row())[2]))
            box.list.doubleClicked.connect(lambda index, b=box: self._open_agency(b.entries.entry(index.row())[2]))
            box.button.clicked.connect(lambda _c=False, b=box: self._open_selected(b))
            box.list.selectionModel().currentChanged.connect(lambda *_a, b=box: self._selected(b))
            box.button.setToolTip(_("Select an agency in the list first"))
            box.button.setEnabled(False)

        grid = QGridLayout()
        for index, box in enumerate(self.boxes):
            grid.addWidget(box, index // 2, index % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.scope, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    # loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Every box but "close to the next level" at once; that one (a preview of the running month)
        follows in the background, in the same generation of loads, so a newer refresh drops it."""
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> Today:
            return today_view(db, actor, near=False)

        run_op(self, work, self._loaded, self._failed, label=_("Reading today's work…"), quiet=True,
               generation=self.loads)

    def _near_later(self, view: Today) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> Today:
            return near_levels(db, actor, view)

        run_op(self, work, self._near_loaded, self._failed, label=_("Reading today's work…"), quiet=True,
               generation=self.loads)

    def _near_loaded(self, view: Today) -> None:
        self.view = view
        self._near(view)
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self.heading.setText(_("Today's work could not be read."))
        show_error(self, exc, action=_("Reading today's work"))
        self.loaded.emit()

    def _loaded(self, view: Today) -> None:
        self.view = view
        self.heading.setText(_("Today, {day}").format(day=day(view.today)))
        self.scope.setText(_("— the agencies you manage") if view.mine_only else "")
        self._posting(view)
        self._requests(self.pending, view.pending, view,
                       _("Nothing is waiting for approval."))
        self._requests(self.approved, view.approved, view, _("No approved request is waiting to be paid."))
        self._near(view)
        self._benefits(view)
        self._idle(view)
        self._imports(view)
        self._rates(view)
        if view.near_pending:
            self._near_later(view)
        else:
            self.loaded.emit()

    # the boxes ----------------------------------------------------------------------------------
    def _posting(self, view: Today) -> None:
        p = view.posting
        if p.period is None:
            self.posting.set_summary(_("Nothing to post yet: no payment has been imported."))
        elif p.can_post:
            self.posting.set_summary(_("{period} can be posted now.").format(period=p.period), colors.GREEN)
        else:
            self.posting.set_summary(_("{period} cannot be posted now: {reasons}.").format(
                period=p.period, reasons="; ".join(shown(r) for r in p.refusals)), colors.AMBER)

    def _requests(self, box: Box, requests: Requests, view: Today, nothing: str) -> None:
        if not requests.count:
            box.set_summary(nothing, colors.GREEN)
            return
        text, tip = totals_text(requests.totals, view.reporting)
        box.set_summary(ngettext("{n} request: {totals}", "{n} requests: {totals}", requests.count)
                        .format(n=requests.count, totals=text), colors.AMBER)
        box.summary.setToolTip(tip or "")

    def _near(self, view: Today) -> None:
        box = self.near
        share = percent(NEAR_NEXT_LEVEL * 100)
        if view.near_pending:
            box.set_summary(_("Previewing {period}: computing…").format(period=view.running))
        elif view.near_note:
            box.set_summary(_("The running month cannot be previewed: {reason}").format(reason=view.near_note),
                            colors.AMBER)
        elif not view.near:
            box.set_summary(_("No agency is within {share} of its next level in {period}.").format(
                share=share, period=view.running))
        else:
            box.set_summary(ngettext("{n} agency is within {share} of its next level in {period}:",
                                     "{n} agencies are within {share} of their next level in {period}:",
                                     len(view.near)).format(n=len(view.near), share=share, period=view.running))
        box.set_entries(view.near, lambda n: (
            _("{code} {name}: {missing} more for {percent} (so far {turnover})").format(
                code=n.code, name=n.name, missing=money(n.missing, "USD"), percent=percent(n.percent),
                turnover=money(n.turnover, "USD")), None, n.code))

    def _benefits(self, view: Today) -> None:
        box = self.benefits
        per_agency: dict[str, list[Any]] = defaultdict(list)
        names: dict[str, str] = {}
        levels = {minimum: money(minimum, "USD") for minimum in {b.min_reward_usd for b in view.benefits}}
        for b in view.benefits:
            per_agency[b.code].append(b)
            names[b.code] = b.name

        def delivered(b: Any) -> str:
            state = _(STATE_LABELS[b.state]) if b.state in STATE_LABELS else _("not started")
            return _("{benefit} (from {level}, reached in {period}; {state})").format(
                benefit=b.benefit, level=levels[b.min_reward_usd], period=b.last_month, state=state)

        if not per_agency:
            box.set_summary(_("Every benefit reached has been delivered."), colors.GREEN)
        else:
            box.set_summary(ngettext("{n} benefit to deliver, at {agencies}:",
                                     "{n} benefits to deliver, at {agencies}:", len(view.benefits))
                            .format(n=len(view.benefits),
                                    agencies=ngettext("{n} agency", "{n} agencies", len(per_agency))
                                    .format(n=len(per_agency))))
        box.set_entries(list(per_agency.items()), lambda pair: (
            ngettext("{code} {name}: {n} benefit", "{code} {name}: {n} benefits", len(pair[1]))
            .format(code=pair[0], name=names[pair[0]], n=len(pair[1])),
            "\n".join(delivered(b) for b in pair[1]), pair[0]))

    def _idle(self, view: Today) -> None:
        box = self.idle
        if not view.idle:
            box.set_summary(_("No agency that could withdraw is without a request."))
        else:
            box.set_summary(ngettext("{n} agency could withdraw and has no request pending or approved:",
                                     "{n} agencies could withdraw and have no request pending or approved:",
                                     len(view.idle)).format(n=len(view.idle)))
        reporting = view.reporting

        def entry(i: Any) -> Entry:
            worth = reporting.equivalent(i.available, i.currency)
            shown = money(i.available, i.currency)
            if worth is not None and i.currency != reporting.currency:
                shown += " ≈ " + money(worth, reporting.currency)
            return _("{code} {name}: available {amount}").format(code=i.code, name=i.name, amount=shown), None, i.code

        box.set_entries(view.idle, entry)

    def _imports(self, view: Today) -> None:
        lines = []
        for imp in view.imports:
            kind = _(IMPORT_KINDS.get(imp.kind, imp.kind))
            if imp.at is None:
                lines.append(_("{kind}: never").format(kind=kind))
            else:
                lines.append(_("{kind}: {moment} ({file}, by {user})").format(
                    kind=kind, moment=self.ctx.moment(imp.at), file=imp.file_name,
                    user=self.ctx.person(imp.user_name) or labels.role(None)))
        self.imports.set_summary("<br>".join(lines))

    def _rates(self, view: Today) -> None:
        if not view.currencies_in_use:
            self.rates.set_summary(_("Every agency and project is in USD: no rate is needed."), colors.GREEN)
        elif not view.missing_rates:
            self.rates.set_summary(_("Every currency in use has a rate dated today ({currencies}).").format(
                currencies=", ".join(view.currencies_in_use)), colors.GREEN)
        else:
            parts = [_("{currency} (latest {day})").format(currency=m.currency, day=day(m.latest)) if m.latest
                     else _("{currency} (none at all)").format(currency=m.currency) for m in view.missing_rates]
            self.rates.set_summary(_("No rate dated today for {currencies}; until one is imported, the latest "
                                     "rate before today is used.").format(currencies=", ".join(parts)), colors.AMBER)

    # opening ------------------------------------------------------------------------------------
    def _open_posting(self) -> None:
        if self.view is not None and self.view.posting.period is not None:
            self.open_page.emit("accruals", str(self.view.posting.period))
        else:
            self.open_page.emit("accruals", None)

    def _open_agency(self, code: object) -> None:
        self.open_page.emit("agency", code)

    def _selected(self, box: Box) -> None:
        chosen = box.current() is not None
        box.button.setEnabled(chosen)
        box.button.setToolTip("" if chosen else _("Select an agency in the list first"))

    def _open_selected(self, box: Box) -> None:
        code = box.current()
        if code is not None:
            self._open_agency(code)


def entries_of(box: Box) -> list[tuple[str, object]]:
    """What a box lists: (text, what opening it passes on); for tests and screenshots."""
    return [(text, data) for text, _tip, data in map(box.entries.entry, range(box.entries.rowCount()))]

