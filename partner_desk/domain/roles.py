"""Roles and what each may do (SPEC section 8); each role may do everything the one before it may."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from partner_desk.domain.refusals import Refusal


class Role(IntEnum):
    MANAGER = 1
    FINANCE = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str | Role) -> Role:
        if isinstance(text, Role):
            return text
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"'{text}' is not a role (manager, finance or admin)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


def role_text(value: Role | str) -> str:
    """A role as it is stored and recorded ("manager"); a text that is no role (written behind the
    product's back) as it is."""
    return value.label if isinstance(value, Role) else value


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

class Action(StrEnum):
    """What a user does, named as the audit trail names it (the values never change)."""

    IMPORT = "import"
    ACCRUE_POST = "accrue.post"
    STATEMENT = "statement"
    PAY_PROJECT = "pay_project"
    OFFER_ACCEPT = "offer.accept"
    BENEFIT_UPDATE = "benefit.update"
    AGENCY_LANGUAGE = "agency.language"
    WITHDRAW_REQUEST = "withdraw.request"
    WITHDRAW_CANCEL = "withdraw.cancel"
    WITHDRAW_APPROVE = "withdraw.approve"
    WITHDRAW_REJECT = "withdraw.reject"
    WITHDRAW_PAID = "withdraw.paid"
    WITHDRAW_EXPORT = "withdraw.export"
    WITHDRAW_PAID_BATCH = "withdraw.paid_batch"
    CORRECT = "correct"
    TIERS = "tiers"
    REWARDS = "rewards"
    SETTINGS = "settings"
    USERS_ADD = "users.add"
    USERS_DEACTIVATE = "users.deactivate"
    USERS_ACTIVATE = "users.activate"
    USERS_ROLE = "users.role"
    USERS_PASSWORD = "users.password"
    USERS_UNLOCK = "users.unlock"
    USERS_LIST = "users.list"
    AUDIT_READ = "audit.read"
    # anyone signed in may change their own password (with the old one), and have its hash upgraded
    USERS_OWN_PASSWORD = "users.own_password"
    USERS_REHASH = "users.rehash"


# The least role each action needs.
NEEDS: dict[Action, Role] = {
    Action.IMPORT: Role.FINANCE,
    Action.ACCRUE_POST: Role.FINANCE,
    Action.STATEMENT: Role.MANAGER,
    Action.PAY_PROJECT: Role.MANAGER,
    Action.OFFER_ACCEPT: Role.MANAGER,
    Action.BENEFIT_UPDATE: Role.MANAGER,
    Action.AGENCY_LANGUAGE: Role.MANAGER,
    Action.WITHDRAW_REQUEST: Role.MANAGER,
    Action.WITHDRAW_CANCEL: Role.MANAGER,
    Action.WITHDRAW_APPROVE: Role.FINANCE,
    Action.WITHDRAW_REJECT: Role.FINANCE,
    Action.WITHDRAW_PAID: Role.FINANCE,
    Action.WITHDRAW_EXPORT: Role.FINANCE,
    Action.WITHDRAW_PAID_BATCH: Role.FINANCE,
    Action.CORRECT: Role.ADMIN,
    Action.TIERS: Role.ADMIN,
    Action.REWARDS: Role.ADMIN,
    Action.SETTINGS: Role.ADMIN,
    Action.USERS_ADD: Role.ADMIN,
    Action.USERS_DEACTIVATE: Role.ADMIN,
    Action.USERS_ACTIVATE: Role.ADMIN,
    Action.USERS_ROLE: Role.ADMIN,
    Action.USERS_PASSWORD: Role.ADMIN,
    Action.USERS_UNLOCK: Role.ADMIN,
    Action.USERS_LIST: Role.FINANCE,
    Action.AUDIT_READ: Role.FINANCE,
    Action.USERS_OWN_PASSWORD: Role.MANAGER,
    Action.USERS_REHASH: Role.MANAGER,
}

# The import kind whose rows are a commission table: importing it is changing the table (admin).
TIERS_KIND = "tiers"


def import_action(kind: str) -> Action:
    """The action importing a file of `kind` is: a commission table is the admin's whichever way it
    comes in (SPEC section 8); every other file is an import."""
    return Action.TIERS if kind == TIERS_KIND else Action.IMPORT


def role_refusal(actor: Actor, action: Action) -> Refusal | None:
    """Why `actor`'s role does not allow `action`; None when it does. The one place that says an
    action needs a role: the services, the command line and every page's buttons ask it.

    The set-up actor passes here; whether set-up is still open (the database has no users) is the
    services' question (`services/guard.py`).
    """
    needed = NEEDS[action]
    if actor.in_setup:
        return None
    if actor.role is None:
        return Refusal("not_signed_in", {"action": action, "needed": needed})
    if actor.role < needed:
        return Refusal("needs_role", {"user": actor.name, "role": actor.role, "action": action,
                                      "needed": needed})
    return None
