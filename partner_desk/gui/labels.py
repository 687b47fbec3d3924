"""How the window names the codes the services hand it: roles, states, ledger entries, payout methods,
service kinds, audit actions and outcomes, in the words of `partner_desk/names.py`. The codes themselves
(what the command line, JSON and the database use) never change; only what a person reads does. A code
without a label is shown as it is.
"""

from __future__ import annotations

from enum import Enum

from partner_desk.domain.languages import LANGUAGES
from partner_desk.domain.rewards import DEFAULT_BENEFIT_NAMES
from partner_desk.domain.roles import Role
from partner_desk.files.statement_text import EntryDetails, StatementText
from partner_desk.i18n import _, current_language
from partner_desk.names import ACTIONS, ENTRY_KINDS, IMPORT_KINDS, METHODS, OUTCOMES, ROLES, SERVICES, SETTINGS, STATES

__all__ = ["ACTIONS", "ENTRY_KINDS", "IMPORT_KINDS", "METHODS", "OUTCOMES", "ROLES", "SERVICES", "STATES",
           "audit_object", "benefit", "entry_details", "label", "role"]


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


def audit_object(action: str, obj: str | None) -> str:
    """What an audit record names, in the window's words: "withdrawal 5" for `withdrawal:5`, the kind
    of file an import read beside its name, a setting by its name; codes, periods and users as stored."""
    if not obj:
        return ""
    head, colon, tail = obj.partition(":")
    if colon and head == "withdrawal" and tail.isdigit():
        return _("withdrawal {id}").format(id=tail)
    if colon and action == "import" and head in IMPORT_KINDS:
        return _("{kind}: {file}").format(kind=_(IMPORT_KINDS[head]), file=tail)
    if action == "settings" and obj in SETTINGS:
        return _(SETTINGS[obj])
    return obj
