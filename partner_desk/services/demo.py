"""A realistic demo data set, built through the same imports and postings a team would use.

`build_demo` writes agencies, projects, rates and payments as CSV files, imports them with the
import service, and posts every ended month in order, so the demo exercises the real path. The
data is seeded: the same `today` always gives the same database.

What it holds, for the six months before today's month and the running month so far:

- agencies in seven partner currencies (JPY without a minor unit, KWD with three), some having
  accepted the partner offer, each with a personal manager; one size band per commission level,
  so agencies land on every level and the biggest reach both reward levels;
- 200 projects, some moved between agencies mid-month, some disconnected, plus a few payers that
  were never connected to any agency;
- every service kind, full and partial refunds (some in a later month), daily rates for every
  currency, and payments imported after their month was posted, accrued late the next month.

The build is a list of steps (`STEPS`) over one `DemoBuild`; a step may add notes to the summary.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select

from partner_desk.domain.errors import UserError
from partner_desk.domain.money import USD, format_amount, from_minor, minor_digits
from partner_desk.domain.periods import Period, today_in
from partner_desk.domain.roles import SETUP, Actor
from partner_desk.i18n import _
from partner_desk.services.accruals import post_period
from partner_desk.services.demo_data import (
    AGENCY_NAMES,
    BASE_RATES,
    CLIENT_KINDS,
    CLIENT_PREFIXES,
    MANAGERS,
    PARTNER_CURRENCIES,
    SIZE_BANDS,
)
from partner_desk.services.demo_money import add_people_and_money
from partner_desk.services.imports import import_file
from partner_desk.store.engine import Database
from partner_desk.store.models import Agency
from partner_desk.store.queries import company_tz

SEED = 20260501
MONTHS_BEFORE = 6
PROJECTS = 200
UNCONNECTED_PAYERS = 6
SINCE = "2025-11-03T09:00:00"  # when the long-standing connections began, before any demo month


@dataclass
class DemoAgency:
    code: str
    name: str
    currency: str
    size: int  # index into SIZE_BANDS
    manager: str
    accepted_at: str


@dataclass
class DemoConnection:
    agency: DemoAgency
    start: str  # company-local ISO timestamps, as the projects file has them
    end: str | None


@dataclass
class DemoProject:
    project_id: str
    name: str
    currency: str
    monthly_usd: Decimal  # the subscription it pays a month, in USD
    billing_day: int
    connections: list[DemoConnection]
    pays_after_end: bool = True


@dataclass
class DemoPayment:
    payment_id: str
    project_id: str
    paid_at: datetime  # company-local, naive
    service: str
    minor: int
    currency: str
    refund_of: str | None = None

    def row(self) -> list[str]:
        amount = format_amount(from_minor(self.minor, self.currency), self.currency)
        return [self.payment_id, self.project_id, self.paid_at.isoformat(timespec="seconds"), self.service,
                amount, self.currency, self.refund_of or ""]


@dataclass
class DemoBuild:
    """Everything the steps share: the database, the months, the seeded generator, the data so far."""

    db: Database
    actor: Actor
    today: date
    periods: list[Period]  # the ended months, oldest first, then the running month
    folder: Path
    rnd: random.Random
    agencies: list[DemoAgency] = field(default_factory=list)
    projects: list[DemoProject] = field(default_factory=list)
    payments: list[DemoPayment] = field(default_factory=list)
    late: dict[Period, list[DemoPayment]] = field(default_factory=dict)  # imported after posting
    rates: dict[tuple[str, date], Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _next_payment: int = 0

    @property
    def ended(self) -> list[Period]:
        return self.periods[:-1]

    @property
    def running(self) -> Period:
        return self.periods[-1]

    def payment_id(self) -> str:
        self._next_payment += 1
        return f"PAY-{self._next_payment:06d}"

    def write_csv(self, name: str, header: list[str], rows: list[list[str]]) -> Path:
        path = self.folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    def import_csv(self, kind: str, name: str, header: list[str], rows: list[list[str]]) -> None:
        import_file(self.db, self.actor, kind, self.write_csv(name, header, rows))

    def usd_to_minor(self, usd: Decimal, currency: str) -> int:
        """A USD amount in `currency` at its base rate, in that currency's minor units."""
        rate = BASE_RATES[currency][0] if currency != USD else Decimal(1)
        scaled = (usd * rate).scaleb(minor_digits(currency))
        return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


