"""Writing what the window shows to a spreadsheet (XLSX or CSV): the service behind every table's
"Export…" and the accruals page's "Export preview…"."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from partner_desk.domain.refusals import Refusal, Said
from partner_desk.files.table_export import FORMATS, Sheet, write_table
from partner_desk.refusal_text import Refused


def export_table(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write `sheets` to `path` (.xlsx: every sheet; .csv: the first), whole or not at all."""
    if path.suffix.lower().lstrip(".") not in FORMATS:
        raise Refused(Refusal("table_name", {"file": path.name}))
    try:
        if not path.parent.is_dir():
            raise Refused(Refusal("no_folder", {"path": str(path), "folder": str(path.parent)}))
        return write_table(path, sheets)
    except OSError as exc:
        raise Refused(Refusal("cannot_write", {"path": str(path), "detail": Said(str(exc.strerror or exc))})) from None
