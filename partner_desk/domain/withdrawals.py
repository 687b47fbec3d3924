"""Whether an agency may withdraw, with every reason it may not (SPEC section 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from partner_desk.domain.money import USD, format_usd

THRESHOLD_USD = Decimal(100)


class Method(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    PAYPAL = "paypal"
    OTHER = "other"


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


def withdrawal_refusals(
    *,
    offer_accepted_on: date | None,
    available: Decimal,
    currency: str,
    rate: Decimal | None,
    today: date,
) -> list[str]:
    """Every condition that fails: the offer accepted, and the available balance worth more than $100."""
    reasons: list[str] = []
    if offer_accepted_on is None or offer_accepted_on > today:
        reasons.append("the partner offer has not been accepted")
    if rate is None:
        reasons.append(f"no {currency} exchange rate on or before {today} to value the balance in USD")
    else:
        worth = Fraction(available) / Fraction(rate)
        if worth <= Fraction(THRESHOLD_USD):
            shown = f"${format_usd(worth)}" if currency != USD else f"${format_usd(worth)}"
            reasons.append(f"the available balance is worth {shown}, not more than $100.00")
    return reasons
