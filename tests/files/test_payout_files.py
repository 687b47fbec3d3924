"""The SEPA credit transfer a bank batch writes, checked against the pain.001.001.03 schema."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from partner_desk.domain.payouts import BankRow, Debtor, PayoutRequest, bank_rows
from partner_desk.files.payouts import SEPA_NAMESPACE, audit_head_of, request_ids, sepa_xml

# the schema sepaxml ships, read by xmlschema on its own (not through sepaxml's export)
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
DEBTOR = Debtor("Partner Desk Ltd", "DE02120300000000202051", "BYLADEM1001")


def _rows() -> list[BankRow]:
    requests = [
        PayoutRequest(12, "AG01", "Агенція «Альфа»", Decimal("1234.56"), "EUR", "bank_transfer",
                      "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", date(2026, 11, 20)),
        PayoutRequest(13, "AG02", "Beta", Decimal("0.05"), "EUR", "bank_transfer",
                      "FR14 2004 1010 0505 0001 3M02 606", date(2026, 11, 20)),
    ]
    rows, problems = bank_rows(requests)
    assert problems == []
    return rows


def test_the_sepa_file_validates_against_its_schema(tmp_path: Path) -> None:
    data = sepa_xml(_rows(), DEBTOR, date(2026, 11, 23))
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(data.decode())  # raises on any violation
    doc = schema.to_dict(data.decode())
    group = doc["CstmrCdtTrfInitn"]["GrpHdr"]
    # 1234.56 + 0.05 = 1234.61 in two transactions
    assert (group["NbOfTxs"], Decimal(str(group["CtrlSum"]))) == ("2", Decimal("1234.61"))
    info = doc["CstmrCdtTrfInitn"]["PmtInf"][0]
    assert info["ReqdExctnDt"] == "2026-11-23"
    assert info["DbtrAcct"]["Id"]["IBAN"] == DEBTOR.iban
    txs = info["CdtTrfTxInf"]
    assert [(t["PmtId"]["EndToEndId"], t["CdtrAcct"]["Id"]["IBAN"], t["Amt"]["InstdAmt"]["$"]) for t in txs] == [
        ("PAYOUT-REQUEST-12", "DE89370400440532013000", Decimal("1234.56")),
        ("PAYOUT-REQUEST-13", "FR1420041010050500013M02606", Decimal("0.05"))]
    # names are transliterated to the SEPA character set
    assert txs[0]["Cdtr"]["Nm"] == "Agentsiia Al'fa"  # «» are outside the SEPA character set
    path = tmp_path / "sepa.xml"
    path.write_bytes(data)
    assert request_ids(path) == [12, 13]
    assert SEPA_NAMESPACE in data.decode()


def test_the_schema_refuses_what_sepaxml_does_not_check() -> None:
    # sepaxml checks fields are present and amounts are integer cents; the schema catches a malformed IBAN
    schema = xmlschema.XMLSchema(str(SCHEMA))
    data = sepa_xml(_rows(), DEBTOR, date(2026, 11, 23)).decode()
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(data.replace("DE89370400440532013000", "de89-3704"))


def test_the_audit_head_rides_in_a_comment_the_schema_ignores(tmp_path: Path) -> None:
    head = "42:" + "0123456789abcdef" * 4
    data = sepa_xml(_rows(), DEBTOR, date(2026, 11, 23), head)
    xmlschema.XMLSchema(str(SCHEMA)).validate(data.decode())  # still valid pain.001
    assert data.decode().splitlines()[:2] == ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                              f"<!-- Partner Desk audit trail head {head} -->"]
    path = tmp_path / "sepa.xml"
    path.write_bytes(data)
    assert (request_ids(path), audit_head_of(path)) == ([12, 13], head)
    plain = tmp_path / "plain.xml"
    plain.write_bytes(sepa_xml(_rows(), DEBTOR, date(2026, 11, 23)))
    assert audit_head_of(plain) is None
