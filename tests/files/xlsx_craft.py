"""Building XLSX files the way other tools write them, down to their XML: understated dimensions,
formulas with stale cached values, shared strings, damaged parts."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def workbook(path: Path, rows: Sequence[Sequence[Any]], formats: dict[tuple[int, int], str] | None = None) -> Path:
    """An openpyxl workbook of `rows` (the first is the header); `formats` maps (row, column),
    both from 1, to a number format."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for (r, c), number_format in (formats or {}).items():
        sheet.cell(row=r, column=c).number_format = number_format
    book.save(path)
    return path


def rewrite(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """Rewrite one XML part of a workbook in place, every other part copied as it is."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return path


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as source:
        return source.read(SHEET).decode("utf-8")


def set_dimension(path: Path, ref: str | None) -> Path:
    """Declare the sheet's used range as `ref` ("A1:G3"), or drop the declaration (None)."""
    element = "" if ref is None else f'<dimension ref="{ref}"/>'
    return rewrite(path, SHEET, lambda xml: re.sub(r"<dimension [^>]*/>", element, xml))


def replace_cell(path: Path, ref: str, cell_xml: str) -> Path:
    """Replace the `<c r="REF">…</c>` element of a cell with other XML."""
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)')

    def change(xml: str) -> str:
        changed, count = pattern.subn(cell_xml, xml, count=1)
        assert count == 1, f"no cell {ref}"
        return changed

    return rewrite(path, SHEET, change)
