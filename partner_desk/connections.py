"""A shared database chosen once and remembered on this computer, its password in the system keyring.

The connection (an SQLAlchemy URL) is kept in the person's settings without its password; the
password of a PostgreSQL login goes to the system keyring (`keyring`: the Secret Service on Linux,
Keychain on macOS, the Credential Locker on Windows), under the service `partner-desk` and the
login's `user@host:port/database`. Where no keyring backend exists, nothing is stored in plain text:
`store_password` says so, and libpq's own password file (`~/.pgpass`) or a service file
(`~/.pg_service.conf`) gives the password instead (docs/team.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL, make_url

try:
    import keyring
    from keyring.backends import fail
except ImportError:  # a build without the keyring package: no keyring, as on a system without one
    keyring = None  # type: ignore[assignment]

from partner_desk.store.engine import resolve_url

SERVICE = "partner-desk"
NO_KEYRING = ("no system keyring is available here, so the password was not stored: put it in ~/.pgpass "
              "(or a libpq service file) instead, as docs/team.md shows")


class BadConnection(ValueError):
    """A connection that cannot be remembered as given."""


def parsed(url: str) -> URL:
    try:
        return make_url(resolve_url(url.strip()))
    except Exception as exc:  # SQLAlchemy's own error for a malformed URL
        raise BadConnection(f"'{url}' is not a database URL ({exc})") from None


def login(url: str) -> str:
    """The key a login's password is kept under: "partner_desk@db.example.com:5432/partner_desk"."""
    u = parsed(url)
    return f"{u.username or ''}@{u.host or ''}:{u.port or 5432}/{u.database or ''}"


def is_postgresql(url: str) -> bool:
    return parsed(url).get_backend_name() == "postgresql"


def without_password(url: str) -> str:
    """The URL to remember: everything but the password."""
    return parsed(url)._replace(password=None).render_as_string(hide_password=False)


def _keyring() -> Any:
    """The keyring module with a usable backend, or None."""
    if keyring is None:
        return None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return None
    return keyring


def has_keyring() -> bool:
    return _keyring() is not None


def store_password(url: str, password: str) -> str | None:
    """Keep the login's password in the keyring; None when done, else why it was not stored."""
    ring = _keyring()
    if ring is None:
        return NO_KEYRING
    try:
        ring.set_password(SERVICE, login(url), password)
    except Exception as exc:  # a locked or refusing keyring
        return f"the system keyring refused the password ({exc}): {NO_KEYRING.split(': ', 1)[1]}"
    return None


def forget_password(url: str) -> None:
    ring = _keyring()
    if ring is None:
        return
    try:
        ring.delete_password(SERVICE, login(url))
    except Exception:  # nothing was stored
        return


def with_password(url: str) -> str:
    """The remembered URL with its password from the keyring, when one is kept there (else as it is:
    libpq then looks in ~/.pgpass or the service file)."""
    if not is_postgresql(url) or parsed(url).password:
        return url  # a password written in the URL itself (--db, PARTNER_DESK_DB) is used as given
    ring = _keyring()
    secret = None
    if ring is not None:
        try:
            secret = ring.get_password(SERVICE, login(url))
        except Exception:  # a locked keyring: libpq's own files may still hold it
            secret = None
    if not secret:
        return url
    return parsed(url).set(password=secret).render_as_string(hide_password=False)
