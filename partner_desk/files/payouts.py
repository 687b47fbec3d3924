"""The files of a payout batch: PayPal Payouts web CSV, the bank payment register (XLSX), SEPA pain.001.

Each writer returns the file's bytes, so the caller can hash them and write them whole. Each reader
returns the request ids a file holds, so a file brought back after the payout (even one a
spreadsheet saved again) names its batch.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError
from text_unidecode import unidecode

from partner_desk.domain.bounds import MAX_ROW_ID
from partner_desk.domain.errors import UserError
from partner_desk.domain.money import per_currency, to_minor
from partner_desk.domain.payouts import SEPA_CURRENCY, BankRow, Debtor, PayPalRow
from partner_desk.files.statement_model import DATE_FORMAT, money_format

SEPA_SCHEMA = "pain.001.001.03"
SEPA_NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SEPA_SCHEMA}"
END_TO_END_PREFIX = "PAYOUT-REQUEST-"
REGISTER_SHEET = "Payout register"
REGISTER_HEADER = ("Request", "Agency", "Beneficiary", "IBAN or account", "BIC", "Bank details", "Amount",
                   "Currency", "Purpose", "In SEPA file")
WIDTHS = (10, 10, 30, 34, 14, 44, 16, 10, 60, 12)
BOLD = Font(bold=True)
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/?:().,'+ -]")


def paypal_csv(rows: Sequence[PayPalRow]) -> bytes:
    """A PayPal Payouts web upload file: UTF-8, no header row, one payout a line (CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row.cells())
    return buffer.getvalue().encode("utf-8")


