"""Payout batches on the withdrawals page: "Export payout batch…" and "Mark batch paid…".

Finance selects approved requests (or takes every approved request of a method), exports them as
payout files, and once the bank or PayPal has paid, marks the whole batch paid with one reference
and date, after a confirmation that lists the requests and the totals per currency. The work runs
off the GUI thread; a disabled button's tooltip says why it is disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import per_currency
from partner_desk.domain.roles import Action
from partner_desk.domain.withdrawals import Method, Status
from partner_desk.gui import labels, widgets
from partner_desk.gui.context import AppContext
from partner_desk.gui.date_field import chosen_day_field, picked_day, qdate
from partner_desk.gui.dialogs import FormDialog
from partner_desk.gui.ops import Progress, run_op, show_error
from partner_desk.i18n import _, day, money, ngettext
from partner_desk.refusal_text import shown
from partner_desk.services import payout_batch_views as views
from partner_desk.services.payout_batches import (
    BatchExport,
    BatchPaid,
    BatchPreview,
    export_batch,
    mark_batch_paid,
    preview_batch,
)
from partner_desk.services.withdrawal_views import QueueRow

LISTED = 15  # requests a confirmation lists by name before it says how many more


def default_folder() -> Path:
    """Documents/Partner Desk payouts (the home folder when there is no documents folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "Partner Desk payouts"


def totals_text(items: Sequence[tuple[Any, str]]) -> str:
    """"120.50 USD; 20,000 JPY": one total per currency."""
    return "; ".join(money(amount, currency) for currency, amount in per_currency(items).items())


class _PathField(QWidget):
    """A path typed or chosen with a window-modal, non-blocking file dialog."""

    def __init__(self, text: str, title: str, folder: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.folder = title, folder
        self.edit = QLineEdit(text)
        self.edit.setMinimumWidth(300)
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self.choose)
        self.chooser: QFileDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(choose)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def choose(self) -> None:
        start = str(self.path() or default_folder())
        dialog = QFileDialog(self, self.title, start)
        if self.folder:
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setNameFilter(_("Payout batch files (*.csv *.xlsx *.xml)"))
        dialog.fileSelected.connect(self.edit.setText)
        self.chooser = dialog
        dialog.open()


class ExportBatchDialog(FormDialog):
    """Choose the method, the requests (the selected ones, or every approved one not yet in a batch)
    and the folder; OK writes the files."""

    def __init__(self, ctx: AppContext, rows: Sequence[QueueRow], selected: Sequence[QueueRow],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Export a payout batch"),
                         _("The approved requests become payout files: for PayPal one upload file per "
                           "currency, for bank transfers a payment register and a SEPA file for EUR. "
                           "Nothing is paid yet: mark the batch paid once the payout went out."),
                         parent, ok_label=_("Export"))
        self.ctx = ctx
        self.rows = views.exportable(rows)
        self.picked = views.exportable(selected)
        self.method = QComboBox()
        self.method.setObjectName("method")
        self.method.addItem(_("PayPal"), Method.PAYPAL.value)
        self.method.addItem(_("Bank transfer"), Method.BANK_TRANSFER.value)
        if self.picked:
            self.method.setCurrentIndex(self.method.findData(self.picked[0].request.method))
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.folder = _PathField(str(default_folder()), _("Folder for the payout files"), True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form.addRow(_("Payout method:"), self.method)
        self.form.addRow(_("Requests:"), self.scope)
        self.form.addRow(_("Folder:"), self.folder)
        self.form.addRow("", self.summary)
        self.method.currentIndexChanged.connect(lambda _i: self._fill_scope())
        self.scope.currentIndexChanged.connect(lambda _i: self._summarise())
        self._fill_scope()

    def chosen_method(self) -> str:
        return str(self.method.currentData())

    def _of_method(self, rows: Sequence[QueueRow]) -> list[QueueRow]:
        return [r for r in rows if r.request.method == self.chosen_method()]

    def _fill_scope(self) -> None:
        self.scope.blockSignals(True)
        self.scope.clear()
        picked = self._of_method(self.picked)
        if picked:
            self.scope.addItem(ngettext("the selected request ({n})", "the {n} selected requests", len(picked))
                               .format(n=len(picked)), "selected")
        self.scope.addItem(_("every approved request not yet in a batch"), "all")
        self.scope.blockSignals(False)
        self._summarise()

    def requests(self) -> list[QueueRow]:
        """The requests the export will hold, as far as the page knows them."""
        if self.scope.currentData() == "selected":
            return self._of_method(self.picked)
        return self._of_method(self.rows)

    def _summarise(self) -> None:
        chosen = self.requests()
        if not chosen:
            self.summary.setText(_("No approved request of this method is waiting to be paid."))
            return
        text = ngettext("{n} request: {totals}", "{n} requests: {totals}", len(chosen)).format(
            n=len(chosen), totals=totals_text([(r.request.amount, r.request.currency) for r in chosen]))
        if self.scope.currentData() == "all":
            text += " " + _("(requests already in a batch not yet marked paid are left out)")
        self.summary.setText(text)

    def prepare(self) -> Any:
        folder = self.folder.path()
        if folder is None:
            raise UserError(_("Folder: choose where the payout files go"))
        ids = [r.id for r in self.requests()] if self.scope.currentData() == "selected" else None
        return self.chosen_method(), folder, ids

    def run(self, values: Any) -> object:
        method, folder, ids = values
        return export_batch(self.ctx.db, self.ctx.actor, method, folder, ids)


class MarkBatchPaidDialog(FormDialog):
    """Name the batch (a file of it, or the selected requests), the payout reference and date; OK reads
    the batch's requests, and the page asks for a confirmation listing them before it marks them paid."""

    def __init__(self, ctx: AppContext, selected: Sequence[QueueRow], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Mark a payout batch paid"),
                         _("Every request of the batch is marked paid with one reference and date, each with "
                           "its own ledger entries, or none is."), parent, ok_label=_("Continue…"))
        self.ctx = ctx
        self.picked = [r for r in selected if r.status is Status.APPROVED]
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.addItem(_("a file of the batch"), "file")
        if self.picked:
            self.source.addItem(ngettext("the selected approved request ({n})", "the {n} selected approved requests",
                                         len(self.picked)).format(n=len(self.picked)), "selected")
        self.file = _PathField("", _("A file of the payout batch"), False)
        self.reference = widgets.text_field("reference", _("PayPal batch id, bank transaction id…"))
        self.paid_on = chosen_day_field(today)
        self.form.addRow(_("Batch:"), self.source)
        self.form.addRow(_("File:"), self.file)
        self.form.addRow(_("Payout reference:"), self.reference)
        self.form.addRow(_("Paid on:"), self.paid_on)
        self.source.currentIndexChanged.connect(lambda _i: self.file.setEnabled(self.source.currentData() == "file"))
        if self.picked:
            self.source.setCurrentIndex(1)
        self.marking: tuple[Path | list[int], str, date] | None = None

    def set_paid_on(self, value: date) -> None:
        self.paid_on.setDate(qdate(value))

    def prepare(self) -> Any:
        if self.source.currentData() == "selected":
            target: Path | list[int] = [r.id for r in self.picked]
        else:
            path = self.file.path()
            if path is None:
                raise UserError(_("File: choose a file of the payout batch (the PayPal file, the register or "
                                  "the SEPA file)"))
            target = path
        reference = self.reference.text().strip()
        if not reference:
            raise UserError(_("Marking a batch paid needs the payout reference."))
        self.marking = (target, reference, picked_day(self.paid_on))
        return target

    def run(self, values: Any) -> object:
        return preview_batch(self.ctx.db, values)


def confirmation_text(preview: BatchPreview, reference: str, paid_on: date) -> str:
    """What the confirmation says: the batch, each request (the first ones), and the totals."""
    count = len(preview.requests)
    if preview.batch_id is not None:
        head = ngettext("Mark payout batch {batch} paid: {n} request", "Mark payout batch {batch} paid: {n} requests",
                        count).format(batch=preview.batch_id, n=count)
    else:
        head = ngettext("Mark {n} request paid", "Mark {n} requests paid", count).format(n=count)

    lines = [head + " " + _("on {day} with reference {reference}?").format(day=day(paid_on), reference=reference), ""]
    for w in preview.requests[:LISTED]:
        lines.append(_("No. {id} · {agency} · {amount} ({state})").format(
            id=w.id, agency=w.agency, amount=money(w.amount, w.currency), state=labels.label(labels.STATES, w.status)))
    if count > LISTED:
        lines.append(_("… and {n} more").format(n=count - LISTED))
    lines += ["", _("Total: {totals}").format(totals=totals_text([(w.amount, w.currency) for w in preview.requests]))]
    return "\n".join(lines)


class BatchActions:
    """The two batch buttons of the withdrawals page and what they do."""

    def __init__(self, page: Any, ctx: AppContext, on_changed: Callable[[str, str], None]) -> None:
        self.page, self.ctx, self.on_changed = page, ctx, on_changed
        self.export_button = QPushButton(_("Export payout batch…"))
        self.export_button.setObjectName("export_batch")
        self.export_button.clicked.connect(self.export)
        self.paid_button = QPushButton(_("Mark batch paid…"))
        self.paid_button.setObjectName("mark_batch_paid")
        self.paid_button.clicked.connect(self.mark_paid)
        self.dialog: FormDialog | None = None
        self.rows: list[QueueRow] = []

    def update(self, rows: Sequence[QueueRow]) -> None:
        """Enable each button, or say in its tooltip why it is disabled."""
        self.rows = list(rows)
        for button, reasons, tip in (
            (self.export_button, views.export_refusals(self.ctx.actor, rows),
             _("Write the payout files of approved PayPal or bank transfer requests")),
            (self.paid_button, views.mark_paid_refusals(self.ctx.actor, rows),
             _("Mark every request of an exported batch paid, with one reference and date")),
        ):
            button.setEnabled(not reasons)
            button.setToolTip("\n".join(reasons) if reasons else tip)

    def export(self) -> ExportBatchDialog | None:
        if not self.export_button.isEnabled():
            return None
        dialog = ExportBatchDialog(self.ctx, self.rows, self.page.selected_rows(), self.page)
        dialog.accepted.connect(lambda: self._exported(dialog.result_value))
        self._open(dialog)
        return dialog

    def _exported(self, result: object) -> None:
        assert isinstance(result, BatchExport)
        lines = [ngettext("Payout batch {batch}: {n} request exported ({totals}).",
                          "Payout batch {batch}: {n} requests exported ({totals}).", len(result.request_ids)).format(
            batch=result.batch_id, n=len(result.request_ids),
            totals="; ".join(money(a, c) for c, a in result.totals.items())), ""]
        lines += [str(p) for p in result.files]
        if result.notices or result.left_out:
            lines.append("")
        lines += [shown(n) for n in result.notices]
        if result.left_out:
            lines.append(_("Left out, already in a batch not marked paid: {ids}").format(
                ids=", ".join(str(i) for i in sorted(result.left_out))))
        self.on_changed(Action.WITHDRAW_EXPORT, _("Payout batch {batch} exported.").format(batch=result.batch_id))
        widgets.inform(self.page, "\n".join(lines))

    def mark_paid(self, today: date | None = None) -> MarkBatchPaidDialog | None:
        if not self.paid_button.isEnabled():
            return None
        dialog = MarkBatchPaidDialog(self.ctx, self.page.selected_rows(), today or self.page.today(), self.page)
        dialog.accepted.connect(lambda: self._confirm(dialog))
        self._open(dialog)
        return dialog

    def _confirm(self, dialog: MarkBatchPaidDialog) -> None:
        preview = dialog.result_value
        assert isinstance(preview, BatchPreview)
        assert dialog.marking is not None
        target, reference, paid_on = dialog.marking
        widgets.confirm(self.page, confirmation_text(preview, reference, paid_on),
                        lambda: self._mark(target, reference, paid_on), yes_label=_("Mark batch paid"))

    def _mark(self, target: Path | list[int], reference: str, paid_on: date) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work(_progress: Progress) -> BatchPaid:
            return mark_batch_paid(db, actor, target, reference, paid_on)

        run_op(self.page, work, self._marked, self._failed, label=_("Marking the batch paid…"))

    def _marked(self, result: BatchPaid) -> None:
        count = len(result.requests)
        self.on_changed(Action.WITHDRAW_PAID_BATCH, ngettext("{n} request marked paid on {day} ({reference}).",
                                 "{n} requests marked paid on {day} ({reference}).", count).format(
            n=count, day=day(result.paid_on), reference=result.reference))

    def _failed(self, exc: Exception) -> None:
        self.page.show_failure(exc)
        show_error(self.page, exc)

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
