"""What the window keeps on this computer (Qt settings): its size, last page, language, and the like."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "PartnerDesk"
APPLICATION = "Partner Desk"


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)