def register_xlsx(batch_id: int, made_on: date, rows: Sequence[BankRow], debtor: Debtor | None,
                  audit_head: str | None = None) -> bytes:
    """The payment register: one row per request with amounts as number cells in their currency's
    format, then a total per currency. `audit_head` (COUNT:HASH of the audit trail when the batch was
    made) goes into the document properties, as in a statement."""
    book = Workbook()
    book.properties.creator = "Partner Desk"
    book.properties.title = f"Payout batch {batch_id}"
    if audit_head is not None:
        book.properties.keywords = f"audit-head {audit_head}"
        book.properties.description = f"Partner Desk audit trail head {audit_head}"
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = REGISTER_SHEET
    sheet.append([f"Payout batch {batch_id}: bank transfers"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Made on", made_on])
    sheet["B2"].number_format = DATE_FORMAT
    sheet["B2"].alignment = Alignment(horizontal="left")
    if debtor is not None:
        sheet.append(["Paid from", debtor.name, debtor.iban, debtor.bic])
    else:
        sheet.append(["Paid from", "(the company account is not set in the settings)"])
    sheet.append([])
    sheet.append(list(REGISTER_HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
    for row in rows:
        sheet.append([row.request_id, row.agency, row.beneficiary, row.account, row.bic or "", row.details,
                      row.amount, row.currency, row.purpose, "yes" if row.in_sepa else "no"])
        sheet.cell(sheet.max_row, 7).number_format = money_format(row.currency)
    sheet.append([])
    for currency, total in per_currency((r.amount, r.currency) for r in rows).items():
        count = sum(1 for r in rows if r.currency == currency)
        sheet.append([f"Total {currency}", f"{count} transfer{'s' if count != 1 else ''}", None, None, None, None,
                      total, currency])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.cell(sheet.max_row, 7).font = BOLD
        sheet.cell(sheet.max_row, 7).number_format = money_format(currency)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P / &N"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sepa_text(text: str) -> str:
    """Text in the SEPA character set (Latin letters, digits and / - ? : ( ) . , ' + space):
    transliterated, anything else dropped, spaces collapsed."""
    return " ".join(_NOT_SEPA.sub(" ", unidecode(text)).split())


def sepa_xml(rows: Sequence[BankRow], debtor: Debtor, execution_date: date, audit_head: str | None = None) -> bytes:
    """A SEPA credit transfer initiation (pain.001.001.03) of the rows, made and validated against the
    schema by sepaxml. Amounts go in as integer cents; names and purposes are written in the SEPA
    character set and cut to 70 and 140 characters by sepaxml. `audit_head` goes into an XML comment
    after the declaration: the schema has no field for it, and a comment changes no payment."""
    transfer = SepaTransfer({"name": sepa_text(debtor.name), "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True,
                             "currency": SEPA_CURRENCY}, schema=SEPA_SCHEMA)
    for row in rows:
        assert row.in_sepa
        assert row.iban is not None
        assert row.currency == SEPA_CURRENCY
        payment: dict[str, object] = {
            "name": sepa_text(row.beneficiary), "IBAN": row.iban, "amount": to_minor(row.amount, row.currency),
            "execution_date": execution_date, "description": sepa_text(row.purpose),
            "endtoend_id": f"{END_TO_END_PREFIX}{row.request_id}",
        }
        if row.bic:
            payment["BIC"] = row.bic
        transfer.add_payment(payment)
    try:
        data = bytes(transfer.export(validate=True))
    except ValidationError as exc:
        raise UserError(f"the SEPA file did not pass its schema check: {exc.__cause__ or exc}") from None
    if audit_head is None:
        return data
    comment = f"<!-- Partner Desk audit trail head {audit_head} -->".encode("ascii")
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        return data[:end] + b"\n" + comment + b"\n" + data[end:].lstrip()
    return comment + b"\n" + data


def audit_head_of(path: Path) -> str | None:
    """The audit trail's head a register or SEPA file of a batch carries (COUNT:HASH), if any."""
    data = path.read_bytes()
    if data.startswith(b"PK"):
        book = load_workbook(path, read_only=True)
        try:
            text = book.properties.keywords or ""
        finally:
            book.close()
    else:
        text = data[:400].decode("ascii", errors="replace")
    found = re.search(r"(?:audit-head|audit trail head) (\d+:[0-9a-f]{64})", text)
    return None if found is None else found.group(1)


# reading back ---------------------------------------------------------------------------------------

def request_ids(path: Path) -> list[int]:
    """The request ids a batch file holds, whatever its kind (by its content); UserError when the file
    is none of them."""
    data = path.read_bytes()
    if data.startswith(b"PK"):
        return _register_ids(path)
    if data.lstrip().startswith(b"<"):
        return _sepa_ids(data, path)
    return _paypal_ids(data, path)


def _paypal_ids(data: bytes, path: Path) -> list[int]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is not a payout batch file (not UTF-8 text)") from None
    ids = []
    number = 0
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not cells or not any(c.strip() for c in cells):
                continue
            if len(cells) < 4 or not _is_request_id(cells[3].strip()):
                raise UserError(f"{path.name} is not a PayPal payout file of a batch: line {number} has no "
                                "request id in its fourth column")
            ids.append(int(cells[3]))
    except csv.Error as exc:
        raise UserError(f"{path.name} is not a PayPal payout file of a batch: line {number + 1}: {exc}") from None
    return ids


def _is_request_id(text: str) -> bool:
    """Digits naming a row a database can hold (domain/bounds.py)."""
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ROW_ID


def _register_ids(path: Path) -> list[int]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook
        raise UserError(f"{path.name} cannot be read as a workbook: {exc}") from None
    try:
        sheet = book[REGISTER_SHEET] if REGISTER_SHEET in book.sheetnames else book.worksheets[0]
        ids: list[int] = []
        in_table = False
        for values in sheet.iter_rows(values_only=True):
            first = values[0] if values else None
            if not in_table:
                in_table = first == REGISTER_HEADER[0]
                continue
            if first is None or first == "":
                break
            if isinstance(first, (int, float, Decimal)) and _is_request_id(format(Decimal(first), "f")):
                ids.append(int(first))
            else:
                raise UserError(f"{path.name}: '{first}' in the Request column is not a request number")
        if not in_table:
            raise UserError(f"{path.name} is not a payout register: it has no '{REGISTER_HEADER[0]}' column")
        return ids
    except UserError:
        raise
    except Exception as exc:  # a damaged sheet: broken XML, a number that is not one
        raise UserError(f"{path.name} cannot be read as a workbook: {exc}") from None
    finally:
        book.close()


def _sepa_ids(data: bytes, path: Path) -> list[int]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UserError(f"{path.name} is not a SEPA file: {exc}") from None
    ids = []
    pattern = re.compile(re.escape(END_TO_END_PREFIX) + r"(\d+)$")
    for element in root.iter(f"{{{SEPA_NAMESPACE}}}EndToEndId"):
        match = pattern.match((element.text or "").strip())
        if match is None or not _is_request_id(match.group(1)):
            raise UserError(f"{path.name}: the end-to-end id '{element.text}' names no request of a batch")
        ids.append(int(match.group(1)))
    if not ids:
        raise UserError(f"{path.name} is not a SEPA credit transfer of a payout batch")
    return ids