Step = Callable[[DemoBuild], None]


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _agencies(build: DemoBuild) -> None:
    rnd = build.rnd
    sizes = [i % len(SIZE_BANDS) for i in range(len(AGENCY_NAMES))]
    rnd.shuffle(sizes)
    first = build.periods[0].first_day
    rows = []
    for i, name in enumerate(AGENCY_NAMES):
        currency = PARTNER_CURRENCIES[i % len(PARTNER_CURRENCIES)]
        # two in three have accepted the offer, some of them during the demo months
        if i % 3 == 2:
            accepted = ""
        elif i % 3 == 1:
            accepted = _local(first + timedelta(days=rnd.randrange(150)), 11, rnd.randrange(60)).isoformat()
        else:
            accepted = f"2025-{rnd.randrange(1, 11):02d}-{rnd.randrange(1, 28):02d}T10:00:00"
        agency = DemoAgency(f"AG{i + 1:03d}", name, currency, sizes[i], MANAGERS[i % len(MANAGERS)], accepted)
        build.agencies.append(agency)
        # Ukrainian statements for the hryvnia agencies, English asked for by some others, the rest
        # left to the company default
        language = "uk" if currency == "UAH" else "en" if i % 4 == 0 else ""
        rows.append([agency.code, name, currency, accepted, agency.manager, language])
    build.import_csv("agencies", "agencies.csv",
                     ["code", "name", "currency", "offer_accepted_at", "manager", "language"], rows)


def _projects(build: DemoBuild) -> None:
    rnd = build.rnd
    # the last agency has just signed up and has no projects yet
    working = build.agencies[:-1]
    owners = [working[i % len(working)] for i in range(PROJECTS)]
    rnd.shuffle(owners)
    per_agency: dict[str, int] = {}
    for agency in owners:
        per_agency[agency.code] = per_agency.get(agency.code, 0) + 1
    targets = {a.code: Decimal(rnd.randrange(*SIZE_BANDS[a.size])) for a in working}
    same_size: dict[int, list[DemoAgency]] = {}
    for agency in working:
        same_size.setdefault(agency.size, []).append(agency)
    months = build.ended
    rows = []
    for n, owner in enumerate(owners):
        # most clients pay in the agency's currency; some in USD or EUR
        currency = owner.currency if rnd.random() < 0.65 else rnd.choice(("USD", "EUR", "UAH"))
        share = targets[owner.code] / per_agency[owner.code]
        monthly = (share * Decimal(rnd.randrange(90, 111)) / 100).quantize(Decimal("0.01"))
        name = f"{CLIENT_PREFIXES[n % len(CLIENT_PREFIXES)]} {CLIENT_KINDS[(n * 7) % len(CLIENT_KINDS)]}"
        project = DemoProject(f"PRJ-{1001 + n}", name, currency, monthly, rnd.randrange(1, 29),
                              [DemoConnection(owner, SINCE, None)])
        if n % 16 == 3:
            # moved mid-month to an agency of the same size, so both keep their level
            month = months[rnd.randrange(1, len(months))]
            moved_at = _local(month.first_day.replace(day=15), 0, 0).isoformat()
            buddies = [a for a in same_size[owner.size] if a is not owner]
            project.connections[0].end = moved_at
            project.connections.append(DemoConnection(rnd.choice(buddies), moved_at, None))
        elif n % 19 == 5:
            # disconnected: the client left the agency; some keep paying the service directly
            month = months[rnd.randrange(2, len(months))]
            project.connections[0].end = _local(month.first_day.replace(day=rnd.randrange(5, 25)), 12, 0).isoformat()
            project.pays_after_end = n % 2 == 0
        build.projects.append(project)
        for c in project.connections:
            rows.append([project.project_id, name, currency, c.agency.code, c.start, c.end or ""])
    build.import_csv("projects", "projects.csv",
                     ["project_id", "name", "currency", "agency_code", "connected_at", "disconnected_at"], rows)


