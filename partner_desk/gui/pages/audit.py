"""The audit page: every change and refused attempt, newest first, with filters and the chain check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from partner_desk.gui import colors
from partner_desk.gui.context import AppContext
from partner_desk.gui.labels import ACTIONS, OUTCOMES, audit_object, label
from partner_desk.gui.ops import Progress, run_op
from partner_desk.gui.page import Page
from partner_desk.gui.table_model import Column, RowTableModel, selected_row, table_view
from partner_desk.gui.widgets import SearchField, into_table
from partner_desk.i18n import _, moment, ngettext
from partner_desk.refusal_text import recorded_text, shown_error
from partner_desk.services import audit_trail
from partner_desk.services.changes import Area


def _utc(value: str) -> str:
    """A stored moment ("2026-11-03T09:00:00.5Z") as the window writes moments, still in UTC."""
    return moment(datetime.fromisoformat(value)) if value else ""


LIMIT = 50_000
# what the page shows of a record's object and message, worked out once per load, in the background
SHOWN_OBJECT, SHOWN_MESSAGE = "shown_object", "shown_message"


def shown_words(row: dict[str, Any]) -> dict[str, Any]:
    """A record with what the window shows of it: its object named, a refusal's reason in the window's
    language when the record keeps it typed (as recorded otherwise)."""
    return {**row, SHOWN_OBJECT: audit_object(row["action"], row["object"]),
            SHOWN_MESSAGE: recorded_text(row.get("reason")) or row["message"]}


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None
    action: str | None = None
    outcome: str | None = None
    text: str = ""

    def __call__(self, row: dict[str, Any]) -> bool:
        if self.user is not None and row["user"] != self.user:
            return False
        if self.action is not None and row["action"] != self.action:
            return False
        if self.outcome is not None and row["outcome"] != self.outcome:
            return False
        text = self.text.strip().lower()
        if not text:
            return True
        # what is stored, and what the window shows of it (an object's name, a reason in its language)
        return any(text in str(row.get(key) or "").lower()
                   for key in ("object", "message", "user", "action", SHOWN_OBJECT, SHOWN_MESSAGE))


class AuditPage(Page):
    areas = frozenset({Area.AUDIT, Area.USERS})
    verified = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Audit")
        self.search = SearchField()
        self.search.setObjectName("audit_search")
        self.search.setPlaceholderText(_("Search object, message, user (Ctrl+F)"))
        self.search.search.connect(lambda _t: self.apply_filter())
        self.user = self._combo(_("All users"))
        self.action = self._combo(_("All actions"))
        self.outcome = self._combo(_("All outcomes"))
        self.verify_button = QPushButton(_("Verify"))
        self.verify_button.setToolTip(_("Recompute every record's hash and check the ledger, accruals, "
                                        "withdrawals, payout batches, users and balances against the trail"))
        self.verify_button.clicked.connect(self.verify)
        self.chain = QLabel()
        self.chain.setObjectName("chain")
        self.chain.setWordWrap(True)
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for w in (self.user, self.action, self.outcome, self.verify_button):
            bar.addWidget(w)
        columns: list[Column[dict[str, Any]]] = [
            Column(_("No."), lambda r: r["id"], width=60),
            Column(_("When (UTC)"), lambda r: r["at"], display=_utc, width=160,
                   tooltip=lambda r: r["at"]),
            Column(_("User"), lambda r: r["user"], display=lambda v: self.ctx.person(v) if v else _("(set-up)"),
                   width=90, tooltip=lambda r: r["user"]),
            Column(_("Action"), lambda r: r["action"], display=lambda v: label(ACTIONS, v), width=230),
            Column(_("Object"), lambda r: r[SHOWN_OBJECT], width=180,
                   tooltip=lambda r: r["object"]),
            Column(_("Outcome"), lambda r: r["outcome"], display=lambda v: label(OUTCOMES, v), width=90,
                   foreground=lambda r: colors.NEGATIVE if r["outcome"] != "ok" else None),
            # a refused attempt's reason in the window's language when the record keeps it typed; as recorded
            # (the command line's English) otherwise, and in the tooltip
            Column(_("Message"), lambda r: r[SHOWN_MESSAGE],
                   tooltip=lambda r: r["message"]),
        ]
        self.model: RowTableModel[dict[str, Any]] = RowTableModel(columns, self)
        self.view = table_view(self.model)
        self.view.setObjectName("audit_table")
        # Enter in the search shows the first record found; Down moves into the table
        self.search.submitted.connect(lambda: self.view.selectRow(0) if self.model.rowCount() else None)
        self.search.down.connect(lambda: into_table(self.view))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(_("Select a record to see what it changed (before and after)."))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_details())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setSizes([500, 150])
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.chain)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)

    def _combo(self, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        return combo

    def refresh(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> list[dict[str, Any]]:
            return [shown_words(row) for row in audit_trail.records(db, actor, LIMIT)]

        run_op(self, work, self.show_records, self._refused, quiet=True, generation=self.loads)

    def _refused(self, exc: Exception) -> None:
        """Reading the trail needs the finance or admin role: say so on the page."""
        self.model.set_rows([])
        self.chain.setText(shown_error(exc))
        self.chain.setStyleSheet(colors.AMBER)
        self.verify_button.setEnabled(False)
        self.verify_button.setToolTip(shown_error(exc))
        self.loaded.emit()

    def show_records(self, rows: list[dict[str, Any]]) -> None:
        for combo, key in ((self.user, "user"), (self.action, "action"), (self.outcome, "outcome")):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            names = {"action": ACTIONS, "outcome": OUTCOMES}.get(key)
            for value in sorted({str(r[key]) for r in rows if r[key]}):
                combo.addItem(label(names, value) if names else value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.blockSignals(False)
        self.model.set_rows(rows)
        self.apply_filter()
        self.loaded.emit()

    def current_filter(self) -> AuditFilter:
        return AuditFilter(self.user.currentData(), self.action.currentData(), self.outcome.currentData(),
                           self.search.text())

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        total = len(self.model.all_rows())
        self.count.setText(ngettext("{shown} of {total} record", "{shown} of {total} records", total)
                           .format(shown=self.model.rowCount(), total=total))

    def _show_details(self) -> None:
        row = selected_row(self.view)
        if row is None:
            self.details.clear()
            return
        parts = [f"{label(ACTIONS, row['action'])} {row[SHOWN_OBJECT]} — "
                 f"{label(OUTCOMES, row['outcome'])}",
                 _("at {moment} (UTC)").format(moment=row["at"])]
        if row["message"]:
            parts.append(row[SHOWN_MESSAGE])
        for key, heading in (("before", _("before")), ("after", _("after"))):
            if row[key] is not None:
                parts.append(f"{heading}: {json.dumps(row[key], ensure_ascii=False, indent=1)}")
        if row.get("clock"):
            parts.append(_("the product's clock was set to {moment} (PARTNER_DESK_NOW)").format(moment=row["clock"]))
        parts.append(_("hash {hash}").format(hash=row["hash"]))
        self.details.setPlainText("\n".join(parts))

    def verify(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.chain.setText(_("Verifying…"))
        run_op(self, lambda _p: audit_trail.verify(db, actor), self._verified,
               label=_("Verifying the audit trail and the tables…"))

    def _verified(self, check: audit_trail.Verification) -> None:
        if check.intact:
            self.chain.setText(_("The audit trail is intact: {n} records; the ledger, accruals, withdrawals, "
                                 "payout batches, users and balances agree with it. Head {head}").format(
                n=check.head.count, head=check.head))
            self.chain.setStyleSheet("color: #1b7f3b;")
        else:
            shown = [p.shown() for p in check.problems[:20]]
            more = len(check.problems) - len(shown)
            if more:
                shown.append(ngettext("…and {n} more problem", "…and {n} more problems", more).format(n=more))
            self.chain.setText(ngettext(
                "The tables disagree with the audit trail: {n} problem", "The tables disagree with the audit "
                "trail: {n} problems", len(check.problems)).format(n=len(check.problems)) + "\n" + "\n".join(shown))
            self.chain.setStyleSheet(colors.RED + " font-weight: bold;")
        self.verified.emit(check)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
