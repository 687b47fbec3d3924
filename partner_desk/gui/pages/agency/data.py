"""What the agency page loads at once: the agency's standing and its history (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from partner_desk.domain.periods import Period
from partner_desk.domain.roles import Actor
from partner_desk.services import agency_detail as views
from partner_desk.services.agency_detail import AgencyDetail
from partner_desk.services.withdrawals import list_withdrawals
from partner_desk.store.engine import Database


@dataclass(frozen=True)
class Loaded:
    detail: AgencyDetail
    payments: list[views.PaymentRow]
    accruals: list[views.AccrualRow]
    ledger: list[views.LedgerRow]
    withdrawals: list[Any]


def load(db: Database, actor: Actor, code: str, period: Period | None, service: str | None) -> Loaded:
    """One agency as its page shows it; the payments of `period` and `service` (None: all)."""
    return Loaded(
        views.agency_detail(db, actor, code),
        views.agency_payments(db, code, period, service),
        views.agency_accruals(db, code),
        views.agency_ledger(db, code),
        list_withdrawals(db, code=code),
    )
