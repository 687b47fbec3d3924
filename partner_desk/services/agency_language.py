"""The language an agency's statements are written in: set on the agency page (SPEC section 9)."""

from __future__ import annotations

from sqlalchemy import select

from partner_desk.domain.languages import parse_language
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.roles import Action, Actor
from partner_desk.refusal_text import Refused, read
from partner_desk.services import audit
from partner_desk.services.guard import guarded
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency

ACTION = Action.AGENCY_LANGUAGE


def set_agency_language(db: Database, actor: Actor, code: str, language: str | None) -> str | None:
    """Write the agency's statements in `language` ('uk' or 'en'); None leaves it to the company
    default. Returns the language stored; a change is audited, setting the same one changes nothing."""
    with guarded(db, actor, ACTION, code) as act:
        wanted = read(parse_language, language) if language is not None and language.strip() else None
        session = act.session
        agency = session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise Refused(Refusal("unknown_agency", {"agency": code}))
        before = agency.language
        if before == wanted:
            return wanted
        agency.language = wanted
        audit.record(session, actor, ACTION, code, before={"language": before}, after={"language": wanted})
        return wanted
