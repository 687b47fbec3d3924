"""Agencies: code, name, currency, offer_accepted_at?, manager?, language?"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from partner_desk.domain.languages import parse_language
from partner_desk.domain.refusals import Refusal, ValueRefused
from partner_desk.files.table import RowSource
from partner_desk.services.imports.common import ImportContext, ImportSummary
from partner_desk.services.imports.fields import RowReader
from partner_desk.store.models import Agency

COLUMNS = ("code", "name", "currency")
OPTIONAL = ("offer_accepted_at", "manager", "language")


def load(ctx: ImportContext, source: RowSource, summary: ImportSummary) -> None:
    existing = {a.code: a for a in ctx.session.scalars(select(Agency))}
    seen: dict[str, tuple[int, tuple[object, ...]]] = {}
    for number, cells in source:
        summary.rows += 1
        row = ctx.row(number, cells)
        code = row.text("code", max_length=32)
        name = row.text("name")
        currency = row.currency()
        accepted = row.moment("offer_accepted_at", ctx.tz, required=False)
        manager = row.text("manager", required=False, max_length=64)
        language = _language(row)
        if not row.ok or code is None or name is None or currency is None:
            continue
        content = (name, currency, accepted, manager, language)
        if code in seen:
            if seen[code][1] != content:
                row.fail("code", Refusal("listed_again", {"id": code, "row": seen[code][0]}))
            continue
        seen[code] = (number, content)
        known = existing.get(code)
        if known is None:
            ctx.session.add(
                Agency(code=code, name=name, currency=currency, offer_accepted_at=accepted, manager=manager,
                       language=language)
            )
            summary.added += 1
            continue
        if _same(known, name, currency, accepted, manager, language, row):
            # what an export may add: an offer accepted since the last import, a language not yet set
            fill_offer = accepted is not None and known.offer_accepted_at is None
            fill_language = language is not None and known.language is None
            if fill_offer:
                known.offer_accepted_at = accepted
            if fill_language:
                known.language = language
            if fill_offer or fill_language:
                summary.updated += 1
            else:
                summary.known += 1


def _language(row: RowReader) -> str | None:
    text = row.text("language", required=False, max_length=16)
    if text is None:
        return None
    try:
        return parse_language(text)
    except ValueRefused as exc:
        row.fail("language", exc.refusal)
        return None


def _same(known: Agency, name: str, currency: str, accepted: datetime | None, manager: str | None,
          language: str | None, row: RowReader) -> bool:
    same = True
    if known.name != name:
        row.fail("name", Refusal("agency_known_as", {"agency": known.code, "name": known.name}))
        same = False
    if known.currency != currency:
        row.fail("currency", Refusal("agency_known_currency", {"agency": known.code, "currency": known.currency}))
        same = False
    if accepted is not None and known.offer_accepted_at is not None and known.offer_accepted_at != accepted:
        row.fail("offer_accepted_at", Refusal("agency_accepted_at", {"agency": known.code,
                                                           "moment": known.offer_accepted_at}))
        same = False
    if manager is not None and (known.manager or None) != manager:
        row.fail("manager", Refusal("agency_known_manager", {"agency": known.code, "manager": known.manager or ""}))
        same = False
    if language is not None and known.language is not None and known.language != language:
        row.fail("language", Refusal("agency_language_known", {"agency": known.code, "code": known.language}))
        same = False
    return same
