"""How the window names the codes the services hand it: roles, states, ledger entries, payout methods,
service kinds, audit actions and outcomes. The codes themselves (what the command line, JSON and the
database use) never change; only what a person reads does. A code without a label is shown as it is.
"""

from __future__ import annotations

from enum import Enum

from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.rewards import DEFAULT_BENEFIT_NAMES
from partner_desk.domain.roles import Role
from partner_desk.files.statement_text import EntryDetails, StatementText
from partner_desk.i18n import N_, _, current_language

ROLES = {"manager": N_("manager"), "finance": N_("finance"), "admin": N_("admin")}
STATES = {
    "pending": N_("pending"), "approved": N_("approved"), "paid": N_("paid"), "rejected": N_("rejected"),
    "cancelled": N_("cancelled"),
}
ENTRY_KINDS = {
    "accrual": N_("accrual"), "refund_reversal": N_("refund reversal"), "project_payment": N_("project payment"),
    "withdrawal_hold": N_("withdrawal hold"), "hold_release": N_("hold release"), "payout": N_("payout"),
    "correction": N_("correction"),
}
METHODS = {"bank_transfer": N_("bank transfer"), "card": N_("card"), "paypal": N_("PayPal"), "other": N_("other")}
SERVICES = {"subscription": N_("subscription"), "numbers": N_("numbers"), "telephony": N_("telephony"),
            "other": N_("other")}
OUTCOMES = {"ok": N_("done"), "refused": N_("refused")}
ACTIONS = {
    "import": N_("import"), "accrue.post": N_("post accruals"), "accrue.preview": N_("preview accruals"),
    "statement": N_("statement"), "pay_project": N_("pay a project"), "offer.accept": N_("offer accepted"),
    "benefit.update": N_("benefit fulfilment"), "agency.language": N_("statement language"),
    "withdraw.request": N_("withdrawal request"),
    "withdraw.cancel": N_("withdrawal cancelled"), "withdraw.approve": N_("withdrawal approved"),
    "withdraw.reject": N_("withdrawal rejected"), "withdraw.paid": N_("withdrawal paid"),
    "correct": N_("correction"), "tiers": N_("commission table"), "rewards": N_("reward levels"),
    "settings": N_("settings"), "users.add": N_("user added"), "sign_in": N_("sign-in"),
    "users.role": N_("role changed"), "users.password": N_("password reset"),
    "users.own_password": N_("own password changed"), "users.deactivate": N_("user deactivated"),
    "users.activate": N_("user activated"), "users.lock": N_("account locked"),
    "users.unlock": N_("account unlocked"), "users.rehash": N_("password hash upgraded"),
    "withdraw.export": N_("payout batch exported"), "withdraw.paid_batch": N_("payout batch paid"),
    "window": N_("window"),
}


def label(table: dict[str, str], code: object) -> str:
    """The translated name of `code` (a text or a text enum) in `table`; the code itself when it has none."""
    if code is None:
        return ""
    key = str(code.value) if isinstance(code, Enum) else str(code)
    found = table.get(key)
    return _(found) if found else key


def role(value: Role | str | None) -> str:
    """"admin", "адміністратор"...; "set-up" for the set-up actor of a database with no users."""
    if value is None:
        return _("set-up")
    return label(ROLES, value.label if isinstance(value, Role) else value)


def entry_details(row: EntryDetails) -> str:
    """What a ledger entry was, in the window's language: made from its kind and references (an
    accrual credit names its month), as a statement says it; a correction shows its written reason."""
    language = current_language()
    return StatementText(language if language in LANGUAGES else "en").details(row)


def benefit(name: str) -> str:
    """A benefit's name in the window's language while it is one of the defaults; as written otherwise."""
    return _(name) if name in DEFAULT_BENEFIT_NAMES else name
