"""The words of a statement in its own language, and how its dates and numbers read there.

A statement is written in the agency's language, whatever the window's language is: every string
here is marked for translation (`N_`) and translated with the catalog of the statement's language
(`i18n.translator`). The spreadsheet keeps numbers and dates as real cells; only the PDF writes
them out as text, in the statement language's own way ("1 234,50" in Ukrainian).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from babel.dates import format_date
from babel.numbers import format_decimal

from partner_desk.domain.accrual import SERVICE_KINDS
from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.ledger import EntryKind
from partner_desk.domain.money import USD, minor_digits
from partner_desk.domain.periods import Period
from partner_desk.domain.rewards import DEFAULT_BENEFIT_NAMES
from partner_desk.files.figures import Money, Percent
from partner_desk.files.statement_model import LedgerRow, LineGroup, StatementSummary, last_day, running_balances
from partner_desk.i18n import N_, translator

LOCALES = {"uk": "uk_UA", "en": "en_GB"}
# Excel date formats: Ukrainian writes 31.05.2026; English statements go abroad, so ISO 8601
DATE_FORMATS = {"uk": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
DATETIME_FORMATS = {"uk": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
_PY_DATES = {"uk": "%d.%m.%Y", "en": "%Y-%m-%d"}

PREVIEW_MARK = N_("Preview — not posted")
LINE_HEADINGS = (
    N_("Payment date"), N_("Project ID"), N_("Project"), N_("Payment ID"), N_("Service"), N_("Refund of"),
    N_("Amount"), N_("Currency"), N_("Rate to USD"), N_("Partner currency rate"), N_("USD amount"),
    N_("Partner amount"), N_("Percent"), N_("Commission"), N_("Late"),
)
# columns (1-based) of the Lines whose heading names the partner currency
COL_PARTNER, COL_COMMISSION = 12, 14
LEDGER_HEADINGS = (
    N_("Date"), N_("Entry"), N_("Details"), N_("Project ID"), N_("Project amount"), N_("Project currency"),
    N_("Withdrawal request"), N_("Amount"), N_("Balance"), N_("Held"),
)

@dataclass(frozen=True, slots=True)
class Words:
    """A message of the catalog, shown in the statement's language."""

    message: str


@dataclass(frozen=True, slots=True)
class Benefits:
    """The benefits reached, by their stored names; none reads "none"."""

    names: tuple[str, ...]


