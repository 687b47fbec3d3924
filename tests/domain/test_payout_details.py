"""Reading where a payout goes from free-text payout details: IBANs, BICs and PayPal e-mails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partner_desk.domain.payout_details import email_problem, emails, find_bic, find_iban, iban_refusals, iban_texts
from partner_desk.domain.payouts import (
    PAYPAL_ROWS_PER_FILE,
    PayoutRequest,
    bank_rows,
    batch_method,
    paypal_rows,
    plan_paypal,
)
from partner_desk.refusal_text import in_english


@pytest.mark.parametrize(
    ("details", "compact"),
    [
        ("IBAN DE89 3704 0044 0532 0130 00, Commerzbank", "DE89370400440532013000"),
        ("iban: de89370400440532013000", "DE89370400440532013000"),  # lower case, compact
        ("UA51 3052 9900 0002 6007 0150 0000 1 at PrivatBank", "UA513052990000026007015000001"),
        ("BE68 5390 0754 7034 BANK Brussels", "BE68539007547034"),  # a 4-letter word after a 16-char IBAN
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),  # letters in the groups
    ],
)
def test_valid_ibans_are_found(details: str, compact: str) -> None:
    found = find_iban(details)
    assert found is not None
    assert found.valid
    assert found.compact == compact
    assert iban_refusals(details) == []


def test_a_wrong_check_digit_is_named() -> None:
    # an IBAN of the right length followed by a word written like a group of four is still checked
    assert [t.problem for t in iban_texts("BE68 5390 0754 7035 BANK")] == ["its check digits are wrong"]
    # DE89 3704 0044 0532 0130 00 is valid; the last digit changed breaks the mod-97 check
    assert in_english(iban_refusals("IBAN DE89 3704 0044 0532 0130 01 Commerzbank")) == [
        "the IBAN DE89 3704 0044 0532 0130 01 in the payout details is not valid: its check digits are wrong"]


@pytest.mark.parametrize("details", [
    "IBAN UA21 3223", "card **** 4417", "account 123-456 at First Bank", "XX12 3456 7890 1234 5678",
    "pp@example.com",
    "IBAN UA00 0000 0000 0000",  # 16 characters: a UA IBAN has 29
    "DE89 3704 0044 0532 0130 0",  # 21 characters: a DE IBAN has 22
    "DE89 3704 0044 0532 0130 0012",  # 24
])
def test_short_or_foreign_texts_are_not_taken_for_an_iban(details: str) -> None:
    assert iban_texts(details) == []


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,:@-", max_size=60))
def test_text_without_digits_never_holds_an_iban(text: str) -> None:
    assert iban_texts(text) == []


def test_bic_only_after_its_label() -> None:
    assert find_bic("IBAN DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX") == "COBADEFFXXX"
    assert find_bic("SWIFT code pbanua2x") == "PBANUA2X"
    assert find_bic("TRANSFER to COBADEFF") is None  # an 8-letter word is not taken for a BIC without its label


def test_emails() -> None:
    assert emails("PayPal: Ag01@Example.com, copy to ag01@example.com.") == ["Ag01@Example.com"]
    assert in_english(email_problem("paypal account of the agency")) == "its payout details hold no e-mail address"
    assert in_english(email_problem("a@x.io b@y.io")) == (
        "its payout details hold 2 e-mail addresses (a@x.io, b@y.io): keep one")


def test_only_paypal_and_bank_make_a_batch() -> None:
    assert batch_method("bank").value == "bank_transfer"
    assert batch_method("PayPal").value == "paypal"
    with pytest.raises(ValueError, match="card requests cannot be exported as a batch: paypal or bank"):
        batch_method("card")


def _request(rid: int, currency: str = "USD", details: str = "x@example.com", amount: str = "1.00") -> PayoutRequest:
    return PayoutRequest(rid, "AG01", "Alpha", Decimal(amount), currency, "paypal", details, date(2026, 11, 20))


def test_paypal_files_split_every_5000_rows_per_currency() -> None:
    requests = [_request(i) for i in range(1, PAYPAL_ROWS_PER_FILE + 2)] + [_request(9_000, "EUR")]
    rows, problems = paypal_rows(requests)
    assert problems == []
    planned = plan_paypal(rows)
    # 5,001 USD rows: 5,000 + 1; EUR first by currency code
    assert [(p.name(3), len(chunk)) for p, chunk in planned] == [
        ("payout-batch-3-paypal-EUR.csv", 1), ("payout-batch-3-paypal-USD-part1.csv", 5_000),
        ("payout-batch-3-paypal-USD-part2.csv", 1)]
    assert planned[2][0].request_ids == (PAYPAL_ROWS_PER_FILE + 1,)


def test_paypal_amounts_have_the_currency_decimals() -> None:
    rows, _ = paypal_rows([_request(1, "JPY", amount="1234"), _request(2, "KWD", amount="0.125"),
                           _request(3, "USD", amount="12.5")])
    assert [r.cells()[:4] for r in rows] == [["x@example.com", "1234", "JPY", "1"],
                                             ["x@example.com", "0.125", "KWD", "2"],
                                             ["x@example.com", "12.50", "USD", "3"]]


def test_bank_rows_refuse_a_bad_iban_and_keep_an_account_without_one() -> None:
    rows, problems = bank_rows([_request(1, "EUR", "IBAN DE89 3704 0044 0532 0130 01"),
                                _request(2, "USD", "account 42 at First Bank")])
    assert in_english(problems) == [
        "request 1 (AG01): the IBAN DE89 3704 0044 0532 0130 01 in its payout details is not valid: its check "
        "digits are wrong"]
    assert [(r.request_id, r.iban, r.account, r.in_sepa) for r in rows] == [
        (2, None, "account 42 at First Bank", False)]
