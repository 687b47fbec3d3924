"""The window's colours, each chosen once: red for what is negative, refused or wrong, amber for what
needs attention (late, missing, a note), green for what is in order, grey for what is muted. Tables
take the `QColor`s, labels the style sheets."""

from __future__ import annotations

from PySide6.QtGui import QColor

RED_HEX = "#b00020"
AMBER_HEX = "#8a5a00"
GREEN_HEX = "#1b6e20"
GREY_HEX = "#777777"

NEGATIVE = QColor(RED_HEX)
ATTENTION = QColor(AMBER_HEX)
MUTED = QColor(GREY_HEX)

RED = f"color: {RED_HEX};"
AMBER = f"color: {AMBER_HEX};"
GREEN = f"color: {GREEN_HEX};"
