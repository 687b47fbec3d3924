"""Roles and what each may do (SPEC section 8); each role may do everything the one before it may."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Role(IntEnum):
    MANAGER = 1
    FINANCE = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"'{text}' is not a role (manager, finance or admin)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts. A database with no users is in set-up mode, where the anonymous set-up actor acts."""

    name: str | None
    role: Role | None

    @property
    def in_setup(self) -> bool:
        return self.name is None

    @property
    def signed_in(self) -> bool:
        """A user who signed in (has a role); neither the set-up actor nor an anonymous caller."""
        return self.name is not None and self.role is not None

    def may(self, needed: Role) -> bool:
        return self.in_setup or (self.role is not None and self.role >= needed)

    def __str__(self) -> str:
        return self.name or "(set-up)"


SETUP = Actor(None, None)

# The least role each action needs.
NEEDS: dict[str, Role] = {
    "import": Role.FINANCE,
    "accrue.post": Role.FINANCE,
    "accrue.preview": Role.MANAGER,
    "statement": Role.MANAGER,
    "pay_project": Role.MANAGER,
    "offer.accept": Role.MANAGER,
    "benefit.update": Role.MANAGER,
    "agency.language": Role.MANAGER,
    "withdraw.request": Role.MANAGER,
    "withdraw.cancel": Role.MANAGER,
    "withdraw.approve": Role.FINANCE,
    "withdraw.reject": Role.FINANCE,
    "withdraw.paid": Role.FINANCE,
    "withdraw.export": Role.FINANCE,
    "withdraw.paid_batch": Role.FINANCE,
    "correct": Role.ADMIN,
    "tiers": Role.ADMIN,
    "rewards": Role.ADMIN,
    "settings": Role.ADMIN,
    "users.add": Role.ADMIN,
}

# How a refusal names each action.
ACTION_WORDS: dict[str, str] = {
    "import": "import files",
    "accrue.post": "post accruals",
    "accrue.preview": "preview accruals",
    "statement": "write statements",
    "pay_project": "pay projects",
    "offer.accept": "record an accepted offer",
    "benefit.update": "update benefits",
    "agency.language": "change the language of statements",
    "withdraw.request": "request withdrawals",
    "withdraw.cancel": "cancel withdrawals",
    "withdraw.approve": "approve withdrawals",
    "withdraw.reject": "reject withdrawals",
    "withdraw.paid": "mark withdrawals paid",
    "withdraw.export": "export payout batches",
    "withdraw.paid_batch": "mark payout batches paid",
    "correct": "correct balances",
    "tiers": "change commission tables",
    "rewards": "change reward levels",
    "settings": "change settings",
    "users.add": "add users",
}


def describe(action: str) -> str:
    """The action as a refusal names it: "approve withdrawals"."""
    return ACTION_WORDS.get(action, action.replace(".", " ").replace("_", " "))
