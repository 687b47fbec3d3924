"""Writing what the window shows to a spreadsheet (XLSX or CSV): the service behind every table's
"Export…" and the accruals page's "Export preview…"."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from partner_desk.domain.errors import UserError
from partner_desk.files.table_export import FORMATS, Sheet, write_table


def export_table(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write `sheets` to `path` (.xlsx: every sheet; .csv: the first), whole or not at all."""
    if path.suffix.lower().lstrip(".") not in FORMATS:
        raise UserError(f"{path.name}: give a name ending in .xlsx or .csv")
    try:
        if not path.parent.is_dir():
            raise UserError(f"{path}: the folder {path.parent} does not exist")
        return write_table(path, sheets)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
