"""The field a person picks a day in for an action (a payout's paid-on day, an accepted offer).

It offers the days the rules allow and no others: from the first day the product works in
(`domain/bounds.py`) to today by the product's clock (`domain/dates.py`: a chosen date is never after
today). Whether the day lies in a posted month is the service's to say, with its reason.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from partner_desk.domain.bounds import FIRST_DAY
from partner_desk.i18n import qt_day_format


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def chosen_day_field(today: date, parent: QWidget | None = None) -> QDateEdit:
    """A calendar field showing `today`, the latest day it offers; the earliest is FIRST_DAY."""
    field = QDateEdit(qdate(today), parent)
    field.setCalendarPopup(True)
    field.setDisplayFormat(qt_day_format())
    field.setMinimumDate(qdate(FIRST_DAY))
    field.setMaximumDate(qdate(today))
    return field


def picked_day(field: QDateEdit) -> date:
    chosen = field.date()
    return date(chosen.year(), chosen.month(), chosen.day())