def _rates(build: DemoBuild) -> None:
    rnd = build.rnd
    day = build.periods[0].first_day - timedelta(days=7)
    rows = []
    values = {currency: base for currency, (base, _digits) in BASE_RATES.items()}
    while day <= build.today:
        for currency, (base, digits) in BASE_RATES.items():
            # a small daily walk that stays within 2 % of the base rate
            step = Decimal(rnd.randrange(-25, 26)) / Decimal(10000)
            moved = values[currency] * (1 + step)
            low, high = base * Decimal("0.98"), base * Decimal("1.02")
            values[currency] = min(max(moved, low), high).quantize(Decimal(1).scaleb(-digits))
            build.rates[currency, day] = values[currency]
            rows.append([day.isoformat(), currency, str(values[currency])])
        day += timedelta(days=1)
    build.import_csv("rates", "rates.csv", ["date", "currency", "per_usd"], rows)


def _paying(project: DemoProject, moment: datetime) -> bool:
    stamp = moment.isoformat(timespec="seconds")
    for c in project.connections:
        if c.start <= stamp and (c.end is None or stamp < c.end):
            return True
    return project.pays_after_end


def _month_payments(build: DemoBuild, project_id: str, currency: str, monthly_usd: Decimal,
                    day: date, rnd: random.Random) -> list[DemoPayment]:
    """A month of one client: the subscription, and now and then numbers, telephony, other."""
    found = [DemoPayment(build.payment_id(), project_id, _local(day, rnd.randrange(8, 20), rnd.randrange(60)),
                         "subscription", build.usd_to_minor(monthly_usd, currency), currency)]
    extras = (("numbers", 0.35, (5, 40)), ("telephony", 0.6, (10, 160)), ("other", 0.12, (3, 25)))
    for service, chance, (low, high) in extras:
        if rnd.random() < chance:
            extra_day = day.replace(day=min(28, day.day + rnd.randrange(0, 3)))
            if extra_day >= build.today:
                continue  # nothing is paid later than yesterday
            found.append(DemoPayment(build.payment_id(), project_id,
                                     _local(extra_day, rnd.randrange(8, 20), rnd.randrange(60)), service,
                                     build.usd_to_minor(Decimal(rnd.randrange(low, high)), currency), currency))
    return found


def _payments(build: DemoBuild) -> None:
    rnd = build.rnd
    for period in build.periods:
        for project in build.projects:
            day = period.first_day.replace(day=project.billing_day)
            if day >= build.today:
                continue  # the running month only has what was paid so far
            if not _paying(project, _local(day, 8, 0)):
                continue
            build.payments.extend(_month_payments(build, project.project_id, project.currency,
                                                  project.monthly_usd, day, rnd))
        for n in range(UNCONNECTED_PAYERS):
            day = period.first_day.replace(day=3 + 4 * n)
            if day < build.today:
                currency = ("USD", "EUR", "UAH")[n % 3]
                build.payments.extend(_month_payments(build, f"PRJ-9{n + 1:03d}", currency,
                                                      Decimal(60 + 25 * n), day, rnd))
    _refunds(build)
    _late_payments(build)
    header = ["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"]
    build.import_csv("payments", "payments.csv", header, [p.row() for p in build.payments])


def _refund(build: DemoBuild, original: DemoPayment, minor: int, days_later: int) -> DemoPayment:
    moment = original.paid_at + timedelta(days=days_later)
    return DemoPayment(build.payment_id(), original.project_id, moment, original.service, -minor,
                       original.currency, original.payment_id)


