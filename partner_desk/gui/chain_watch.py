"""The longest audit trail this computer has seen, per database, kept outside the database.

When the window opens it compares the database's audit chain with the head it remembers (in the
application's settings): a trail with fewer records, or whose remembered record is no longer the
same, was cut short or rewritten behind the product's back, and the window says so loudly. A trail
that grew from the remembered one is remembered instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from partner_desk.i18n import _
from partner_desk.services import audit_trail
from partner_desk.services.audit_trail import Head
from partner_desk.store.engine import Database

GROUP = "audit_heads"


def _key(url: str) -> str:
    return f"{GROUP}/{hashlib.sha256(url.encode('utf-8')).hexdigest()[:24]}"


def remembered(store: QSettings, url: str) -> Head | None:
    """The longest head seen on this computer for the database at `url`."""
    value = store.value(_key(url))
    if not value:
        return None
    try:
        return audit_trail.parse_head(str(value))
    except Exception:  # a damaged setting is as good as none
        return None


def remember(store: QSettings, url: str, head: Head) -> None:
    store.setValue(_key(url), str(head))


@dataclass(frozen=True)
class Observation:
    """The database's chain now, and the hash of its record at the remembered position."""

    head: Head
    at_remembered: str | None


def observe(db: Database, seen: Head | None) -> Observation:
    """Read the chain's head (and the remembered position's hash); runs off the GUI thread."""
    current = audit_trail.head(db)
    at = audit_trail.record_hash_at(db, seen.count) if seen is not None else None
    return Observation(current, at)


def verdict(seen: Head | None, now: Observation) -> str | None:
    """The warning to show, or None when the trail is the one seen, or grew from it."""
    if seen is None:
        return None
    if now.head.count < seen.count:
        return _("The audit trail of this database has {now} records, but this computer has seen {seen}: "
                 "records were removed behind Partner Desk's back. Do not trust its figures until an admin "
                 "has checked it (partner-desk audit --verify --expect {head}).").format(
            now=now.head.count, seen=seen.count, head=seen)
    if now.at_remembered != seen.hash:
        return _("The audit trail of this database is not the one this computer has seen: its record {n} "
                 "differs, so the trail was rewritten behind Partner Desk's back. Do not trust its figures "
                 "until an admin has checked it (partner-desk audit --verify --expect {head}).").format(
            n=seen.count, head=seen)
    return None


def settle(store: QSettings, url: str, seen: Head | None, now: Observation) -> str | None:
    """Compare, remember a trail that grew, and return the warning if there is one."""
    warning = verdict(seen, now)
    if warning is None and (seen is None or now.head.count > seen.count):
        remember(store, url, now.head)
    return warning

