"""Writes tests/fuzz/corpus/: the nasty files every import must survive, each named
`KIND.OUTCOME.what.ext` with the outcome it must have. Run `python -m tests.fuzz.make_corpus` after
changing a case; the files are checked in, so the suite does not depend on today's writers.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook

CORPUS = Path(__file__).parent / "corpus"
PAY = ["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"]
AGENCIES = ["code", "name", "currency", "offer_accepted_at", "manager"]
PROJECTS = ["project_id", "name", "currency", "agency_code", "connected_at", "disconnected_at"]
RATES = ["date", "currency", "per_usd"]
TIERS = ["effective_from", "min_turnover_usd", "percent"]
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def payments(n: int) -> list[list[object]]:
    return [PAY] + [[f"C{i}", "P1", f"2026-01-{i:02d}T10:00", "subscription", 100 + i, "USD", None]
                    for i in range(1, n + 1)]


def openpyxl_book(path: Path, rows: list[list[object]], formats: dict[tuple[int, int], str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for (r, c), number_format in (formats or {}).items():
        sheet.cell(row=r, column=c).number_format = number_format
    book.save(path)
    return path


def xlsxwriter_book(path: Path, rows: list[list[object]]) -> Path:
    """Shared strings, as Excel and most billing systems write them."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    book.close()
    return path


