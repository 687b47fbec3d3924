"""Every user-visible string is in the translation template, and every catalog translates all of them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "resources" / "locale" / "partner_desk.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _in_code() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "partner_desk", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _ids(path: Path) -> dict[str, bool]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id if isinstance(m.id, str) else m.id[0]: bool(m.string) for m in catalog if m.id}


def test_the_template_lists_every_string_the_code_translates() -> None:
    in_code = _in_code()
    in_template = set(_ids(TEMPLATE))
    assert len(in_code) > 300  # the window, the statements and their messages
    assert in_code - in_template == set(), "run 'make messages' to refresh the template"
    assert in_template - in_code == set(), "run 'make messages' to refresh the template"


def test_every_catalog_translates_every_string() -> None:
    template = set(_ids(TEMPLATE))
    for po in sorted((ROOT / "resources" / "locale").glob("*/LC_MESSAGES/partner_desk.po")):
        translated = _ids(po)
        missing = sorted(msg for msg in template if not translated.get(msg))
        assert missing == [], f"{po.parent.parent.name}: {len(missing)} strings untranslated"
