"""The people and money moves of the demo data set: users of every role, project payments, withdrawals
in every state and a correction, all made through the same services a team would use.

Demo users, each with the password `partner-demo` (for trying the roles; never for real data; a
password may not contain its user's name):

    admin    admin
    finance  finance
    olena    manager
    petro    manager
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import format_amount, quantum
from partner_desk.domain.roles import SETUP, Actor, Role
from partner_desk.i18n import _
from partner_desk.services import ledger, payout_accounts, users, withdrawals
from partner_desk.services.balances import AgencyBalance, balances
from partner_desk.store.connections import connected_at
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency, Connection
from partner_desk.store.types import utc_now

# name, role and the display name the window shows instead of the name
PEOPLE: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMIN, "Taras Bondarenko"), ("finance", Role.FINANCE, "Oksana Melnyk"),
    ("olena", Role.MANAGER, "Olena Kovalenko"), ("petro", Role.MANAGER, "Petro Shevchuk"),
)


DEMO_PASSWORD = "partner-demo"


def demo_password(name: str) -> str:
    """The password of a demo user: the same for each of them."""
    return DEMO_PASSWORD


def _share(amount: Decimal, percent: int, currency: str) -> Decimal:
    """`percent` of an amount, rounded down to the currency's minor unit (never more than there is)."""
    return (amount * percent / 100).quantize(quantum(currency), rounding=ROUND_DOWN)


def _connected_project(db: Database, code: str, moment: datetime) -> str | None:
    with db.read() as session:
        return session.scalar(
            select(Connection.project_id).join(Agency, Agency.id == Connection.agency_id)
            .where(Agency.code == code, connected_at(Connection, moment))
            .order_by(Connection.project_id).limit(1)
        )


def add_people_and_money(db: Database, today: date) -> str:
    """Add the demo users (the database must have none yet) and move money on the biggest balances:
    project payments, one withdrawal in each state, one correction. Returns a summary sentence."""
    if not users.in_setup_mode(db):
        raise UserError(_("the demo users go only into a database without users"))
    actors: dict[str, Actor] = {}
    actor = SETUP
    for name, role, display_name in PEOPLE:
        actors[name] = users.add_user(db, actor, name, role, demo_password(name), display_name=display_name)
        actor = actors["admin"]
    admin, finance, olena, petro = (actors[n] for n in ("admin", "finance", "olena", "petro"))
    payout_accounts.set_company_account(db, admin, "Partner Desk Demo Ltd", "DE02 1203 0000 0000 2020 51",
                                        "BYLADEM1001")
    eligible = [b for b in balances(db, as_of=today) if b.withdrawable]  # by agency code
    moves = _withdrawals(db, today, eligible, admin, finance, olena, petro)
    paid_projects = _project_payments(db, today, eligible, olena, petro)
    corrected = ""
    if eligible:
        first = eligible[0]
        cur = first.position.currency
        amount = quantum(cur) * 1000  # 10.00 in a two-digit currency
        ledger.correct(db, admin, first.code, amount, _("goodwill credit for a late statement"))
        corrected = _(", a correction of {amount} {currency} for {agency}").format(
            amount=format_amount(amount, cur), currency=cur, agency=first.code)
    return _("users admin, finance, olena and petro (password partner-demo); {payments} project payments, "
             "{withdrawals} withdrawals ({states}){corrected}").format(
        payments=paid_projects, withdrawals=len(moves), states=", ".join(moves), corrected=corrected)


def _withdrawals(db: Database, today: date, eligible: list[AgencyBalance], admin: Actor, finance: Actor,
                 olena: Actor, petro: Actor) -> list[str]:
    """One request per state, each on its own agency while there are enough of them."""
    plan = [("paid", olena), ("approved", petro), ("pending", olena), ("rejected", petro), ("cancelled", olena)]
    done: list[str] = []
    for index, (state, requester) in enumerate(plan):
        if not eligible:
            break
        agency = eligible[index % len(eligible)]
        fresh = balances(db, agency.code, today)[0]
        if not fresh.withdrawable:
            continue
        cur = fresh.position.currency
        amount = _share(fresh.position.available, 25, cur)
        if amount <= 0:
            continue
        method, details = [("bank", "IBAN UA51 3052 9900 0002 6007 0150 0000 1"),
                           ("paypal", f"PayPal {agency.code.lower()}.payouts@example.com"),
                           ("card", "card **** 4417")][index % 3]
        view = withdrawals.request_withdrawal(db, requester, agency.code, amount, method, details, today)
        if state in ("approved", "paid"):
            withdrawals.approve(db, finance, view.id, today)
        if state == "paid":
            withdrawals.mark_paid(db, admin, view.id, f"PAYOUT-{today:%Y%m%d}-{view.id:04d}", today)
        elif state == "rejected":
            withdrawals.reject(db, finance, view.id, _("the payout details do not match the agency's contract"))
        elif state == "cancelled":
            withdrawals.cancel(db, requester, view.id)
        done.append(state)
    return done


def _project_payments(db: Database, today: date, eligible: list[AgencyBalance], olena: Actor,
                      petro: Actor) -> int:
    paid = 0
    for index, agency in enumerate(eligible[:3]):
        project = _connected_project(db, agency.code, utc_now())
        if project is None:
            continue
        fresh = balances(db, agency.code, today)[0]
        amount = _share(fresh.position.available, 10, fresh.position.currency)
        if amount <= 0:
            continue
        ledger.pay_project(db, olena if index % 2 == 0 else petro, agency.code, project, amount)
        paid += 1
    return paid
