"""A service's refusal a user can cause (an unknown project, agency or withdrawal, a project not
connected now, a missing reason, a table, a reward level or a time zone that cannot be set, a statement
of a period not posted, a user changed behind the product's back) is typed: its English is the command
line's, word for word; a Ukrainian window words it in Ukrainian with no English word but the data's own
values; nothing is written but the refusal's audit record."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from partner_desk.domain.refusals import Refusal
from partner_desk.refusal_text import Refused, english, shown_error
from partner_desk.services.benefits import accept_offer
from partner_desk.services.ledger import correct, pay_project
from partner_desk.services.payout_batches import BatchRefused, mark_batch_paid
from partner_desk.services.settings_admin import add_reward_level, add_tier_version, set_time_zone
from partner_desk.services.statements import export_statement
from partner_desk.services.versions import Stale
from partner_desk.services.withdrawals import approve, get_withdrawal, mark_paid, request_withdrawal
from partner_desk.store.engine import Database
from partner_desk.store.models import LedgerEntry
from tests.services.money_world import ACTORS, CLOCK, TODAY, actions, credit, world

M1, A1 = ACTORS["m1"], ACTORS["a1"]


@pytest.fixture
def wdb(tmp_path: Path, clock) -> Iterator[Database]:
    clock(CLOCK)
    database = world(tmp_path)
    yield database
    database.dispose()


def refusal_of(act: Callable[[], object]) -> Refused:
    with pytest.raises(Refused) as caught:
        act()
    error = caught.value
    assert all(r.code != "text" for r in error.reasons), error.reasons  # typed, every reason
    return error


def latin(shown: str, *data: str) -> list[str]:
    for value in sorted(data, key=len, reverse=True):
        shown = shown.replace(value, "")
    return re.findall(r"[A-Za-z]+", shown)


def entries(db: Database) -> int:
    with db.read() as s:
        return s.query(LedgerEntry).count()


CASES: list[tuple[str, Callable[[Database], object], str, str, tuple[str, ...]]] = [
    ("unknown project", lambda db: pay_project(db, M1, "AG01", "P-NONE", "1.00"),
     "unknown project 'P-NONE'", "проєкту «P-NONE» немає", ("P-NONE",)),
    ("unknown agency", lambda db: pay_project(db, M1, "AG09", "P-EUR", "1.00"),
     "unknown agency 'AG09'", "агентства «AG09» немає", ("AG09",)),
    ("connected elsewhere", lambda db: pay_project(db, M1, "AG01", "P-USD", "1.00"),
     "project P-USD is not connected to AG01 now (it is connected to AG02)",
     "проєкт P-USD зараз не підключено до агентства AG01 (його підключено до агентства AG02)",
     ("P-USD", "AG01", "AG02")),
    ("an amount that cannot be read", lambda db: pay_project(db, M1, "AG01", "P-EUR", "ten"),
     "the amount: 'ten' is not a decimal number", "сума: «ten» — не десяткове число", ("ten",)),
    ("a correction without reason", lambda db: correct(db, A1, "AG01", "5.00", "  "),
     "a correction needs a reason (--reason TEXT)", "для коригування потрібно вказати причину", ()),
    ("a table without a level", lambda db: add_tier_version(db, A1, "2027-01", []),
     "a table needs at least one level", "таблиця має містити хоча б один рівень", ()),
    # a negative threshold and a percent over 100: the levels as entered (level 1 is the file's row 2)
    ("a table's levels", lambda db: add_tier_version(db, A1, "2027-01", [("-5", "10"), ("100", "150")]),
     "the table from 2027-01 was not added:\nlevel 1: min_turnover_usd: is negative\n"
     "level 2: percent: is not between 0 and 100",
     "таблицю комісій, що діє з 2027-01, не додано:\nрівень 1: min_turnover_usd: від’ємне значення\n"
     "рівень 2: percent: не в межах від 0 до 100", ("min_turnover_usd", "percent")),
    ("a reward level without benefit", lambda db: add_reward_level(db, A1, "500", ["  "]),
     "a reward level needs at least one benefit", "рівень винагороди потребує щонайменше одного привілею", ()),
    ("a negative minimum reward", lambda db: add_reward_level(db, A1, "-1", ["Badge"]),
     "minimum reward: is negative", "мінімальна винагорода: від’ємне значення", ()),
    ("no such withdrawal", lambda db: get_withdrawal(db, 99),
     "there is no withdrawal 99", "заявки на виведення № 99 немає", ()),
    ("an offer accepted already", lambda db: accept_offer(db, M1, "AG01"),
     "AG01 accepted the partner offer on 2025-01-01 already",
     "агентство AG01 уже прийняло партнерську оферту 01.01.2025", ("AG01",)),
]


@pytest.mark.parametrize(("name", "act", "english_text", "ukrainian_text", "data"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_service_refusal_in_english_and_in_ukrainian(wdb: Database, ukrainian: None, name: str,
                                                       act: Callable[[Database], object], english_text: str,
                                                       ukrainian_text: str, data: tuple[str, ...]) -> None:
    credit(wdb, "AG01", "100.00")
    before = entries(wdb)
    error = refusal_of(lambda: act(wdb))
    assert str(error) == english_text  # the command line's words, whatever the window speaks
    shown = shown_error(error)
    assert shown == ukrainian_text
    assert latin(shown, *data) == [], shown
    assert entries(wdb) == before


def test_a_time_zone_fixed_by_imported_payments(wdb: Database, ukrainian: None) -> None:
    with wdb.write() as s:
        s.execute(text("INSERT INTO payments (payment_id, project_id, paid_at, local_date, period, service, "
                       "amount_minor, currency) VALUES ('p1', 'P-EUR', '2026-11-01 10:00:00', '2026-11-01', "
                       "'2026-11', 'subscription', 100, 'EUR')"))
    error = refusal_of(lambda: set_time_zone(wdb, A1, "Europe/Warsaw"))
    assert str(error) == ("the time zone cannot change from Europe/Kyiv: payments were already imported with "
                          "their periods in it")
    assert shown_error(error) == ("часовий пояс Europe/Kyiv уже не можна змінити: платежі імпортовано з періодами "
                                  "в цьому поясі")
    assert actions(wdb)[-1].outcome == "refused"


def test_a_statement_of_a_period_not_posted(wdb: Database, ukrainian: None, tmp_path: Path) -> None:
    error = refusal_of(lambda: export_statement(wdb, ACTORS["f1"], "AG01", "2026-10", tmp_path / "s.xlsx"))
    assert str(error) == ("2026-10 is not posted: a statement shows posted accruals only (a preview of it can be "
                          "exported instead)")
    assert shown_error(error) == ("період 2026-10 не проведено: виписка містить лише проведені нарахування "
                                  "(натомість можна експортувати попередній розрахунок)")
    assert not (tmp_path / "s.xlsx").exists()


def test_a_role_changed_behind_the_products_back_is_refused_in_ukrainian(wdb: Database, ukrainian: None) -> None:
    with wdb.write() as s:
        s.execute(text("DROP TRIGGER IF EXISTS users_no_role_change"))
        s.execute(text("UPDATE users SET role = 'admin' WHERE name = 'm1'"))
    credit(wdb, "AG01", "100.00")
    error = refusal_of(lambda: correct(wdb, M1, "AG01", "5.00", "mine now"))
    assert str(error) == ("m1 may not correct balances: m1's role is admin in the database but manager in the "
                          "audit trail: it was changed behind the product's back; an admin must set it again")
    assert shown_error(error) == (
        "m1 не може коригувати баланси: роль користувача m1 у базі даних — «адміністратор», а в журналі аудиту — "
        "«менеджер»: її змінено в обхід Partner Desk; адміністратор має встановити її знову")
    assert latin(shown_error(error), "m1", "Partner Desk") == []
    assert english(Refusal("tampered_password", {"user": "m1"})) == (
        "the password of m1 was changed behind the product's back; an admin must set it again")
    with wdb.read() as s:
        assert s.query(LedgerEntry).count() == 1  # the credit only


def test_a_request_or_a_balance_changed_since_it_was_shown_is_told_in_ukrainian(wdb: Database,
                                                                                ukrainian: None) -> None:
    credit(wdb, "AG01", "1000.00")
    wid = request_withdrawal(wdb, M1, "AG01", "150.00", "card", "c").id
    approve(wdb, ACTORS["f1"], wid)
    with pytest.raises(Stale) as caught:
        approve(wdb, ACTORS["f2"], wid, expected="pending")
    # the product's clock is 10:00 UTC, 12:00 in Kyiv
    assert str(caught.value) == (f"withdrawal {wid} was approved by f1 at 12:00 since it was shown as pending: "
                                 "nothing was changed; reload")
    assert shown_error(caught.value) == (
        f"заявка на виведення № {wid} тепер має статус «схвалено» (змінив користувач f1 о 12:00), а показано було "
        "статус «очікує»: нічого не змінено; оновіть дані")
    with wdb.read() as s:
        shown = max(e.id for e in s.query(LedgerEntry).all())
    correct(wdb, A1, "AG01", "-300.00", "double credit")
    with pytest.raises(Stale) as caught:
        pay_project(wdb, M1, "AG01", "P-EUR", "10.00", expected=shown)
    assert str(caught.value) == ("the balance of AG01 changed since it was shown: a1 corrected it at 12:00: nothing "
                                 "was changed; reload")
    assert shown_error(caught.value) == ("баланс агентства AG01 змінився після показу: скориговано баланс "
                                         "(користувач a1), 12:00: нічого не змінено; оновіть дані")


def test_requests_that_cannot_be_marked_paid_together_are_told_in_ukrainian(wdb: Database, ukrainian: None) -> None:
    credit(wdb, "AG01", "1000.00")
    paid = request_withdrawal(wdb, M1, "AG01", "150.00", "card", "c").id
    approve(wdb, ACTORS["f1"], paid)
    mark_paid(wdb, ACTORS["f1"], paid, "R-1")
    pending = request_withdrawal(wdb, M1, "AG01", "120.00", "card", "c").id
    with pytest.raises(BatchRefused) as caught:
        mark_batch_paid(wdb, ACTORS["f2"], [paid, pending], "R-2", TODAY)
    assert str(caught.value) == (
        f"requests {paid},{pending} cannot be marked paid, nothing was changed: withdrawal {paid} was already paid "
        f"on 2026-11-20 (reference R-1); withdrawal {pending} is pending: only an approved request can be marked paid")
    assert shown_error(caught.value) == (
        f"заявки {paid},{pending} не можна позначити виплаченими, нічого не змінено: заявку на виведення № {paid} "
        f"уже виплачено 20.11.2026 (ідентифікатор виплати R-1); заявка на виведення № {pending} має статус "
        "«очікує»: позначити виплаченою можна лише схвалену заявку")
