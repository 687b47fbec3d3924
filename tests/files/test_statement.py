"""The statement workbook writer on hand-made values: number formats, real cells, text kept as text."""

from __future__ import annotations

import gc
import gettext
import re
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from partner_desk import i18n
from partner_desk.domain.ledger import Position
from partner_desk.domain.periods import Period
from partner_desk.files import statement_text
from partner_desk.files.atomic import atomic_path
from partner_desk.files.statement import write_statement
from partner_desk.files.statement_model import (
    LedgerRow,
    Statement,
    StatementLine,
    StatementSummary,
    money_format,
    percent_format,
    percent_value,
)

ZERO_USD = Position("USD", Decimal("0.00"), Decimal("0.00"))


def summary(**changes: object) -> StatementSummary:
    values: dict[str, object] = dict(
        agency_code="AG09", agency_name="Nine", manager=None, period=Period(2026, 5), currency="USD",
        turnover_usd=Decimal("1234567890.12"), percent=Decimal("12.5"), commission_total=Decimal("0.00"),
        reward_usd=Decimal("3000.00"), reward_level_usd=Decimal("3000"),
        benefits=("Joint events", "Information partnerships"), line_count=1, late_count=0,
        opening=ZERO_USD, closing=ZERO_USD, produced_on=date(2026, 6, 2),
    )
    values.update(changes)
    return StatementSummary(**values)


def line(**changes: object) -> StatementLine:
    values: dict[str, object] = dict(
        paid_at=datetime(2026, 5, 3, 14, 5, 9), project_id="P9", project_name="Nine shop", payment_id="x9",
        service="subscription", refund_of=None, amount=Decimal("0.01"), currency="USD",
        pay_rate=Decimal("1"), partner_rate=None, usd_amount=Decimal("0.01"), partner_amount=Decimal("0.01"),
        percent=Decimal("12.5"), commission=Decimal("-0.00"), late=False,
    )
    values.update(changes)
    return StatementLine(**values)


@pytest.mark.parametrize(("currency", "expected"), [
    ("USD", "#,##0.00"), ("EUR", "#,##0.00"), ("JPY", "#,##0"), ("KWD", "#,##0.000"),
])
def test_money_formats_follow_the_currency_minor_unit(currency: str, expected: str) -> None:
    assert money_format(currency) == expected


@pytest.mark.parametrize(("percent", "value", "fmt"), [
    (Decimal("15"), Decimal("0.15"), "0%"),
    (Decimal("10"), Decimal("0.10"), "0%"),
    (Decimal("12.5"), Decimal("0.125"), "0.0%"),
    (Decimal("7.25"), Decimal("0.0725"), "0.00%"),
    (Decimal("20.00"), Decimal("0.2000"), "0%"),
])
def test_percents_are_fractions_with_a_percent_format(percent: Decimal, value: Decimal, fmt: str) -> None:
    assert percent_value(percent) == value
    assert percent_format(percent) == fmt


