"""The marker of English words the product itself writes and shows translated.

`N_` marks a string for the translation template and returns it unchanged: the domain keeps its
defaults in English (a default benefit's name is stored as written here), and the window and the
statements translate them while they are unchanged. `partner_desk.i18n` exports this same marker.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_`."""
    return message
