"""Hand-made statements for the writer tests.

`six_lines()` is a PLN agency's May 2026 with four payments of the period, one refund and one late
payment (rates per USD: UAH 40, EUR 0.8, PLN 4):

  p1  UAH 4000.00: $100.00, 4000 * 4 / 40 = 400.00 PLN, 15% -> 60.00
  p2  EUR  250.00: $312.50, 250 * 4 / 0.8 = 1250.00 PLN, 15% -> 187.50
  p3  PLN 1000.00: $250.00, 1000.00 PLN (no conversion), 15% -> 150.00
  p4  PLN  600.00: $150.00, 600.00 PLN, 15% -> 90.00
      licence turnover 100 + 312.50 + 250 + 150 = $812.50 -> 15%; payments' commission 487.50
  r1  PLN -200.00 refunding p3: -$50.00, -200.00 PLN at 15% -> -30.00
  l1  PLN  400.00 of April, late, at April's 10%: $100.00, 400.00 PLN -> 40.00
      total commission 487.50 - 30.00 + 40.00 = 497.50 PLN; reward 121.875 - 7.5 + 10 = $124.375 -> 124.38
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from partner_desk.domain.ledger import Position
from partner_desk.domain.periods import Period
from partner_desk.files.statement_model import LedgerRow, Statement, StatementLine, StatementSummary

D = Decimal
LONG_BENEFITS = ("Joint case study on the company blog and in online media", "Recommendation to the company's clients",
                 "Participation in the company's events and trainings", "Joint events", "Information partnerships")


def line(payment_id: str, day: int, amount: str, currency: str, pay_rate: str, partner_rate: str | None,
         usd: str, partner: str, percent: str, commission: str, *, late: bool = False,
         refund_of: str | None = None, name: str = "Kyiv Dental Clinic & Spa") -> StatementLine:
    return StatementLine(
        paid_at=datetime(2026, 5 if not late else 4, day, 10, 30), project_id=f"PRJ-{day:04d}", project_name=name,
        payment_id=payment_id, service="subscription", refund_of=refund_of, amount=D(amount), currency=currency,
        pay_rate=D(pay_rate), partner_rate=None if partner_rate is None else D(partner_rate), usd_amount=D(usd),
        partner_amount=D(partner), percent=D(percent), commission=D(commission), late=late,
    )


def six_lines(*, preview: bool = False, name: str = "Brightline & Partners Digital Agency") -> Statement:
    lines = [
        line("p1", 3, "4000.00", "UAH", "40", "4", "100.00", "400.00", "15", "60.00"),
        line("p2", 9, "250.00", "EUR", "0.8", "4", "312.50", "1250.00", "15", "187.50"),
        line("p3", 14, "1000.00", "PLN", "4", None, "250.00", "1000.00", "15", "150.00"),
        line("p4", 21, "600.00", "PLN", "4", None, "150.00", "600.00", "15", "90.00",
             name="Lviv Centre of Family Medicine and Dentistry, branch no. 2"),
        line("r1", 25, "-200.00", "PLN", "4", None, "-50.00", "-200.00", "15", "-30.00", refund_of="p3"),
        line("l1", 28, "400.00", "PLN", "4", None, "100.00", "400.00", "10", "40.00", late=True),
    ]
    opening = Position("PLN", D("1000.00"), D("0.00"))
    ledger = [
        LedgerRow(date(2026, 5, 12), "project_payment", D("-100.00"), "paid project PRJ-0003", "PRJ-0003",
                  D("1000.00"), "UAH"),
        LedgerRow(date(2026, 5, 20), "withdrawal_hold", D("-500.00"), "withdrawal 7 held", withdrawal_id=7),
        LedgerRow(date(2026, 5, 31), "accrual", D("527.50"), "2026-05 accrual", period=Period(2026, 5),
                  projected=preview),
        LedgerRow(date(2026, 5, 31), "refund_reversal", D("-30.00"), "2026-05 refunds reversed",
                  period=Period(2026, 5), projected=preview),
    ]
    # 1000 - 100 + 527.50 - 30 = 1397.50, of which 500.00 held
    closing = Position("PLN", D("1397.50"), D("500.00"))
    summary = StatementSummary(
        agency_code="AG07", agency_name=name, manager="olena", period=Period(2026, 5), currency="PLN",
        turnover_usd=D("812.50"), percent=D("15"), commission_total=D("497.50"), reward_usd=D("124.38"),
        reward_level_usd=D("3000"), benefits=LONG_BENEFITS, line_count=6, late_count=1, opening=opening,
        closing=closing, produced_on=date(2026, 6, 2), preview=preview,
    )
    return Statement(summary, lines, ledger)


def thirds() -> Statement:
    """Three payments of 10.00 UAH at 30 UAH per USD to a EUR agency (0.8 per USD), at 10%:
    each $0.3333… (shown 0.33), 10 * 0.8 / 30 = 0.2666… EUR (shown 0.27), commission 0.02666… -> 0.03.
    The rounded lines add up to $0.99 and 0.81 EUR; the exact sums are $1.00 and 0.80 EUR."""
    lines = [
        StatementLine(datetime(2026, 5, d, 9, 0), "P1", "Shop", f"t{d}", "subscription", None, D("10.00"), "UAH",
                      D("30"), D("0.8"), D("0.33"), D("0.27"), D("10"), D("0.03"), False)
        for d in (1, 2, 3)
    ]
    zero = Position("EUR", D("0.00"), D("0.00"))
    summary = StatementSummary(
        agency_code="AG03", agency_name="Thirds", manager=None, period=Period(2026, 5), currency="EUR",
        turnover_usd=D("1.00"), percent=D("10"), commission_total=D("0.09"), reward_usd=D("0.10"),
        reward_level_usd=None, benefits=(), line_count=3, late_count=0, opening=zero,
        closing=Position("EUR", D("0.09"), D("0.00")), produced_on=date(2026, 6, 1),
    )
    ledger = [LedgerRow(date(2026, 5, 31), "accrual", D("0.09"), "2026-05 accrual", period=Period(2026, 5))]
    return Statement(summary, lines, ledger)
