"""Errors a user can cause, carrying a message meant for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partner_desk.domain.periods import Period
    from partner_desk.domain.refusals import Refusal


class UserError(Exception):
    """A refusal caused by input or state the user controls; its message is shown as is."""


class MissingRates(UserError):
    """Exchange rates needed for a computation are not known."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = sorted(set(missing))
        listed = ", ".join(f"{cur} on {day}" for cur, day in self.missing)
        super().__init__(f"missing exchange rate: {listed}")


class AmountTooLarge(UserError):
    """A computed amount is beyond what the database stores (64-bit minor units). Its message is the
    English of `refusal` (`too_large_to_store`), which the window words in its language."""

    def __init__(self, message: str, refusal: Refusal) -> None:
        super().__init__(message)
        self.refusal = refusal


@dataclass(frozen=True)
class PeriodNote:
    """A period a page could not preview, and why: its English is `str(note)` ("2026-11: missing
    exchange rate: PLN on 2026-11-20"); the window words it in its language (refusal_text.shown_note)."""

    period: Period
    error: UserError

    def __str__(self) -> str:
        return f"{self.period}: {self.error}"
