"""Agency actions of the agency page: benefit fulfilment and the partner offer's acceptance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.dates import future_refusal
from partner_desk.domain.errors import UserError
from partner_desk.domain.periods import local_date, start_of_day, today_in
from partner_desk.domain.refusals import Refusal
from partner_desk.domain.rewards import Fulfilment
from partner_desk.domain.roles import Action, Actor
from partner_desk.refusal_text import Refused
from partner_desk.services import audit
from partner_desk.services.guard import guarded
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Benefit, BenefitState
from partner_desk.store.queries import company_tz


def _agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise Refused(Refusal("unknown_agency", {"agency": code}))
    return agency


def set_benefit_state(db: Database, actor: Actor, code: str, benefit_id: int, state: Fulfilment | str,
                      note: str | None = None) -> None:
    """Record a benefit's fulfilment for an agency (offered, in progress, delivered); the history
    keeps every change, the latest is the current state."""
    obj = f"{code}:benefit {benefit_id}"
    with guarded(db, actor, Action.BENEFIT_UPDATE, obj) as act:
        try:
            wanted = Fulfilment(str(state).strip().lower().replace(" ", "_"))
        except ValueError:
            raise UserError(f"'{state}' is not a fulfilment state "
                            f"({', '.join(s.value for s in Fulfilment)})") from None
        session = act.session
        agency = _agency(session, code)
        benefit = session.get(Benefit, benefit_id)
        if benefit is None:
            raise Refused(Refusal("unknown_benefit", {"benefit": benefit_id}))
        before = session.scalar(select(BenefitState.state)
                                .where(BenefitState.agency_id == agency.id,
                                       BenefitState.benefit_id == benefit_id)
                                .order_by(BenefitState.id.desc()).limit(1))
        if before == wanted.value:
            return
        session.add(BenefitState(agency_id=agency.id, benefit_id=benefit_id, state=wanted.value,
                                 note=note or None, changed_by=actor.name))
        audit.record(session, actor, Action.BENEFIT_UPDATE, obj,
                     before={"benefit": benefit.name, "state": before},
                     after={"benefit": benefit.name, "state": wanted.value, "note": note or None})


def accept_offer(db: Database, actor: Actor, code: str, on: date | None = None) -> datetime:
    """Record that the agency accepted the partner offer on `on` (today by default); an acceptance
    already recorded is not changed, and a day after today (or outside 2000-2099) is refused. A day
    in a posted month is allowed: the acceptance moves no money."""
    with guarded(db, actor, Action.OFFER_ACCEPT, code) as act:
        session = act.session
        agency = _agency(session, code)
        tz = company_tz(session)
        today = today_in(tz)
        day = on or today
        # a date the person chose: within the product's years, and never after today
        problem = future_refusal(day, today, "the acceptance date")
        if problem is not None:
            raise Refused(problem)
        if agency.offer_accepted_at is not None:
            raise Refused(Refusal("offer_accepted_already", {"agency": code,
                                                             "day": local_date(agency.offer_accepted_at, tz)}))
        moment = start_of_day(day, tz)
        agency.offer_accepted_at = moment
        audit.record(session, actor, Action.OFFER_ACCEPT, code, before={"offer_accepted_at": None},
                     after={"offer_accepted_at": day.isoformat()})
        return moment
