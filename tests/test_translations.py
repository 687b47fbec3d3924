"""Every user-visible string is marked, is in the translation template, and every catalog translates
all of them, keeping their placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.gui_strings import unmarked, unmarked_in

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
TEMPLATE = LOCALE / "partner_desk.pot"
UKRAINIAN = LOCALE / "uk" / "LC_MESSAGES" / "partner_desk.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# str.format fields ({name}, {n:,}), printf conversions (%s, %(name)s)
PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})|%\([^)]+\)[a-z]|%[sdifr]")


def _in_code() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "partner_desk", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _translated(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(forms) and all(forms) and not message.fuzzy


def _catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/partner_desk.po"))


def test_the_template_lists_every_string_the_code_translates() -> None:
    in_code = _in_code()
    in_template = {_key(m) for m in _read(TEMPLATE) if m.id}
    assert len(in_code) > 300  # the window, the statements and their messages
    assert in_code - in_template == set(), "run 'make messages' to refresh the template"
    assert in_template - in_code == set(), "run 'make messages' to refresh the template"


def test_every_catalog_translates_every_string() -> None:
    assert UKRAINIAN in _catalogs()
    template = {_key(m) for m in _read(TEMPLATE) if m.id}
    for po in _catalogs():
        catalog = _read(po)
        done = {_key(m) for m in catalog if m.id and _translated(m)}
        missing = sorted(template - done)
        assert missing == [], f"{po.parent.parent.name}: {len(missing)} strings untranslated, e.g. {missing[:5]}"


def test_ukrainian_plurals_have_their_three_forms() -> None:
    catalog = _read(UKRAINIAN)
    assert catalog.num_plurals == 3
    plurals = [m for m in catalog if m.id and m.pluralizable]
    assert plurals, "the window counts things: some messages are plural"
    for m in plurals:
        assert len(m.string) == 3, m.id
        assert all(m.string), m.id


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_translations_keep_the_placeholders_of_the_original() -> None:
    assert _placeholders("{n} of {total}, %s and %(name)s, not {{braces}}") == ["%(name)s", "%s", "{n}", "{total}"]
    for po in _catalogs():
        for m in _read(po):
            if not m.id or not _translated(m):
                continue
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            forms = [m.string] if isinstance(m.string, str) else list(m.string)
            # a plural's forms each carry what either English form carries (Ukrainian's "one" form
            # also serves 21, 31...: it needs the count)
            wanted = sorted(set(_placeholders(" ".join(ids))))
            for form in forms:
                assert sorted(set(_placeholders(form))) == wanted, f"{po.parent.parent.name}: {m.id!r} -> {form!r}"


def test_the_scan_finds_unmarked_text() -> None:
    source = '''
label = QLabel("Balance")
button.setToolTip(f"{count} agencies")
box.addItem(_("All"), "all")
table.setHorizontalHeaderLabels([_("Date"), "Amount"])
warn(self, "Something failed: " + str(error))
fine = QLabel(_("Balance: {amount}").format(amount=shown))
log.warning("no catalog in %s", folder)
heading = QLabel(f"<b>{title}</b>")
'''
    assert [line.split(": ", 1)[1] for line in unmarked(source)] == [
        "QLabel('Balance')", "setToolTip('{} agencies')", "setHorizontalHeaderLabels('Amount')",
        "warn('Something failed: ')",
    ]


def test_every_string_the_window_shows_is_marked_for_translation() -> None:
    assert unmarked_in(ROOT / "partner_desk" / "gui") == []


def test_an_error_the_window_shows_is_worded_in_its_language() -> None:
    """A refusal's own text is its English (the command line's); a page that shows an error shows
    `shown_error(exc)`, which words a typed refusal in the window's language."""
    raw = re.compile(r"\.(?:setText|setToolTip|show_error|_say)\(\s*str\(exc\)")
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "partner_desk" / "gui").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if raw.search(line)]
    assert found == []