def _refunds(build: DemoBuild) -> None:
    """Full refunds within the month, partial ones in the next month, one of a telephony payment."""
    rnd = build.rnd
    connected = {p.project_id for p in build.projects}
    subscriptions = [p for p in build.payments if p.service == "subscription" and p.project_id in connected
                     and p.paid_at.date() < build.today - timedelta(days=40) and p.paid_at.day <= 20]
    chosen = rnd.sample(subscriptions, 10)
    refunds = []
    for n, original in enumerate(chosen):
        if n % 2 == 0:
            refunds.append(_refund(build, original, original.minor, rnd.randrange(1, 7)))
        else:
            part = original.minor * rnd.randrange(20, 60) // 100
            refunds.append(_refund(build, original, max(part, 1), 20 + rnd.randrange(5)))
    telephony = next(p for p in build.payments if p.service == "telephony" and p.project_id in connected)
    refunds.append(_refund(build, telephony, telephony.minor, 2))
    build.payments.extend(refunds)
    build.notes.append(f"{len(refunds)} refunds")


def _late_payments(build: DemoBuild) -> None:
    """Subscriptions billing sent only after their month was posted: accrued late the month after."""
    rnd = build.rnd
    months = sorted({build.ended[1], build.ended[3], build.ended[-1]})
    for period in months:
        late = []
        for project in rnd.sample([p for p in build.projects if p.connections[-1].end is None], 2):
            moment = _local(period.first_day.replace(day=rnd.randrange(10, 28)), 16, rnd.randrange(60))
            late.append(DemoPayment(build.payment_id(), project.project_id, moment, "subscription",
                                    build.usd_to_minor(project.monthly_usd / 2, project.currency),
                                    project.currency))
        build.late[period] = late


def _post_months(build: DemoBuild) -> None:
    header = ["payment_id", "project_id", "paid_at", "service", "amount", "currency", "refund_of"]
    posted = 0
    for period in build.ended:
        run = post_period(build.db, build.actor, period, as_of=build.today)
        posted += len(run.accruals)
        late = build.late.get(period)
        if late:
            build.import_csv("payments", f"payments-late-{period}.csv", header, [p.row() for p in late])
    late_count = sum(len(v) for v in build.late.values())
    build.notes.append(f"{late_count} payments that arrived after their month was posted")
    build.notes.append(f"{posted} accruals posted for {build.ended[0]} to {build.ended[-1]}; "
                       f"{build.running} is open, and its preview is the current commission")


# The build, in order. A step may read what earlier steps made and add notes to the summary.
STEPS: list[Step] = [_agencies, _projects, _rates, _payments, _post_months]


def demo_periods(today: date) -> list[Period]:
    """The six months before today's month, then today's month."""
    periods = [Period.of(today)]
    for _n in range(MONTHS_BEFORE):
        periods.insert(0, periods[0].previous())
    return periods


def build_demo(db: Database, today: date | None = None) -> str:
    """Fill an empty database with the demo data set; returns a one-paragraph summary.

    Refuses (UserError) a database that already has agencies, so real data is never mixed with it.
    """
    with db.read() as session:
        if session.scalar(select(func.count()).select_from(Agency)):
            raise UserError(_("the database already has agencies: the demo data set goes only into an "
                              "empty database (run 'partner-desk --db URL init --demo' with a new one)"))
        today = today or today_in(company_tz(session))
    with tempfile.TemporaryDirectory(prefix="partner-desk-demo-") as folder:
        build = DemoBuild(db, SETUP, today, demo_periods(today), Path(folder), random.Random(SEED))
        for step in STEPS:
            step(build)
    build.notes.append(add_people_and_money(db, today))
    currencies = sorted({a.currency for a in build.agencies})
    head = _("Demo data: {agencies} agencies in {count} currencies ({currencies}), {projects} projects, "
             "{payments} payments from {first} to {today}").format(
        agencies=len(build.agencies), count=len(currencies), currencies=", ".join(currencies),
        projects=len(build.projects), payments=len(build.payments) + sum(len(v) for v in build.late.values()),
        first=build.periods[0], today=today.isoformat())
    return "; ".join([head, *build.notes]) + "."
