"""Payout accounts: the company's own account that bank transfers are paid from, and the payout
details each agency used last, offered again when it next asks for a payout."""

from __future__ import annotations

from schwifty import BIC
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select
from sqlalchemy.orm import Session

from partner_desk.domain.payout_details import iban_texts
from partner_desk.domain.payouts import Debtor
from partner_desk.domain.refusals import Refusal, Said
from partner_desk.domain.roles import Action, Actor
from partner_desk.domain.withdrawals import Status
from partner_desk.refusal_text import Refused
from partner_desk.services import audit
from partner_desk.services.guard import guarded
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Setting, Withdrawal

NAME_KEY, IBAN_KEY, BIC_KEY = "payout_company_name", "payout_company_iban", "payout_company_bic"
SETTING = "payout account"


def debtor(session: Session) -> Debtor | None:
    """The company's payout account from the settings, or None while any part of it is not set."""
    values = {s.key: s.value for s in session.scalars(select(Setting).where(
        Setting.key.in_((NAME_KEY, IBAN_KEY, BIC_KEY))))}
    if not all(values.get(k) for k in (NAME_KEY, IBAN_KEY, BIC_KEY)):
        return None
    return Debtor(values[NAME_KEY], values[IBAN_KEY], values[BIC_KEY])


def company_account(db: Database) -> Debtor | None:
    """The company's payout account, or None while it is not set."""
    with db.read() as session:
        return debtor(session)


def set_company_account(db: Database, actor: Actor, name: str, iban: str, bic: str) -> Debtor:
    """Set the account bank transfers are paid from (admin): the company's name as its bank knows
    it, a valid IBAN in the SEPA zone and the bank's BIC."""
    with guarded(db, actor, Action.SETTINGS, SETTING) as act:
        account = _checked(name, iban, bic)
        session = act.session
        before = debtor(session)
        for key, value in ((NAME_KEY, account.name), (IBAN_KEY, account.iban), (BIC_KEY, account.bic)):
            found = session.get(Setting, key)
            if found is None:
                session.add(Setting(key=key, value=value))
            else:
                found.value = value
        audit.record(session, actor, Action.SETTINGS, SETTING,
                     before=None if before is None else _as_dict(before), after=_as_dict(account))
        return account


def _checked(name: str, iban: str, bic: str) -> Debtor:
    holder = " ".join(name.split())
    if not holder:
        raise Refused(Refusal("account_holder"))
    found = iban_texts(iban.strip())
    compact = "".join(iban.split()).upper()
    if len(found) != 1 or found[0].compact != compact:
        raise Refused(Refusal("not_an_iban", {"text": iban.strip()}))
    if not found[0].valid:
        raise Refused(Refusal("iban_invalid", {"iban": found[0].written, "problem": Said(found[0].problem or "")}))
    if not found[0].in_sepa_zone:
        raise Refused(Refusal("iban_outside_sepa", {"iban": found[0].formatted}))
    try:
        code = str(BIC("".join(bic.split()).upper()))
    except SchwiftyException as exc:
        raise Refused(Refusal("not_a_bic", {"text": bic.strip(), "detail": Said(str(exc))})) from None
    return Debtor(holder, compact, code)


def _as_dict(account: Debtor) -> dict[str, str]:
    return {"name": account.name, "iban": account.iban, "bic": account.bic}


def last_payout_details(db: Database, code: str) -> dict[str, str]:
    """The payout details of the agency's newest request of each method (rejected requests left out,
    their details may be why), as {method: details}."""
    with db.read() as session:
        rows = session.execute(
            select(Withdrawal.method, Withdrawal.details)
            .join(Agency, Agency.id == Withdrawal.agency_id)
            .where(Agency.code == code, Withdrawal.status != Status.REJECTED.value)
            .order_by(Withdrawal.id.desc())
        )
        found: dict[str, str] = {}
        for method, details in rows:
            found.setdefault(method, details)
        return found
