"""The compiled catalogs are committed beside their sources, so every way of installing finds them:
each .mo must say exactly what its .po says (`make catalogs` compiles them again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from partner_desk import i18n

LOCALE = Path(__file__).resolve().parent.parent / "resources" / "locale"
SOURCES = sorted(LOCALE.glob("*/LC_MESSAGES/partner_desk.po"))


def _translations(catalog: Catalog) -> dict[Any, Any]:
    """msgid -> msgstr of every message a compiled catalog carries (translated and not fuzzy)."""
    def plain(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id and m.string and not m.fuzzy
            and (not isinstance(m.string, list | tuple) or all(m.string))}


def test_there_is_a_ukrainian_catalog() -> None:
    assert [po.parent.parent.name for po in SOURCES] == ["uk"]


def test_each_compiled_catalog_is_current_with_its_source() -> None:
    for po in SOURCES:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run 'make catalogs'"
        with po.open("rb") as handle:
            source = read_po(handle)
        with mo.open("rb") as handle:
            compiled = read_mo(handle)
        assert _translations(compiled) == _translations(source), f"{mo} is out of date: run 'make catalogs'"
        assert compiled.plural_forms == source.plural_forms


def test_the_ukrainian_catalog_has_three_plural_forms_and_is_read_at_run_time() -> None:
    uk = i18n.translator("uk")
    assert uk.gettext("Summary") == "Зведення"
    # one, few, many: 1 and 21, 2-4 and 22-24, 5-20 and 0
    forms = [uk.ngettext("{count} connected project", "{count} connected projects", n) for n in (1, 3, 5, 21, 0)]
    assert len(set(forms)) == 3 and forms[0] == forms[3] and forms[2] == forms[4]