def rewrite(path: Path, part: str, change: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return path


def text(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def build(folder: Path) -> None:
    x = folder
    # XLSX: rows and columns beyond what the file declares are read
    rewrite(openpyxl_book(x / "payments.accepted.understated-dimension.xlsx", payments(10)), SHEET,
            lambda xml: re.sub(r"<dimension [^>]*/>", '<dimension ref="A1:G3"/>', xml))
    rewrite(openpyxl_book(x / "payments.accepted.no-dimension.xlsx", payments(5)), SHEET,
            lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    rewrite(openpyxl_book(x / "payments.accepted.cells-out-of-order.xlsx", payments(3)), SHEET,
            lambda xml: re.sub(r'(<row r="2"[^>]*>)(.*?)(<c r="F2".*?</c>)(</row>)',
                               lambda m: m.group(1) + m.group(3) + m.group(2) + m.group(4), xml, flags=re.S))
    rewrite(openpyxl_book(x / "payments.refused.rows-out-of-order.xlsx", payments(4)), SHEET,
            lambda xml: re.sub(r'(<row r="2".*?</row>)(<row r="3".*?</row>)', r"\2\1", xml, flags=re.S))
    rewrite(openpyxl_book(x / "payments.refused.row-listed-twice.xlsx", payments(3)), SHEET,
            lambda xml: re.sub(r'(<row r="3".*?</row>)', r"\1\1", xml, flags=re.S))
    rewrite(openpyxl_book(x / "agencies.refused.cell-listed-twice.xlsx",
                          [AGENCIES, ["D1", "Dup", "USD", None, None]]), SHEET,
            lambda xml: re.sub(r'(<c r="B2".*?</c>)', r"\1\1", xml, flags=re.S))
    # XLSX: formulas, whatever their cached value
    xlsxwriter_book(x / "payments.refused.formula-stale-cache.xlsx",
                    [PAY, ["C1", "P1", "2026-01-05T10:00", "subscription", "=10+2.5", "USD"]])
    openpyxl_book(x / "payments.refused.formula-no-cache.xlsx",
                  [PAY, ["C1", "P1", "2026-01-05T10:00", "subscription", "=10+2.5", "USD"]])
    xlsxwriter_book(x / "agencies.refused.formula-in-a-name.xlsx",
                    [AGENCIES, ["D1", '=CONCAT("Al","pha")', "USD"]])
    # XLSX: percents only where a percent is meant
    openpyxl_book(x / "payments.refused.percent-formatted-amount.xlsx",
                  [PAY, ["C1", "P1", "2026-01-05T10:00", "subscription", 0.125, "USD"]], {(2, 5): "0.0%"})
    openpyxl_book(x / "tiers.accepted.percent-cells.xlsx",
                  [TIERS, ["2027-01", 0, 0.1], ["2027-01", 1000, 0.125], ["2027-01", 8000, 0.28]],
                  {(2, 3): "0%", (3, 3): "0.0%", (4, 3): "0%"})
    openpyxl_book(x / "rates.refused.percent-formatted-rate.xlsx", [RATES, ["2026-01-05", "EUR", 0.92]],
                  {(2, 3): "0%"})
    # XLSX: numbers as a spreadsheet shows them; error values
    rewrite(openpyxl_book(x / "payments.accepted.float-noise.xlsx", payments(2)), SHEET,
            lambda xml: xml.replace("<v>101</v>", "<v>0.30000000000000004</v>", 1))
    rewrite(openpyxl_book(x / "payments.refused.error-value.xlsx", payments(2)), SHEET,
            lambda xml: re.sub(r'<c r="E2"[^>]*>.*?</c>', '<c r="E2" t="e"><v>#DIV/0!</v></c>', xml, flags=re.S))
    openpyxl_book(x / "projects.accepted.date-cells.xlsx",
                  [PROJECTS, ["C9", "Dated", "USD", "AG01", datetime(2025, 3, 1, 9, 30)]])
    # XLSX: damaged files
    source = xlsxwriter_book(x / "tmp.xlsx", payments(2))
    shutil.copy(source, x / "payments.refused.broken-sheet-xml.xlsx")
    rewrite(x / "payments.refused.broken-sheet-xml.xlsx", SHEET,
            lambda xml: xml.replace("<sheetData>", "<sheetData><row", 1))
    shutil.copy(source, x / "payments.refused.bad-shared-string.xlsx")
    rewrite(x / "payments.refused.bad-shared-string.xlsx", SHEET,
            lambda xml: re.sub(r'(<c r="A2" t="s"><v>)\d+', r"\g<1>999", xml))
    shutil.copy(source, x / "payments.refused.negative-shared-string.xlsx")
    rewrite(x / "payments.refused.negative-shared-string.xlsx", SHEET,
            lambda xml: re.sub(r'(<c r="A2" t="s"><v>)\d+', r"\g<1>-1", xml))
    shutil.copy(source, x / "payments.refused.non-numeric-number.xlsx")
    rewrite(x / "payments.refused.non-numeric-number.xlsx", SHEET,
            lambda xml: xml.replace("<v>101</v>", "<v>abc</v>", 1))
    shutil.copy(source, x / "payments.refused.broken-shared-strings.xlsx")
    rewrite(x / "payments.refused.broken-shared-strings.xlsx", STRINGS,
            lambda xml: xml.replace("<si>", "<si><b", 1))
    data = source.read_bytes()
    (x / "payments.refused.truncated-zip.xlsx").write_bytes(data[: len(data) * 2 // 3])
    (x / "rates.refused.not-a-zip.xlsx").write_bytes(b"date,currency,per_usd\n2026-01-05,EUR,0.9\n")
    source.unlink()
    # CSV: values beyond the bounds
    text(x / "payments.refused.huge-amounts.csv", ",".join(PAY) + "\n"
         "C1,P1,2026-01-05T10:00,subscription,1000000000000.00,USD,\n"
         f"C2,P1,2026-01-05T10:00,subscription,{'9' * 18},USD,\n"
         f"C3,P1,2026-01-05T10:00,subscription,{'9' * 59}.07,USD,\n"
         "C4,P1,2026-01-05T10:00,subscription,92233720368547758.07,USD,\n")
    text(x / "payments.accepted.largest-amount.csv", ",".join(PAY) + "\n"
         "C1,P1,2026-01-05T10:00,subscription,999999999999.99,USD,\n"
         "C2,P4,2026-01-05T10:00,subscription,999999999999.999,KWD,\n")
    text(x / "payments.refused.date-traps.csv", ",".join(PAY) + "\n"
         "C1,P1,0001-01-01,subscription,1,USD,\nC2,P1,9999-12-31T23:59:59-12:00,subscription,1,USD,\n"
         "C3,P1,2026-02-30T10:00,subscription,1,USD,\nC4,P1,2026-03-29T03:30,subscription,1,USD,\n"
         "C5,P1,2099-12-31T10:00,subscription,1,USD,\nC6,P1,1999-12-31T23:59,subscription,1,USD,\n")
    text(x / "payments.accepted.repeated-hour.csv", ",".join(PAY) + "\n"
         "C1,P1,2025-10-26T03:30,subscription,1,USD,\nC2,P1,2026-01-05T10:00:00.123456+05:30,subscription,1,USD,\n")
    text(x / "payments.refused.long-cell.csv",
         ",".join(PAY) + "\nC1,P1,2026-01-05,subscription,1,USD," + "x" * 200_000 + "\n")
    text(x / "payments.refused.many-bad-rows.csv", ",".join(PAY) + "\n"
         + "".join(f"C{i},P1,never,gift,lots,XXX,\n" for i in range(1, 1501)))
    text(x / "payments.refused.empty.csv", "")
    text(x / "payments.accepted.header-only.csv", ",".join(PAY) + "\n")
    (x / "payments.accepted.bom-crlf-quoted.csv").write_bytes(
        b'\xef\xbb\xbf"payment_id","project_id","paid_at","service","amount","currency","refund_of"\r\n'
        b'"C1","P1","2026-01-05T10:00","subscription","12.500","USD",""\r\n\r\n'
        b'"C2","P1","2026-01-06T10:00","subscription","-2.50","USD","C1"\r\n')
    text(x / "agencies.refused.currencies-not-in-use.csv", ",".join(AGENCIES) + "\n"
         "D1,Test,XXX,,\nD2,Test,XTS,,\nD3,Gold,XAU,,\nD4,Mark,DEM,,\nD5,Karbovanets,UAK,,\nD6,Lower,usd,,\n")
    text(x / "agencies.accepted.cfa-franc-and-unicode.csv", ",".join(AGENCIES) + "\n"
         'D1,"Dakar Média, SARL",XOF,2026-01-10,\nD2,Київ Діджитал ₴,UAH,,olena\nD3,وكالة دبي,AED,,\n')
    text(x / "rates.refused.x-codes-and-tiny-rates.csv", "date,currency,per_usd\n"
         "2026-01-05,XXX,1\n2026-01-05,XAU,0.0005\n2026-01-05,EUR,0.0000001\n2026-01-05,UAH,1e2\n")
    text(x / "projects.refused.control-characters.csv", ",".join(PROJECTS) + "\n"
         "C1,Sh\x00op,USD,AG01,2025-01-01,\nC2,Shop\x1b[31m,USD,AG01,2025-01-01,\n"
         'C3,"two\nlines",USD,AG01,2025-01-01,\n')
    text(x / "agencies.refused.utf-16.csv", ",".join(AGENCIES) + "\nD1,Alpha,EUR,,\n", "utf-16")
    text(x / "agencies.refused.cp1251.csv", ",".join(AGENCIES) + "\nD1,Київ,UAH,,\n", "cp1251")
    text(x / "agencies.refused.semicolons.csv", ";".join(AGENCIES) + "\nD1;Alpha;EUR;;\n")
    text(x / "tiers.refused.huge-threshold.csv", "effective_from,min_turnover_usd,percent\n"
         "2027-01,0,10\n2027-01,1000000000000,20\n9999-12,0,10\n2027-02,0,101\n")
    text(x / "tiers.accepted.replaces-an-unused-version.csv", "effective_from,min_turnover_usd,percent\n"
         "2027-01,0,10\n2027-01,1000.50,12.5\n")
    text(x / "rates.accepted.edges.csv", "date,currency,per_usd\n"
         "2000-01-01,EUR,0.000001\n2099-12-31,UAH,999999999999\n2026-01-05T00:00:00,JPY,150.123456\n")
    text(x / "projects.refused.columns-swapped.csv",
         "project_id,currency,name,agency_code,connected_at\nC1,Shop,USD,AG01,2025-01-01\n")
    text(x / "projects.accepted.extra-and-reordered-columns.csv",
         "Notes,CONNECTED_AT, project_id ,name,currency,agency_code\nhello,2025-01-01,C1,Shop,USD,AG01\n")


def main() -> None:
    if CORPUS.exists():
        for old in CORPUS.iterdir():
            old.unlink()
    CORPUS.mkdir(parents=True, exist_ok=True)
    build(CORPUS)
    print(f"{len(list(CORPUS.iterdir()))} files in {CORPUS}")


if __name__ == "__main__":
    main()
