"""The compiled catalogs (.mo, committed beside their .po sources) are current: `make catalogs`."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"


def _from_po(path: Path) -> dict[object, str]:
    """What a compiled catalog of `path` holds: each translated, non-fuzzy message."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found: dict[object, str] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, str):
            if m.string:
                found[m.id] = str(m.string)
        elif all(m.string):
            found.update({(m.id[0], i): text for i, text in enumerate(m.string)})
    return found


def test_every_catalog_is_compiled_and_current() -> None:
    sources = sorted(LOCALE.glob("*/LC_MESSAGES/partner_desk.po"))
    assert sources, "no catalog under resources/locale"
    for po in sources:
        mo = po.with_suffix(".mo")
        assert mo.is_file(), f"{mo} is missing: run 'make catalogs'"
        with mo.open("rb") as handle:
            compiled = dict(gettext.GNUTranslations(handle)._catalog)
        compiled.pop("", None)  # the header
        assert compiled == _from_po(po), f"{mo} is older than its .po: run 'make catalogs'"
