"""Errors a user can cause, carrying a message meant for people."""

from __future__ import annotations


class UserError(Exception):
    """A refusal caused by input or state the user controls; its message is shown as is."""


class MissingRates(UserError):
    """Exchange rates needed for a computation are not known."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = sorted(set(missing))
        listed = ", ".join(f"{cur} on {day}" for cur, day in self.missing)
        super().__init__(f"missing exchange rate: {listed}")


class AmountTooLarge(UserError):
    """A computed amount is beyond what the database stores (64-bit minor units)."""
