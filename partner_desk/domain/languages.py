"""The languages an agency's statements are written in (SPEC section 9), and which one applies."""

from __future__ import annotations

from dataclasses import dataclass

from partner_desk.domain.refusals import Refusal, ValueRefused

# code -> the language's name in itself, as a chooser lists it
LANGUAGES: dict[str, str] = {"uk": "Українська", "en": "English"}
# the company default for agencies without a language of their own (a setting may change it):
# statements go to agencies in several countries, and English is the one every agency reads
DEFAULT_STATEMENT_LANGUAGE = "en"
# codes people write for Ukrainian that are not its ISO 639-1 code
_NEAR_MISSES = {"ua": "uk", "ukr": "uk", "eng": "en"}


@dataclass(frozen=True, slots=True)
class Language:
    """A statement language named in a refusal: by its own name in English ("Українська"), by its
    name in the window's language there."""

    code: str


def parse_language(text: str) -> str:
    """A statement language from its code, in any letter case ('EN' is 'en'); anything else is refused."""
    code = text.strip().lower()
    if code in LANGUAGES:
        return code
    written = text.strip()
    message = f"'{written}' is not a statement language: use uk or en"
    if code in _NEAR_MISSES:
        meant = _NEAR_MISSES[code]
        raise ValueRefused(f"{message} (for {LANGUAGES[meant]} write {meant})", Refusal(
            "not_a_language_near", {"text": written, "language": Language(meant), "fixed": meant}))
    raise ValueRefused(message, Refusal("not_a_language", {"text": written}))


def statement_language(chosen: str | None, agency: str | None, default: str) -> str:
    """The language of one statement: the one asked for, else the agency's own, else the default."""
    return chosen or agency or default
