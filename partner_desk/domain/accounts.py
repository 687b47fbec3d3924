"""User accounts (SPEC section 8): names, passwords, the last active admin, and locking after failed
sign-ins. Pure rules; the services store and audit what they decide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Role

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
# a pass phrase, not a file: what a person can type, and a bound on what signing in hashes
MAX_PASSWORD = 1024
# five failed sign-ins within fifteen minutes lock the account for fifteen minutes
FAILURES_TO_LOCK = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def name_refusal(name: str) -> Refusal | None:
    if NAME.fullmatch(name):  # fullmatch: `$` would let a trailing line break through
        return None
    return Refusal("not_a_user_name", {"name": name})


def password_refusal(name: str, password: str) -> Refusal | None:
    """Why a new password is refused: too short, too long, or nothing but the user name with digits or
    signs around it ("olena", "Olena-2026!"). A pass phrase that has the name among other words is
    allowed: its other words are what makes it hard to guess."""
    if len(password) < MIN_PASSWORD:
        return Refusal("password_short", {"min": MIN_PASSWORD})
    if len(password) > MAX_PASSWORD:
        return Refusal("password_long", {"max": MAX_PASSWORD})
    if name and name.casefold() in password.casefold():
        rest = password.casefold().replace(name.casefold(), "")
        if not any(ch.isalpha() for ch in rest):
            return Refusal("password_is_name", {"name": name})
    return None


def admin_change_refusal(name: str, role: Role, active: bool, new_role: Role | None, new_active: bool | None,
                         active_admins: int) -> Refusal | None:
    """The last active admin stays: it can be neither deactivated nor given another role."""
    if role is not Role.ADMIN or not active or active_admins > 1:
        return None
    if new_active is False:
        return Refusal("last_admin_deactivate", {"user": name})
    if new_role is not None and new_role is not Role.ADMIN:
        return Refusal("last_admin_role", {"user": name})
    return None


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When an account locked by `failures` (failed sign-ins since its last lock or unlock, oldest
    first) opens again, or None when they do not lock it: FAILURES_TO_LOCK of them within
    FAILURE_WINDOW lock it for LOCK_FOR from the last one."""
    recent = [at for at in failures if at > now - FAILURE_WINDOW]
    if len(recent) < FAILURES_TO_LOCK:
        return None
    return recent[-1] + LOCK_FOR
