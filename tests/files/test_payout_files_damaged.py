"""A payout batch file fed back to `withdraw paid-batch` is read or refused in one line, whatever it
holds: ids beyond any request, cells too long, damaged workbooks and numbers that are not ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from partner_desk.domain.errors import UserError
from partner_desk.files.payouts import END_TO_END_PREFIX, REGISTER_HEADER, REGISTER_SHEET, SEPA_NAMESPACE, request_ids
from tests.files.xlsx_craft import SHEET, rewrite

HUGE = "123456789012345678901234"


def _register(path: Path, first_cells: list[object]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = REGISTER_SHEET
    sheet.append(list(REGISTER_HEADER))
    for value in first_cells:
        sheet.append([value, "AG01"])
    book.save(path)
    return path


def _sepa(path: Path, end_to_end: str) -> Path:
    path.write_text(f'<?xml version="1.0"?><Document xmlns="{SEPA_NAMESPACE}"><CstmrCdtTrfInitn><PmtInf>'
                    f"<CdtTrfTxInf><PmtId><EndToEndId>{end_to_end}</EndToEndId></PmtId></CdtTrfTxInf>"
                    "</PmtInf></CstmrCdtTrfInitn></Document>", encoding="utf-8")
    return path


def test_batch_files_in_good_order_are_read(tmp_path: Path) -> None:
    paypal = tmp_path / "paypal.csv"
    paypal.write_text("a@b.c,10.00,USD,12,note\nd@e.f,5.00,USD,13,note\n", encoding="utf-8")
    assert request_ids(paypal) == [12, 13]
    assert request_ids(_register(tmp_path / "register.xlsx", [7, 8])) == [7, 8]
    assert request_ids(_sepa(tmp_path / "sepa.xml", f"{END_TO_END_PREFIX}9")) == [9]


def _damaged(tmp_path: Path) -> list[Path]:
    paypal_huge = tmp_path / "paypal-huge.csv"
    paypal_huge.write_text(f"a@b.c,10.00,USD,{HUGE},note\n", encoding="utf-8")
    paypal_long = tmp_path / "paypal-long.csv"
    paypal_long.write_text("a@b.c,10.00,USD,12," + "x" * 200_000 + "\n", encoding="utf-8")
    broken = rewrite(_register(tmp_path / "broken.xlsx", [7]), SHEET,
                     lambda xml: xml.replace("<sheetData>", "<sheetData><row", 1))
    infinite = rewrite(_register(tmp_path / "infinite.xlsx", [7]), SHEET,
                       lambda xml: xml.replace("<v>7</v>", "<v>1E+400</v>", 1))
    return [paypal_huge, paypal_long, _register(tmp_path / "register-huge.xlsx", [int(HUGE)]), broken, infinite,
            _sepa(tmp_path / "sepa-huge.xml", f"{END_TO_END_PREFIX}{HUGE}")]


def test_damaged_batch_files_are_refused_in_one_line(tmp_path: Path) -> None:
    for path in _damaged(tmp_path):
        with pytest.raises(UserError) as caught:
            request_ids(path)
        assert path.name in str(caught.value), path.name
        assert "\n" not in str(caught.value), path.name