def test_cells_are_real_numbers_dates_and_booleans(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    totals = write_statement(Statement(summary(), [line()], []), path)
    assert (totals.count, totals.commission) == (1, Decimal("0.00"))
    wb = load_workbook(path)
    cells = {row[0].value: row[1] for row in wb["Summary"].iter_rows() if row[0].value and len(row) > 1}
    turnover = cells["Licence turnover"]
    # 1234567890.12 has 12 significant digits: the float in the cell is the same number
    assert turnover.data_type == "n"
    assert turnover.value == 1234567890.12
    assert cells["Percent"].value == 0.125
    assert cells["Percent"].number_format == "0.0%"
    assert cells["Reward level reached"].value == 3000
    assert cells["Reward level reached"].number_format == "#,##0.00"
    assert cells["Manager"].value is None or cells["Manager"].value == ""
    benefits = [row[1].value for row in wb["Summary"].iter_rows()
                if row[1].value in ("Joint events", "Information partnerships")]
    assert benefits == ["Joint events", "Information partnerships"]
    row = wb["Lines"][3]  # below the heading row and the group's heading
    assert row[0].value == datetime(2026, 5, 3, 14, 5, 9)
    assert row[0].is_date
    assert row[9].value is None  # no conversion: no partner rate
    # a commission rounded to "-0.00" is written as plain zero
    assert row[13].value == 0
    assert str(row[13].value) == "0"
    assert row[14].value == "no"
    assert row[14].data_type == "s"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    tricky = line(project_name="=HYPERLINK(\"http://x\",\"y\")", payment_id="#N/A", project_id="P\x07 1")
    write_statement(Statement(summary(agency_name="=1+1"), [tricky], [
        LedgerRow(date(2026, 5, 9), "correction", Decimal("0.00"), note="=SUM(A1:A9)"),
    ]), path)
    wb = load_workbook(path)
    row = wb["Lines"][3]
    assert (row[2].value, row[2].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (row[3].value, row[3].data_type) == ("#N/A", "s")
    assert row[1].value == "P 1"  # a control character cannot be stored in a sheet: it is dropped
    agency = next(r[1] for r in wb["Summary"].iter_rows() if r[0].value == "Agency")
    assert (agency.value, agency.data_type) == ("=1+1", "s")
    assert (wb["Ledger"]["C3"].value, wb["Ledger"]["C3"].data_type) == ("=SUM(A1:A9)", "s")


def test_a_ledger_that_does_not_reach_the_closing_balance_is_refused(tmp_path: Path) -> None:
    closing = Position("USD", Decimal("10.00"), Decimal("0.00"))
    entries = [LedgerRow(date(2026, 5, 9), "correction", Decimal("9.99"))]
    with pytest.raises(ValueError, match=r"does not add up: opening plus entries give 9.99"):
        write_statement(Statement(summary(closing=closing), [], entries), tmp_path / "s.xlsx")


def test_holds_change_the_held_column_not_the_balance(tmp_path: Path) -> None:
    opening = Position("USD", Decimal("500.00"), Decimal("0.00"))
    # hold 200 then release 200 and pay out 200: balance 500 -> 300, held 0 -> 200 -> 0
    entries = [
        LedgerRow(date(2026, 5, 2), "withdrawal_hold", Decimal("-200.00"), withdrawal_id=7),
        LedgerRow(date(2026, 5, 20), "hold_release", Decimal("200.00"), withdrawal_id=7),
        LedgerRow(date(2026, 5, 20), "payout", Decimal("-200.00"), withdrawal_id=7),
    ]
    closing = Position("USD", Decimal("300.00"), Decimal("0.00"))
    path = tmp_path / "s.xlsx"
    write_statement(Statement(summary(opening=opening, closing=closing), [], entries), path)
    ledger = [[c.value for c in row] for row in load_workbook(path)["Ledger"].iter_rows(min_row=2)]
    assert [(r[1], r[6], r[7], r[8], r[9]) for r in ledger] == [
        ("Opening balance", None, None, 500, 0),
        ("Withdrawal hold", 7, -200, 500, 200),
        ("Hold release", 7, 200, 500, 0),
        ("Payout", 7, -200, 300, 0),
        ("Closing balance", None, None, 300, 0),
    ]


def test_atomic_path_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    def half_written() -> None:
        with atomic_path(target) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        half_written()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary.name.startswith(".a.xlsx.")
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_a_failure_half_way_leaves_no_scratch_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where write-only sheets stream to

    def lines() -> Iterator[StatementLine]:
        yield line()
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        write_statement(Statement(summary(), lines(), []), tmp_path / "s.xlsx")
    gc.collect()
    assert list(scratch.iterdir()) == []


def test_headings_are_translated_and_figures_stay_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Marked(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"<{message}>"

    monkeypatch.setattr(statement_text, "translator", lambda language: Marked())
    path = tmp_path / "s.xlsx"
    write_statement(Statement(summary(preview=True), [line(commission=Decimal("1.25"))], [
        LedgerRow(date(2026, 5, 9), "correction", Decimal("0.00"), projected=True),
    ]), path, "uk")
    wb = load_workbook(path)
    assert wb.sheetnames == ["<Summary>", "<Lines>", "<Ledger>"]
    assert wb["<Lines>"]["A1"].value == "<Preview — not posted>"
    assert wb["<Lines>"]["A2"].value == "<Payment date>"
    assert wb["<Lines>"]["L2"].value == "<Partner amount>, USD"
    assert wb["<Lines>"]["E4"].value == "<Subscription>"
    assert wb["<Lines>"]["O4"].value == "<no>"
    assert wb["<Ledger>"]["B4"].value == "<Correction>"
    assert wb["<Ledger>"]["C4"].value == "(<preview: not posted>)"
    assert wb["<Lines>"]["N4"].value == 1.25
    assert wb["<Lines>"]["A4"].is_date
    # the window's own language is left alone
    assert i18n._("Summary") == "Summary"


def test_nothing_numeric_is_stored_as_text(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    opening = Position("USD", Decimal("7.00"), Decimal("0.00"))
    closing = Position("USD", Decimal("5.00"), Decimal("0.00"))
    write_statement(Statement(summary(opening=opening, closing=closing), [line(), line(payment_id="x10")], [
        LedgerRow(date(2026, 5, 9), "project_payment", Decimal("-2.00"), "paid project P9", "P9",
                  Decimal("80.00"), "UAH"),
    ]), path)
    number = re.compile(r"^[-+]?[\d,. ]+%?$")
    for sheet in load_workbook(path):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not number.match(cell.value), (sheet.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
