"""Payout batches: which approved requests a batch may hold and what each of its files says (SPEC section 7).

A batch is made of the approved requests of one payout method:

- PayPal: one Payouts web upload file per currency, no header row, at most 5,000 rows a file
  (further files beyond that), each row `e-mail, amount, currency, request id, note`. The e-mail is
  the one address written in the request's payout details.
- Bank transfer: a payment register of every request, and for the EUR requests paid to an IBAN in
  the SEPA zone a SEPA credit transfer (pain.001). An IBAN written in the details must be valid;
  a request without one is paid by hand from the register (its details are the account).

A request whose details cannot be paid this way is listed, with the reason, and the batch is not made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from partner_desk.domain.money import format_amount
from partner_desk.domain.payout_details import email_problem, emails, find_bic, find_iban
from partner_desk.domain.refusals import Refusal, Said
from partner_desk.domain.withdrawals import Method

PAYPAL_ROWS_PER_FILE = 5_000
SEPA_CURRENCY = "EUR"
# the currencies PayPal pays out in (its developer documentation's list of currency codes)
PAYPAL_CURRENCIES = frozenset({
    "AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR", "MXN", "TWD",
    "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF", "THB", "USD",
})
BATCH_METHODS = (Method.PAYPAL, Method.BANK_TRANSFER)


class FileKind(StrEnum):
    PAYPAL = "paypal_csv"
    REGISTER = "bank_register"
    SEPA = "sepa_xml"


@dataclass(frozen=True, slots=True)
class Debtor:
    """The company's account the bank transfers are paid from."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True, slots=True)
class PayoutRequest:
    """An approved request as a batch sees it."""

    id: int
    agency: str
    agency_name: str
    amount: Decimal
    currency: str
    method: str
    details: str
    requested_on: date  # in the company time zone


@dataclass(frozen=True, slots=True)
class PayPalRow:
    email: str
    amount: Decimal
    currency: str
    request_id: int
    note: str

    def cells(self) -> list[str]:
        """The five columns of the Payouts web file, amounts with the currency's own decimals."""
        return [self.email, format_amount(self.amount, self.currency), self.currency, str(self.request_id),
                self.note]


@dataclass(frozen=True, slots=True)
class BankRow:
    request_id: int
    agency: str
    beneficiary: str
    iban: str | None  # compact; None when the details hold no IBAN
    account: str  # the IBAN in groups of four, or the details as written
    bic: str | None
    details: str
    amount: Decimal
    currency: str
    purpose: str
    in_sepa: bool


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file of a batch before it is written: its kind, currency (if one) and the requests it holds."""

    kind: FileKind
    currency: str | None
    part: int  # 1 unless a currency needs more than one PayPal file
    parts: int
    request_ids: tuple[int, ...]

    def name(self, batch_id: int) -> str:
        """`payout-batch-7-paypal-USD.csv` (`…-USD-part2.csv` beyond 5,000 rows),
        `payout-batch-7-bank-register.xlsx`, `payout-batch-7-sepa-EUR.xml`."""
        stem = f"payout-batch-{batch_id}"
        if self.kind is FileKind.PAYPAL:
            part = f"-part{self.part}" if self.parts > 1 else ""
            return f"{stem}-paypal-{self.currency}{part}.csv"
        if self.kind is FileKind.REGISTER:
            return f"{stem}-bank-register.xlsx"
        return f"{stem}-sepa-{self.currency}.xml"


def note(request: PayoutRequest) -> str:
    """What the recipient reads beside a PayPal payout: the agency and the request with its date."""
    return (f"Partner program payout to {request.agency_name} ({request.agency}) "
            f"for request {request.id} of {request.requested_on.isoformat()}")


def purpose(request: PayoutRequest) -> str:
    """The purpose of a bank transfer, with the request number."""
    return f"Partner program payout, request {request.id}, {request.agency_name} ({request.agency})"


def batch_method(text: str) -> Method:
    """The method of a batch: PayPal or bank transfer; ValueError for any other."""
    method = Method.parse(text)
    if method not in BATCH_METHODS:
        raise ValueError(f"{method.value} requests cannot be exported as a batch: paypal or bank")
    return method


def _problem(request: PayoutRequest, problem: Refusal) -> Refusal:
    return Refusal("batch_request", {"request": request.id, "agency": request.agency, "problem": problem})


def paypal_rows(requests: Iterable[PayoutRequest]) -> tuple[list[PayPalRow], list[Refusal]]:
    """The PayPal rows of the requests, by request id, and every request that cannot be paid by PayPal."""
    rows: list[PayPalRow] = []
    problems: list[Refusal] = []
    for request in sorted(requests, key=lambda r: r.id):
        problem = email_problem(request.details)
        if problem:
            problems.append(_problem(request, problem))
            continue
        rows.append(PayPalRow(emails(request.details)[0], request.amount, request.currency, request.id,
                              note(request)))
    return rows, problems


def bank_rows(requests: Iterable[PayoutRequest]) -> tuple[list[BankRow], list[Refusal]]:
    """The register rows of the requests, by request id, and every request whose IBAN is not valid."""
    rows: list[BankRow] = []
    problems: list[Refusal] = []
    for request in sorted(requests, key=lambda r: r.id):
        found = find_iban(request.details)
        if found is not None and not found.valid:
            problems.append(_problem(request, Refusal("batch_iban", {"iban": found.written,
                                                                          "problem": Said(found.problem or "")})))
            continue
        iban = found.compact if found is not None else None
        bic = find_bic(request.details)
        in_sepa = request.currency == SEPA_CURRENCY and found is not None and found.in_sepa_zone
        rows.append(BankRow(request.id, request.agency, request.agency_name, iban,
                            found.formatted if found is not None else request.details, bic, request.details,
                            request.amount, request.currency, purpose(request), in_sepa))
    return rows, problems


def sepa_left_out(rows: Sequence[BankRow]) -> list[Refusal]:
    """The EUR requests the SEPA file cannot hold (no IBAN, or one outside the SEPA zone), each with why."""
    return [Refusal("register_only_no_iban" if row.iban is None else "register_only_outside",
                    {"request": row.request_id, "agency": row.agency})
            for row in rows if row.currency == SEPA_CURRENCY and not row.in_sepa]


def plan_paypal(rows: Sequence[PayPalRow]) -> list[tuple[PlannedFile, list[PayPalRow]]]:
    """One file per currency (by currency code), split every 5,000 rows."""
    by_currency: dict[str, list[PayPalRow]] = defaultdict(list)
    for row in rows:
        by_currency[row.currency].append(row)
    planned = []
    for currency in sorted(by_currency):
        chunk_rows = by_currency[currency]
        chunks = [chunk_rows[i:i + PAYPAL_ROWS_PER_FILE] for i in range(0, len(chunk_rows), PAYPAL_ROWS_PER_FILE)]
        for part, chunk in enumerate(chunks, start=1):
            planned.append((PlannedFile(FileKind.PAYPAL, currency, part, len(chunks),
                                        tuple(r.request_id for r in chunk)), chunk))
    return planned


def paypal_currency_notes(rows: Sequence[PayPalRow]) -> list[Refusal]:
    """A warning for each currency of the batch that PayPal does not pay out in."""
    odd = sorted({r.currency for r in rows} - PAYPAL_CURRENCIES)
    return [Refusal("paypal_currency", {"currency": currency}) for currency in odd]


