"""Typed refusals: what a rule says when it refuses, as a code and its values, not as a sentence.

A rule returns `Refusal(code, params)`; `partner_desk/refusal_text.py` holds the one template of each
code and writes it in English (the command line, `--json`, the audit trail) or in the window's language.
The values keep their types (an amount with its currency as `Money`, a dollar worth as `Dollars`, a
day as a `date`, a role as a `Role`, an action as an `Action`) so that each language writes them its
own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any


@dataclass(frozen=True, slots=True)
class Dollars:
    """A worth in US dollars, exact (a Fraction when it came from a division), written "$100.00"."""

    value: Decimal | Fraction


@dataclass(frozen=True, slots=True)
class Count:
    """A count written with grouped digits: "131,072" in English, "131 072" in Ukrainian."""

    value: int


@dataclass(frozen=True, slots=True)
class Said:
    """Words another library said in English (a codec's or the operating system's reason): written as
    they are in English, translated in the window when the catalog knows them."""

    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """A code the product stores (a table, a field, an audit action, a ledger entry's kind, a state),
    of a `kind`: written as it is in English, by its name in the window (`partner_desk/names.py`)."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A value as a table or an audit record holds it (a text, a number, a flag, nothing), of the field
    `kind` names when it is a code ("status", "role", "method") or an amount written as text
    ("figure"): written as Python writes it in English ('pending', True, None); in the window quoted,
    named when it is a code, as a number when it is an amount."""

    value: Any
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """An amount written without its currency, with the currency's decimals: "1,234.50" in English,
    "1 234,50" in Ukrainian."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Minute:
    """A moment to the minute, in UTC: "2026-11-18 09:15 UTC" in English, the window's way in UTC."""

    moment: datetime


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a rule refuses: a stable code (also given in JSON beside the text) and its values."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))


class ValueRefused(ValueError):
    """A value that cannot be read (a number, an amount, a date, a period), with its typed reason.

    Its message is the reason's English text, as the command line prints it; `refusal_text` words the
    same reason in the window's language (a test keeps the two texts equal)."""

    def __init__(self, message: str, refusal: Refusal) -> None:
        super().__init__(message)
        self.refusal = refusal
