"""What a change touched, told from its audit record.

Every change writes an audit record in the transaction that makes it, so the audit trail is also the
feed of changes: after an action of its own, or on learning that someone else changed the database,
the window reads the new records and reloads only what they touched. `Area` names what a page shows;
`areas_of` says which areas an audited action changes.
"""

from __future__ import annotations

from enum import StrEnum


class Area(StrEnum):
    """A kind of data a page shows."""

    AGENCIES = "agencies"
    PROJECTS = "projects"
    PAYMENTS = "payments"
    RATES = "rates"
    TIERS = "tiers"
    REWARDS = "rewards"
    BENEFITS = "benefits"
    ACCRUALS = "accruals"
    LEDGER = "ledger"
    WITHDRAWALS = "withdrawals"
    BATCHES = "batches"
    SETTINGS = "settings"
    USERS = "users"
    AUDIT = "audit"


EVERYTHING: frozenset[Area] = frozenset(Area)

# The areas each audited action changes; the audit trail itself changes with every record.
_TOUCHES: dict[str, frozenset[Area]] = {
    "accrue.post": frozenset({Area.ACCRUALS, Area.LEDGER, Area.AGENCIES, Area.PAYMENTS}),
    "pay_project": frozenset({Area.LEDGER, Area.AGENCIES}),
    "correct": frozenset({Area.LEDGER, Area.AGENCIES}),
    "offer.accept": frozenset({Area.AGENCIES}),
    "agency.language": frozenset({Area.AGENCIES}),
    "benefit.update": frozenset({Area.BENEFITS, Area.AGENCIES}),
    "withdraw.request": frozenset({Area.WITHDRAWALS, Area.LEDGER, Area.AGENCIES}),
    "withdraw.approve": frozenset({Area.WITHDRAWALS, Area.AGENCIES}),
    "withdraw.reject": frozenset({Area.WITHDRAWALS, Area.LEDGER, Area.AGENCIES}),
    "withdraw.cancel": frozenset({Area.WITHDRAWALS, Area.LEDGER, Area.AGENCIES}),
    "withdraw.paid": frozenset({Area.WITHDRAWALS, Area.LEDGER, Area.AGENCIES}),
    "withdraw.paid_batch": frozenset({Area.WITHDRAWALS, Area.LEDGER, Area.AGENCIES, Area.BATCHES}),
    "withdraw.export": frozenset({Area.BATCHES, Area.WITHDRAWALS}),
    "tiers": frozenset({Area.TIERS, Area.AGENCIES, Area.ACCRUALS}),
    "rewards": frozenset({Area.REWARDS, Area.BENEFITS, Area.AGENCIES}),
    "settings": frozenset({Area.SETTINGS}),
}
_IMPORTS: dict[str, frozenset[Area]] = {
    "agencies": frozenset({Area.AGENCIES}),
    "projects": frozenset({Area.PROJECTS, Area.AGENCIES}),
    "payments": frozenset({Area.PAYMENTS, Area.AGENCIES, Area.ACCRUALS}),
    "rates": frozenset({Area.RATES, Area.AGENCIES, Area.ACCRUALS, Area.WITHDRAWALS}),
    "tiers": frozenset({Area.TIERS, Area.AGENCIES, Area.ACCRUALS}),
}


def areas_of(action: str, obj: str | None = None, outcome: str = "ok") -> frozenset[Area]:
    """The areas an audit record's action changed. A refusal changes nothing but the trail; an
    action this table does not know is taken to touch everything, so nothing is left stale."""
    if outcome != "ok":
        return frozenset({Area.AUDIT})
    if action == "import":
        kind = (obj or "").split(":", 1)[0]
        return _IMPORTS.get(kind, EVERYTHING) | {Area.AUDIT}
    if action.startswith("users."):
        return frozenset({Area.USERS, Area.AUDIT})
    return _TOUCHES.get(action, EVERYTHING) | {Area.AUDIT}
