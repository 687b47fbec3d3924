"""Money in the window's tables: an amount in its own currency beside its equivalent in the reporting
currency (`services/reporting.py`), sorting by value through the equivalent, and footers of totals
per currency with their grand total.

A missing rate is shown as missing, in its column and in a footer, with the reason as the tooltip;
it is never taken as zero, and rows without an equivalent sort last. An amount still being computed in
the background (`pending`) says "computing…" in its column, its equivalent and its footer, never a
zero or a blank, and sorts last like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from partner_desk.domain.money import per_currency
from partner_desk.files.table_export import Money
from partner_desk.gui import colors
from partner_desk.gui.table_model import RIGHT, Column
from partner_desk.i18n import _, money
from partner_desk.services.reporting import Reporting

R = TypeVar("R")
# a cell's value: the amount, its currency, and whether it is still being computed
Cell = tuple[Decimal | None, str, bool]


def pending_text() -> str:
    """What an amount still being computed shows, in place of any figure."""
    return _("computing…")


def _never(_row: object) -> bool:
    return False


def _cell(amount: Callable[[R], Decimal | None], currency: Callable[[R], str],
          pending: Callable[[R], bool]) -> Callable[[R], Cell]:
    return lambda r: (None, currency(r), True) if pending(r) else (amount(r), currency(r), False)


def money_column(header: str, amount: Callable[[R], Decimal | None], currency: Callable[[R], str],
                 reporting: Callable[[], Reporting | None], width: int = 118,
                 pending: Callable[[R], bool] = _never) -> Column[R]:
    """An amount in its own currency; it sorts by its value in the reporting currency (by the amount
    itself while no reporting is loaded), rows without a rate (or still `pending`) last."""

    def key(value: Cell) -> Decimal | None:
        found = reporting()
        return value[0] if found is None else found.equivalent(value[0], value[1])

    def display(value: Cell) -> str:
        if value[2]:
            return pending_text()
        return money(value[0], value[1]) if value[0] is not None else ""

    def export(row: R) -> Money | str | None:
        if pending(row):
            return pending_text()
        return Money(a, currency(row)) if (a := amount(row)) is not None else None

    return Column(header, _cell(amount, currency, pending), display=display,
                  align=RIGHT, sort_key=key, width=width,
                  foreground=lambda r: colors.ATTENTION if pending(r)
                  else (colors.NEGATIVE if (amount(r) or 0) < 0 else None),
                  export=export)


def equivalent_column(header: str, amount: Callable[[R], Decimal | None], currency: Callable[[R], str],
                      reporting: Callable[[], Reporting | None], width: int = 100,
                      pending: Callable[[R], bool] = _never) -> Column[R]:
    """The amount's equivalent in the reporting currency at today's rate; "no rate" when one is
    missing, the reason in its tooltip; "computing…" while the amount is `pending`."""

    def equivalent(row: R) -> Decimal | None:
        found = reporting()
        return found.equivalent(amount(row), currency(row)) if found is not None and not pending(row) else None

    def display(value: Cell) -> str:
        found = reporting()
        if value[2]:
            return pending_text()
        if value[0] is None or found is None:
            return ""
        converted = found.equivalent(value[0], value[1])
        return money(converted, found.currency) if converted is not None else _("no rate")

    def tooltip(row: R) -> str | None:
        found = reporting()
        if found is None or pending(row) or amount(row) is None:
            return None
        reason = found.reason(currency(row))
        if reason:
            return _("No equivalent: {reason}").format(reason=reason)
        return _("{amount} at the rates of {day}").format(amount=money(amount(row) or Decimal(0), currency(row)),
                                                       day=found.day.isoformat())

    def export(row: R) -> Money | str | None:
        if pending(row):
            return pending_text()
        found = reporting()
        converted = equivalent(row)
        return Money(converted, found.currency) if converted is not None and found is not None else None

    return Column(header, _cell(amount, currency, pending), display=display, align=RIGHT,
                  sort_key=lambda v: equivalent_of(reporting(), v), width=width, tooltip=tooltip,
                  foreground=lambda r: colors.ATTENTION
                  if pending(r) or (amount(r) is not None and equivalent(r) is None)
                  else (colors.NEGATIVE if (equivalent(r) or 0) < 0 else None),
                  export=export)


def money_pair(header: str, amount: Callable[[R], Decimal | None], currency: Callable[[R], str],
               reporting: Callable[[], Reporting | None], width: int = 118, equivalent_width: int = 100,
               pending: Callable[[R], bool] = _never) -> list[Column[R]]:
    """An amount's column and its equivalent's beside it (the equivalent's header follows the data:
    `equivalent_header`)."""
    return [money_column(header, amount, currency, reporting, width, pending),
            equivalent_column("", amount, currency, reporting, equivalent_width, pending)]


def equivalent_of(found: Reporting | None, value: Cell) -> Decimal | None:
    return found.equivalent(value[0], value[1]) if found is not None else None


def equivalent_header(name: str, found: Reporting | None) -> str:
    """"Balance ≈ USD" over two lines: the column an equivalent stands for, and its currency."""
    return _("{column}\n≈ {currency}").format(column=name, currency=found.currency if found else "…")


def totals_of(items: Iterable[tuple[Decimal | None, str]]) -> dict[str, Decimal]:
    """Amounts summed per currency (no amount counts as nothing), by currency code."""
    return per_currency((a, c) for a, c in items if a is not None)


def totals_text(totals: Mapping[str, Decimal], found: Reporting | None,
                *, pending: bool = False) -> tuple[str, str | None]:
    """"$1,234.50 · €345.00 · ≈ $1,609.35 in all" and its tooltip (why a grand total is missing);
    an em dash when there is nothing; "computing…" while any of the amounts is still `pending`."""
    if pending:
        return pending_text(), _("Computed in the background; shown when it arrives")
    text = " · ".join(money(amount, cur) for cur, amount in totals.items()) or "—"
    if found is None or not totals:
        return text, None
    grand = found.total(totals)
    if grand is not None:
        return text + "  " + _("≈ {total} in all").format(total=money(grand, found.currency)), _(
            "Each currency's total at the rates of {day}, added up").format(day=found.day.isoformat())
    return text + "  " + _("(no total in {currency}: a rate is missing)").format(currency=found.currency), \
        found.total_reason(totals)


def footer_text(amounts: Iterable[tuple[Decimal | None, str]], found: Reporting | None,
                *, pending: bool = False) -> tuple[str, str | None]:
    """The footer of the rows shown: their (amount, currency) pairs totalled per currency, with the
    grand total, and its tooltip (`totals_text`)."""
    return totals_text(totals_of(amounts), found, pending=pending)


def with_reporting(page: Any) -> Callable[[], Reporting | None]:
    """What a column asks for the page's reporting conversions, as loaded last."""
    return lambda: getattr(page, "reporting", None)
