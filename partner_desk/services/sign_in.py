"""Signing in (SPEC section 8): Argon2id passwords, refusals and locking after failed sign-ins.

Passwords are stored only as Argon2id hashes, whose parameters travel inside the hash; a hash made
with other parameters than `HASHER`'s is made again at the next sign-in. Five failed sign-ins within
fifteen minutes lock the account for fifteen minutes (`domain.accounts`); the lock, like every
failed sign-in, is an audit record, and an admin can lift it (`users.unlock`).
"""

from __future__ import annotations

import json
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partner_desk.domain.accounts import locked_until
from partner_desk.domain.refusals import Minute, Refusal
from partner_desk.domain.roles import Action, Actor, Role
from partner_desk.refusal_text import english, recorded
from partner_desk.services import audit
from partner_desk.services.authority import Refused, password_digest
from partner_desk.store.engine import Database
from partner_desk.store.models import AuditRecord, User
from partner_desk.store.types import utc_now

# Argon2id with argon2-cffi's recommended cost (RFC 9106's second recommendation)
HASHER = PasswordHasher()
_dummy_hash: dict[str, str] = {}


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return bool(HASHER.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    key = repr(HASHER)
    if key not in _dummy_hash:
        _dummy_hash[key] = HASHER.hash("not a password of anyone")
    return _dummy_hash[key]


def lock_state(session: Session, name: str, now: datetime) -> tuple[datetime | None, list[datetime]]:
    """Until when the account is locked (None: it is not), and its failed sign-ins since its last
    lock or unlock, oldest first."""
    last_lock = session.execute(
        select(AuditRecord.id, AuditRecord.after).where(AuditRecord.action == "users.lock",
                                                        AuditRecord.object == name)
        .order_by(AuditRecord.id.desc()).limit(1)).first()
    last_unlock = session.scalar(
        select(func.max(AuditRecord.id)).where(AuditRecord.action == "users.unlock", AuditRecord.object == name,
                                               AuditRecord.outcome == "ok"))
    since = max(last_lock[0] if last_lock else 0, last_unlock or 0)
    until: datetime | None = None
    if last_lock is not None and (last_unlock is None or last_unlock < last_lock[0]):
        stated = datetime.fromisoformat(json.loads(last_lock[1] or "{}").get("until", "1970-01-01T00:00:00+00:00"))
        until = stated if stated > now else None
    failures = list(session.scalars(
        select(AuditRecord.at).where(AuditRecord.action == "sign_in", AuditRecord.object == name,
                                     AuditRecord.outcome == "refused", AuditRecord.id > since)
        .order_by(AuditRecord.id)))
    return until, failures


def sign_in(db: Database, name: str, password: str) -> Actor:
    """The actor for a name and password. Refused, and recorded: an unknown name, a wrong password,
    a deactivated or locked account. An unknown name costs one hash check too, so the answer's
    timing does not tell which names exist."""
    now = utc_now()
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == name))
        until = lock_state(session, name, now)[0] if user is not None else None
    if until is not None:
        refusal = Refusal("sign_in_locked", {"user": name, "until": Minute(until)})
        _refused(db, name, "sign_in.locked", refusal)
        raise Refused(refusal)
    ok = check_password(user.password_hash if user is not None else _dummy(), password)
    if not ok or user is None:
        refusal = Refusal("sign_in_failed", {"user": name})
        with db.write() as session:
            audit.record(session, Actor(name, None), "sign_in", name, outcome="refused", message=english(refusal),
                         reason=recorded(Refused(refusal)))
            if user is not None:
                locked = locked_until(lock_state(session, name, now)[1], now)
                if locked is not None:
                    audit.record(session, Actor(name, None), "users.lock", name,
                                 after={"until": locked.isoformat()},
                                 message="locked after repeated failed sign-ins")
                    refusal = Refusal("sign_in_failed_locked", {"user": name, "until": Minute(locked)})
        raise Refused(refusal)
    if not user.active:
        refusal = Refusal("sign_in_inactive", {"user": name})
        _refused(db, name, "sign_in.inactive", refusal)
        raise Refused(refusal)
    actor = Actor(user.name, Role.parse(user.role))
    if HASHER.check_needs_rehash(user.password_hash):
        _rehash(db, actor, password)
    return actor


def _refused(db: Database, name: str, action: str, refusal: Refusal) -> None:
    with db.write() as session:
        audit.record(session, Actor(name, None), action, name, outcome="refused", message=english(refusal),
                     reason=recorded(Refused(refusal)))


def _rehash(db: Database, actor: Actor, password: str) -> None:
    """Store the password again with the current Argon2 parameters."""
    fresh = HASHER.hash(password)
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == actor.name))
        if user is None or not HASHER.check_needs_rehash(user.password_hash):
            return
        audit.record(session, actor, Action.USERS_REHASH, actor.name,
                     before={"password": password_digest(user.password_hash)},
                     after={"password": password_digest(fresh)},
                     message="password hash upgraded to the current Argon2id parameters")
        user.password_hash = fresh