# a Summary figure: a text as written (a name, a code; "" for none), a period, a day, a count, one of the kinds
# above; None: no figure (the percent of a period without an accrual)
SummaryValue = str | Period | date | int | Words | Money | Percent | Benefits | None


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A row of the Summary: its label (a message of the catalog) and its figure; `strong`: a figure the
    statement is about, in bold where the format can show it."""

    label: str
    value: SummaryValue
    strong: bool = False


def summary_rows(s: StatementSummary) -> list[SummaryRow | None]:
    """The Summary sheet, the same in every format: its rows in order, None between groups of rows."""
    cur = s.currency
    rows: list[SummaryRow | None] = [
        SummaryRow(N_("Agency"), s.agency_name),
        SummaryRow(N_("Code"), s.agency_code),
        SummaryRow(N_("Manager"), s.manager or ""),
        SummaryRow(N_("Period"), s.period),
        SummaryRow(N_("Period from"), s.period.first_day),
        SummaryRow(N_("Period to"), last_day(s.period)),
        SummaryRow(N_("Partner currency"), cur),
        None,
    ]
    if s.turnover_usd is None or s.percent is None:
        rows += [SummaryRow(N_("Licence turnover"), Words(N_("no accrual in this period"))),
                 SummaryRow(N_("Percent"), None)]
    else:
        rows += [SummaryRow(N_("Licence turnover"), Money(s.turnover_usd, USD)),
                 SummaryRow(N_("Percent"), Percent(s.percent))]
    level = Words(N_("none")) if s.reward_level_usd is None else Money(s.reward_level_usd, USD)
    return [*rows,
            SummaryRow(N_("Commission total"), Money(s.commission_total, cur), strong=True),
            SummaryRow(N_("Lines"), s.line_count),
            SummaryRow(N_("Late lines"), s.late_count),
            SummaryRow(N_("Reward"), Money(s.reward_usd, USD)),
            SummaryRow(N_("Reward level reached"), level),
            SummaryRow(N_("Benefits reached"), Benefits(s.benefits)),
            None,
            SummaryRow(N_("Opening balance"), Money(s.opening.balance, cur)),
            SummaryRow(N_("Closing balance"), Money(s.closing.balance, cur), strong=True),
            SummaryRow(N_("Held for withdrawals at period end"), Money(s.closing.held, cur)),
            SummaryRow(N_("Available at period end"), Money(s.closing.available, cur)),
            None,
            SummaryRow(N_("Produced on"), s.produced_on)]


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """A row of the Ledger sheet: the opening or the closing position (`label`, in bold), or an entry; each
    with the balance and the held amount after it."""

    day: date
    balance: Decimal
    held: Decimal
    entry: LedgerRow | None = None
    label: str = ""  # the opening or the closing position: a message of the catalog


def ledger_lines(s: StatementSummary, entries: Sequence[LedgerRow]) -> list[LedgerLine]:
    """The Ledger sheet, the same in every format: the opening position on the period's first day, each
    entry with the running balance after it, the closing position on its last day. Entries that do not
    add up to the closing position are refused (`running_balances`)."""
    running = running_balances(s, entries)
    return [LedgerLine(s.period.first_day, s.opening.balance, s.opening.held, label=N_("Opening balance")),
            *(LedgerLine(e.day, balance, held, e) for e, (balance, held) in zip(entries, running, strict=True)),
            LedgerLine(last_day(s.period), s.closing.balance, s.closing.held, label=N_("Closing balance"))]


SERVICE_LABELS = {
    "subscription": N_("Subscription"),
    "numbers": N_("Phone numbers"),
    "telephony": N_("Telephony"),
    "other": N_("Other services"),
}
assert set(SERVICE_LABELS) == set(SERVICE_KINDS)

ENTRY_LABELS = {
    "accrual": N_("Accrual"),
    "refund_reversal": N_("Refund reversal"),
    "project_payment": N_("Project payment"),
    "withdrawal_hold": N_("Withdrawal hold"),
    "hold_release": N_("Hold release"),
    "payout": N_("Payout"),
    "correction": N_("Correction"),
}

GROUP_HEADINGS = {
    LineGroup.PAYMENTS: N_("Payments of the period: they make the licence turnover"),
    LineGroup.REFUNDS: N_("Refunds: they reverse commission and count in no turnover"),
    LineGroup.LATE: N_("Late payments and refunds of earlier periods: they count in no turnover"),
}
GROUP_TOTALS = {
    LineGroup.PAYMENTS: N_("Subtotal: licence turnover"),
    LineGroup.REFUNDS: N_("Subtotal: refunds"),
    LineGroup.LATE: N_("Subtotal: late lines"),
}



class EntryDetails(Protocol):
    """What `StatementText.details` reads of a ledger entry (a statement's row or the window's)."""

    @property
    def kind(self) -> str: ...
    @property
    def note(self) -> str | None: ...
    @property
    def project_id(self) -> str | None: ...
    @property
    def withdrawal_id(self) -> int | None: ...
    @property
    def projected(self) -> bool: ...
    @property
    def period(self) -> Period | None: ...


class StatementText:
    """Translation and formatting for one statement language ('uk' or 'en')."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"'{language}' is not a statement language")
        self.language = language
        catalog = translator(language)
        self.gettext = catalog.gettext
        self.ngettext = catalog.ngettext
        self.locale = LOCALES[language]
        self.date_format = DATE_FORMATS[language]
        self.datetime_format = DATETIME_FORMATS[language]

    def __call__(self, message: str) -> str:
        return self.gettext(message)

    # words ------------------------------------------------------------------------------------------
    def service(self, kind: str) -> str:
        label = SERVICE_LABELS.get(kind)
        return self.gettext(label) if label else kind

    def entry(self, kind: str) -> str:
        label = ENTRY_LABELS.get(kind)
        return self.gettext(label) if label else kind

    def late(self, late: bool) -> str:
        _ = self.gettext
        return _("yes") if late else _("no")

    def benefit(self, name: str) -> str:
        """A benefit's name: a default one (domain/rewards.py) in this language, one an admin added or
        renamed as written."""
        return self.gettext(name) if name in DEFAULT_BENEFIT_NAMES else name

    def month(self, period: Period) -> str:
        """'May 2026', 'травень 2026'."""
        return format_date(period.first_day, "LLLL y", locale=self.locale)

    def details(self, row: EntryDetails) -> str:
        """What a ledger entry was, in words: made from its kind and references, so a statement
        reads in its own language; a correction shows the reason as its author wrote it."""
        _ = self.gettext
        text: str
        if row.kind == EntryKind.ACCRUAL and row.period is not None:
            text = _("Commission for {month}").format(month=self.month(row.period))
        elif row.kind == EntryKind.REFUND_REVERSAL and row.period is not None:
            text = _("Commission on refunds reversed, {month}").format(month=self.month(row.period))
        elif row.kind == EntryKind.PROJECT_PAYMENT and row.project_id is not None:
            text = _("Paid for project {project}").format(project=row.project_id)
        elif row.kind == EntryKind.WITHDRAWAL_HOLD and row.withdrawal_id is not None:
            text = _("Held for withdrawal request no. {id}").format(id=row.withdrawal_id)
        elif row.kind == EntryKind.HOLD_RELEASE and row.withdrawal_id is not None:
            text = _("Released from withdrawal request no. {id}").format(id=row.withdrawal_id)
        elif row.kind == EntryKind.PAYOUT and row.withdrawal_id is not None:
            text = _("Paid out for withdrawal request no. {id}").format(id=row.withdrawal_id)
        else:
            text = row.note or ""
        if row.projected:
            mark = _("preview: not posted")
            text = f"{text} ({mark})".strip()
        return text

    def line_headings(self, currency: str) -> list[str]:
        headings = [self.gettext(heading) for heading in LINE_HEADINGS]
        for column in (COL_PARTNER, COL_COMMISSION):
            headings[column - 1] = f"{headings[column - 1]}, {currency}"
        return headings

    def ledger_headings(self) -> list[str]:
        return [self.gettext(heading) for heading in LEDGER_HEADINGS]

    def rounding_notes(self) -> list[str]:
        """How the totals of the Lines relate to the lines above them (statement_model's rule)."""
        _ = self.gettext
        return [_("USD and partner amounts are rounded on each line for display; their totals are the exact "
                  "sums, rounded once."),
                _("Commissions are rounded once on each line, and their totals add up exactly.")]

    # text forms of figures (the PDF) ----------------------------------------------------------------
    def day(self, value: date) -> str:
        return value.strftime(_PY_DATES[self.language])

    def moment(self, value: datetime) -> str:
        return value.strftime(_PY_DATES[self.language] + " %H:%M")

    def amount(self, value: Decimal, currency: str) -> str:
        """An amount with its currency's digits, grouped as the language groups: '1 234,50'."""
        return self.number(value, minor_digits(currency))

    def number(self, value: Decimal, digits: int) -> str:
        """`value` rounded half-up to `digits` decimals, all of them shown: '1 234,50', '0,00'."""
        rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if rounded.is_zero():
            rounded = abs(rounded)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(rounded, format=pattern, locale=self.locale)

    def rate(self, value: Decimal) -> str:
        """An exchange rate as stored, at least two decimals: '41,00', '0,9234'."""
        digits = max(2, -int(value.normalize().as_tuple().exponent))
        return self.number(value, digits)

    def percent(self, value: Decimal) -> str:
        """A percent as the commission table writes it: '12.5%', '12,5%'."""
        return format_decimal(value.normalize(), locale=self.locale) + "%"

    def integer(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)
