"""Valid files of every kind, and the mutations that break them (hypothesis strategies).

A file is built in three steps: valid rows of typed values (text, numbers, dates), mutations of
that table (nasty values, columns dropped, doubled or swapped, rows doubled or blanked), then the
bytes: CSV in some dialect and encoding, or XLSX written by openpyxl or XlsxWriter with numbers,
dates, formulas and percent formats, then damage to those bytes or to the sheet's XML (declared
dimension, row and cell order, error cells, truncation).
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.fuzz.world import PROJECT_CURRENCY

COLUMNS = {
    "agencies": ["code", "name", "currency", "offer_accepted_at", "manager"],
    "projects": ["project_id", "name", "currency", "agency_code", "connected_at", "disconnected_at"],
    "payments": ["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"],
    "rates": ["date", "currency", "per_usd"],
    "tiers": ["effective_from", "min_turnover_usd", "percent"],
}
CURRENCIES = ["USD", "EUR", "UAH", "JPY", "KWD", "GBP", "PLN", "XOF", "BHD", "CLP"]
DIGITS = {"JPY": 0, "KWD": 3, "BHD": 3, "CLP": 0}
SERVICES = ["subscription", "numbers", "telephony", "other"]
NASTY = [
    "", " ", "0", "-0", "00012", "1e5", "1E+400", "NaN", "Infinity", "-inf", "0x1F", "1,000.50", "1 000,50",
    "12.345", "12.3456789", "999999999999.99", "1000000000000", "9" * 18, "9" * 59 + ".00",
    "92233720368547758.07", "-92233720368547758.08", "+5", "--5", ".5", "5.", "١٢٣", "１２３", "½",
    "0001-01-01", "9999-12-31", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59",
    "2026-02-30", "2026-13-01", "2026-03-29T03:30", "2026-10-25T03:30", "2026-01-05T10:00+14:00",
    "2026-01-05T10:00Z", "20260105", "2026-01-05T25:00", "2100-01-01", "2026-W02-1", "2099-12-31T23:59",
    "XXX", "XTS", "XAU", "DEM", "UAK", "usd", "US", "EURO", "HRK", "XOF",
    "AG\x00X", "A\x1b[31m", "line\nbreak", "tab\there", "\u200b", "\ufeffAG01", "x" * 300, "Київ ₴", "مرحبا",
    "🙂", "=1+1", "@SUM(A1)", '"quoted"', "'", "B1", "B2", "P1", "AG01", "subscription", "gift", "true",
    "2027-01", "9999-12", "0001-01", "100", "101", "-1", "0.0000001", "0.000001", "-100.00", "12.5%",
]
# characters an XLSX file cannot hold as text
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class Percent:
    """A number shown as a percent: 12.5 is written 0.125 with a percent format."""

    value: Decimal


Cell = Any
Table = list[list[Cell]]

names = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), min_size=1, max_size=40) \
    .filter(lambda s: s.strip() != "")
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)


@st.composite
def moments(draw: st.DrawFn, low: datetime = datetime(2020, 1, 1), high: datetime = datetime(2026, 11, 28)) -> Cell:
    """A moment as a real datetime (for a date cell) or as ISO 8601 text in one of its forms."""
    span = int((high - low).total_seconds())
    when = low + timedelta(seconds=draw(st.integers(0, span)))
    form = draw(st.sampled_from(["cell", "T", " ", "offset", "Z", "date", "minutes"]))
    if form == "cell":
        return when
    if form == "date":
        return when.date().isoformat()
    if form == "minutes":
        return when.strftime("%Y-%m-%dT%H:%M")
    if form == "offset":
        return when.strftime("%Y-%m-%dT%H:%M:%S") + draw(st.sampled_from(["+02:00", "+03:00", "-05:00", "+00:00"]))
    if form == "Z":
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat(sep=form)


@st.composite
def amounts(draw: st.DrawFn, currency: str, low: int = 0, high: int = 10**12 - 1) -> Cell:
    digits = DIGITS.get(currency, 2)
    whole = draw(st.integers(low, high))
    fraction = draw(st.integers(0, 10**digits - 1)) if digits else 0
    value = Decimal(whole) + Decimal(fraction).scaleb(-digits)
    return value if draw(st.booleans()) else format(value, "f")


def _counter(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 10**6).map(lambda n: f"{prefix}{n}")


@st.composite
def agencies(draw: st.DrawFn) -> list[Cell]:
    offer = draw(st.one_of(st.none(), moments()))
    manager = draw(st.one_of(st.none(), ids))
    return [draw(_counter("F")), draw(names), draw(st.sampled_from(CURRENCIES)), offer, manager]


@st.composite
def projects(draw: st.DrawFn) -> list[Cell]:
    start = datetime(2020, 1, 1) + timedelta(days=draw(st.integers(0, 2000)), hours=draw(st.integers(0, 23)))
    end = None
    if draw(st.booleans()):
        end = (start + timedelta(days=draw(st.integers(1, 300)))).isoformat(sep="T")
    return [draw(_counter("FP")), draw(names), draw(st.sampled_from(CURRENCIES)),
            draw(st.sampled_from(["AG01", "AG02", "AG03", "AG04"])), start.isoformat(sep="T"), end]


@st.composite
def payments(draw: st.DrawFn) -> list[Cell]:
    project = draw(st.sampled_from(sorted(PROJECT_CURRENCY)))
    currency = PROJECT_CURRENCY[project]
    if project == "P1" and draw(st.integers(0, 4)) == 0:  # a refund of B1, 1000.00 USD on 2026-01-05
        amount = -draw(st.integers(1, 1000)) / Decimal(100)
        paid = draw(moments(low=datetime(2026, 1, 6)))
        return [draw(_counter("FR")), project, paid, "subscription", amount, currency, "B1"]
    return [draw(_counter("FX")), project, draw(moments()), draw(st.sampled_from(SERVICES)),
            draw(amounts(currency)), currency, None]


@st.composite
def rates(draw: st.DrawFn) -> list[Cell]:
    day = date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 36500)))
    written = draw(st.sampled_from([day, day.isoformat(), datetime(day.year, day.month, day.day)]))
    per_usd = Decimal(draw(st.integers(1, 10**15))).scaleb(-draw(st.integers(0, 6)))
    per_usd = max(per_usd, Decimal("0.000001"))
    if per_usd >= 10**12:
        per_usd = Decimal("999999999999")
    return [written, draw(st.sampled_from([c for c in CURRENCIES if c != "USD"])), per_usd]


@st.composite
def tiers(draw: st.DrawFn) -> list[list[Cell]]:
    """One whole version: thresholds from 0, each with a percent."""
    period = f"{draw(st.integers(2027, 2099))}-{draw(st.integers(1, 12)):02d}"
    thresholds = sorted(draw(st.sets(st.integers(1, 10**9), max_size=5)) | {0})
    rows = []
    for threshold in thresholds:
        percent = Decimal(draw(st.integers(0, 10000))).scaleb(-2)
        shown = draw(st.sampled_from([percent, format(percent, "f"), Percent(percent)]))
        rows.append([period, draw(st.sampled_from([threshold, str(threshold)])), shown])
    return rows


@st.composite
def valid_tables(draw: st.DrawFn, kind: str) -> Table:
    header: list[Cell] = list(COLUMNS[kind])
    if kind == "tiers":
        body = [row for version in draw(st.lists(tiers(), min_size=1, max_size=3)) for row in version]
    else:
        row = {"agencies": agencies, "projects": projects, "payments": payments, "rates": rates}[kind]
        body = draw(st.lists(row(), min_size=1, max_size=8))
    return [header, *body]


@st.composite
def mutated(draw: st.DrawFn, table: Table) -> Table:
    """The table after a few of the mutations a real file may suffer."""
    rows = [list(r) for r in table]
    for _ in range(draw(st.integers(0, 3))):
        width = max(len(r) for r in rows)
        what = draw(st.sampled_from(["set", "set", "set", "drop_col", "dup_col", "swap_cols", "swap_headers",
                                     "rename", "extra_col", "dup_row", "del_row", "blank_row", "swap_rows"]))
        col = draw(st.integers(0, width - 1))
        at = draw(st.integers(1, max(len(rows) - 1, 1)))
        if what == "set" and len(rows) > 1:
            value = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=20), st.integers(-10**20, 10**20),
                                   st.floats(allow_nan=True), st.just(Formula("10+2.5")),
                                   st.just(Percent(Decimal("12.5")))))
            row = rows[at]
            row.extend([None] * (col + 1 - len(row)))
            row[col] = value
        elif what == "drop_col":
            for row in rows:
                del row[col:col + 1]
        elif what == "dup_col":
            for row in rows:
                row.append(row[col] if col < len(row) else None)
        elif what == "swap_cols":
            other = draw(st.integers(0, width - 1))
            for row in rows:
                row.extend([None] * (width - len(row)))
                row[col], row[other] = row[other], row[col]
        elif what == "swap_headers":
            other = draw(st.integers(0, width - 1))
            header = rows[0] + [None] * (width - len(rows[0]))
            header[col], header[other] = header[other], header[col]
            rows[0] = header
        elif what == "rename" and col < len(rows[0]) and isinstance(rows[0][col], str):
            rows[0][col] = draw(st.sampled_from([rows[0][col].upper(), f" {rows[0][col]} ", rows[0][col] + "s"]))
        elif what == "extra_col":
            rows[0].append(draw(st.sampled_from(["notes", "Notes", "", "amount_usd"])))
            for row in rows[1:]:
                row.append(draw(st.sampled_from(NASTY)))
        elif what == "dup_row" and len(rows) > 1:
            rows.insert(at, list(rows[at]))
        elif what == "del_row" and len(rows) > 1:
            del rows[at]
        elif what == "blank_row":
            rows.insert(at, [None] * width)
        elif what == "swap_rows" and len(rows) > 2:
            other = draw(st.integers(1, len(rows) - 1))
            rows[at], rows[other] = rows[other], rows[at]
    return rows


def text_of(value: Cell) -> str:
    """A value as it is written in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return "=" + value.text
    if isinstance(value, Percent):
        return str(value.value)  # a CSV file has no formats: the number typed
    if isinstance(value, datetime):
        return value.isoformat(sep="T")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(path: Path, table: Table, *, encoding: str = "utf-8", bom: bool = False, newline: str = "\n",
              delimiter: str = ",", quote_all: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for row in table:
        writer.writerow([text_of(v) for v in row])
    data = buffer.getvalue().encode(encoding, errors="replace")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _xml_safe(value: Cell) -> Cell:
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value


def write_xlsx(path: Path, table: Table, *, writer: str = "openpyxl", typed: bool = True) -> Path:
    """An XLSX file of the table; `typed` writes numbers and dates as such (else everything as text)."""
    if writer == "xlsxwriter":
        return _write_xlsxwriter(path, table, typed)

    book = Workbook()
    sheet = book.active
    for r, row in enumerate(table, 1):
        for c, value in enumerate(row, 1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, Formula):
                cell.value = "=" + value.text
            elif isinstance(value, Percent):
                cell.value = float(value.value / 100) if typed else text_of(value)
                cell.number_format = "0.00%"
            elif typed and isinstance(value, Decimal):
                cell.value = float(value)
            elif typed and isinstance(value, int | float | datetime | date):
                cell.value = value
            else:
                cell.value = _xml_safe(text_of(value))
    book.save(path)
    return path


def _write_xlsxwriter(path: Path, table: Table, typed: bool) -> Path:

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "nan_inf_to_errors": True})
    sheet = book.add_worksheet()
    percent = book.add_format({"num_format": "0.00%"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Formula):
                sheet.write_formula(r, c, "=" + value.text)  # cached as 0 until a spreadsheet recalculates
            elif isinstance(value, Percent) and typed:
                sheet.write_number(r, c, float(value.value / 100), percent)
            elif typed and isinstance(value, datetime | date) and value.year > 1900:
                sheet.write_datetime(r, c, value, when)
            elif typed and isinstance(value, int | float | Decimal) and not isinstance(value, bool) \
                    and abs(float(value)) < 1e300:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, _xml_safe(text_of(value)))
    book.close()
    return path


SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(path: Path, change: Any) -> None:
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == SHEET:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)


def damage_xlsx(path: Path, how: str, seed: int) -> None:
    """Damage a workbook as other tools and broken transfers do."""
    rnd = random.Random(seed)
    if how == "understate":
        _rewrite(path, lambda xml: re.sub(r"<dimension [^>]*/>", '<dimension ref="A1:B2"/>', xml))
    elif how == "no_dimension":
        _rewrite(path, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    elif how == "reverse_rows":
        def reverse(xml: str) -> str:
            found = re.findall(r"<row [^>]*>.*?</row>|<row [^>]*/>", xml, flags=re.S)
            if len(found) < 3:
                return xml
            body = "".join(found[:1] + found[:0:-1])
            start, end = xml.index(found[0]), xml.index(found[-1]) + len(found[-1])
            return xml[:start] + body + xml[end:]
        _rewrite(path, reverse)
    elif how == "reverse_cells":
        def cells(xml: str) -> str:
            def flip(match: re.Match[str]) -> str:
                inner = re.findall(r"<c [^>]*?(?:/>|>.*?</c>)", match.group(2), flags=re.S)
                return match.group(1) + "".join(reversed(inner)) + "</row>"
            return re.sub(r"(<row [^>]*>)(.*?)</row>", flip, xml, flags=re.S)
        _rewrite(path, cells)
    elif how == "error_cell":
        _rewrite(path, lambda xml: re.sub(r'<c r="([A-Z]+[2-9])"[^>]*?(/>|>.*?</c>)',
                                          lambda m: f'<c r="{m.group(1)}" t="e"><v>#N/A</v></c>', xml, count=1,
                                          flags=re.S))
    elif how == "broken_xml":
        _rewrite(path, lambda xml: xml.replace("</sheetData>", "<row></sheetData>", 1))
    elif how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: rnd.randrange(0, len(data))])
    elif how == "flip":
        data = bytearray(path.read_bytes())
        for _ in range(rnd.randrange(1, 4)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path.write_bytes(bytes(data))


def damage_csv(path: Path, how: str, seed: int) -> None:
    rnd = random.Random(seed)
    data = bytearray(path.read_bytes())
    if not data:
        return
    if how == "truncate":
        del data[rnd.randrange(len(data)):]
    elif how == "flip":
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    elif how == "nul":
        data.insert(rnd.randrange(len(data)), 0)
    path.write_bytes(bytes(data))
