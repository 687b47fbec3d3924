"""What the window keeps on this computer (Qt settings): its size, last page, language, and the like."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "PartnerDesk"
APPLICATION = "Partner Desk"


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def remembered_flag(key: str, default: bool) -> bool:
    """A yes/no the window remembers on this computer (`default` until it is first set)."""
    value = settings().value(key, default)
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1")


def remember_flag(key: str, value: bool) -> None:
    settings().setValue(key, value)


def remembered_text(key: str) -> str:
    value = settings().value(key, "")
    return value if isinstance(value, str) else ""


def remember_text(key: str, value: str) -> None:
    settings().setValue(key, value)
