"""Where a payout goes: the IBAN, BIC or PayPal e-mail written in a request's payout details.

A request's details are free text ("IBAN DE89 3704 0044 0532 0130 00, Commerzbank, BIC COBADEFFXXX").
An *IBAN-looking* text is a word that starts with the two letters of a country that has IBANs and
two check digits, followed by letters and digits (written compact, or in groups of four separated
by single spaces) that make exactly as many characters as that country's IBANs have. It is checked
with schwifty: check digits, the national account structure (and the national checksum where
schwifty knows it). Texts of another length, such as "UA21 3223", are not taken for an IBAN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    InvalidStructure,
    SchwiftyException,
)
from schwifty.registry import get_iban_spec

from partner_desk.domain.refusals import Count, Refusal, Said

SHORTEST_IBAN = 15
LONGEST_IBAN = 34
_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
_RUN = re.compile(r"[A-Za-z0-9]+")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BIC = re.compile(r"\b(?:BIC|SWIFT)(?:\s*/\s*(?:BIC|SWIFT))?(?:\s+code)?\s*[:#]?\s*([A-Za-z0-9]{8,11})\b",
                  re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IbanText:
    """An IBAN-looking text found in payout details, and whether it is a valid IBAN."""

    written: str  # as written, spaces kept
    compact: str  # upper case, without spaces, cut at the country's IBAN length
    problem: str | None  # None for a valid IBAN

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def formatted(self) -> str:
        """In groups of four, as printed on paper: "DE89 3704 0044 0532 0130 00"."""
        return " ".join(self.compact[i:i + 4] for i in range(0, len(self.compact), 4))

    @property
    def in_sepa_zone(self) -> bool:
        """Whether the account's country takes SEPA credit transfers."""
        return self.valid and bool(IBAN(self.compact).in_sepa_zone)


def _groups(text: str, start: int) -> tuple[str, int]:
    """The letters and digits from `start` on, compact or in groups of four with single spaces between
    them (the last group may be shorter); and where the text ends."""
    first = _RUN.match(text, start)
    assert first is not None
    compact, end = first.group(), first.end()
    last = first.group()
    while len(last) == 4 and len(compact) < LONGEST_IBAN + 4 and text[end:end + 1] == " ":
        following = _RUN.match(text, end + 1)
        if following is None or len(following.group()) > 4:
            break
        last = following.group()
        compact += last
        end = following.end()
    return compact.upper(), end


def iban_texts(details: str) -> list[IbanText]:
    """Every IBAN-looking text in `details`, in order, each checked."""
    found: list[IbanText] = []
    position = 0
    while (match := _START.search(details, position)) is not None:
        compact, end = _groups(details, match.start())
        written = details[match.start():end]
        candidate = _candidate(written, compact)
        if candidate is None:
            position = match.end()
            continue
        found.append(candidate)
        position = end
    return found


def _candidate(written: str, compact: str) -> IbanText | None:
    """The IBAN-looking text that starts `written`, checked; None when it is not shaped like an IBAN of its
    country (too short, too long, or a country without IBANs)."""
    try:
        expected = int(get_iban_spec(compact[:2]).iban_length)
    except (InvalidCountryCode, KeyError):
        return None
    if len(compact) < max(expected, SHORTEST_IBAN):
        return None
    if len(compact) > expected:
        # an IBAN followed by a short word written like a group of four: the IBAN ends a group
        if not _ends_a_group(written, expected):
            return None
        written, compact = _prefix(written, expected), compact[:expected]
    return IbanText(written.strip(), compact, _problem(compact))


def _index_of(written: str, count: int) -> int | None:
    """Where the `count`-th letter or digit of `written` stands; None when it has fewer."""
    seen = 0
    for index, char in enumerate(written):
        if char.isalnum():
            seen += 1
            if seen == count:
                return index
    return None


def _ends_a_group(written: str, count: int) -> bool:
    index = _index_of(written, count)
    return index is not None and written[index + 1:index + 2] in ("", " ")


def _prefix(written: str, count: int) -> str:
    index = _index_of(written, count)
    return written if index is None else written[:index + 1]


def _problem(compact: str) -> str | None:
    """Why `compact` is not a valid IBAN, in words; None when it is."""
    try:
        IBAN(compact)
    except InvalidChecksumDigits:
        return "its check digits are wrong"
    except InvalidBBANChecksum:
        return "its national check digits are wrong"
    except InvalidLength:
        return "its length is wrong for its country"
    except InvalidStructure:
        return "its account number does not have its country's format"
    except SchwiftyException as exc:
        return str(exc)
    return None


def iban_refusals(details: str) -> list[Refusal]:
    """Why the IBANs written in payout details cannot be used (empty when every one is valid)."""
    return [Refusal("iban_in_details", {"iban": t.written, "problem": Said(t.problem or "")})
            for t in iban_texts(details) if not t.valid]


def find_iban(details: str) -> IbanText | None:
    """The first IBAN-looking text in the details (valid or not), or None."""
    found = iban_texts(details)
    return found[0] if found else None


def find_bic(details: str) -> str | None:
    """A BIC written after "BIC" or "SWIFT" in the details, when it is a well-formed one."""
    for match in _BIC.finditer(details):
        try:
            return str(BIC(match.group(1).upper()))
        except SchwiftyException:
            continue
    return None


def emails(details: str) -> list[str]:
    """Every distinct e-mail address written in the details, in order (compared without case)."""
    seen: dict[str, str] = {}
    for match in _EMAIL.finditer(details):
        address = match.group().rstrip(".")
        seen.setdefault(address.lower(), address)
    return list(seen.values())


def email_problem(details: str) -> Refusal | None:
    """Why no single PayPal e-mail address can be read from the details; None when one can."""
    found = emails(details)
    if not found:
        return Refusal("no_email")
    if len(found) > 1:
        return Refusal("many_emails", {"count": Count(len(found)), "emails": Said(", ".join(found))})
    return None
